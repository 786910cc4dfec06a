package io.mailscope.dissect;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which port has which role: every role's default ports (143, 993, 110, 995, 25, 587, 465), plus those the user
 * adds with {@code --port-role ROLE=PORTS} (or {@code --imap-port}/{@code --imaps-port}). A port the user names
 * takes the role named, even if it is another role's default.
 */
public final class PortRoles {
    private final Map<Integer, PortRole> byPort = new HashMap<>();

    public PortRoles(Map<PortRole, ? extends Set<Integer>> extra) {
        for (PortRole r : PortRole.values()) {
            for (int p : r.defaultPorts()) {
                byPort.put(p, r);
            }
        }
        // Implicit TLS last, as before --port-role: a port given both as imap and imaps is implicit TLS.
        for (PortRole.Security security : new PortRole.Security[] {PortRole.Security.STARTTLS, PortRole.Security.IMPLICIT_TLS}) {
            for (var e : extra.entrySet()) {
                if (e.getKey().security() == security) {
                    for (int p : e.getValue()) {
                        byPort.put(p, e.getKey());
                    }
                }
            }
        }
    }

    public PortRoles(Set<Integer> extraImap, Set<Integer> extraImaps) {
        this(imapOnly(extraImap, extraImaps));
    }

    private static Map<PortRole, Set<Integer>> imapOnly(Set<Integer> imap, Set<Integer> imaps) {
        Map<PortRole, Set<Integer>> m = new EnumMap<>(PortRole.class);
        m.put(PortRole.IMAP, imap);
        m.put(PortRole.IMAPS, imaps);
        return m;
    }

    public static PortRoles defaults() {
        return new PortRoles(Set.of(), Set.of());
    }

    public PortRole role(int port) {
        return byPort.getOrDefault(port, PortRole.OTHER);
    }

    /** True for a port with a mail role: used to tell client from server when a capture starts mid-connection. */
    public boolean isMailPort(int port) {
        return byPort.containsKey(port);
    }

    /** The ports with this role, ascending. */
    public Set<Integer> ports(PortRole role) {
        Set<Integer> out = new TreeSet<>();
        byPort.forEach((p, r) -> {
            if (r == role) {
                out.add(p);
            }
        });
        return out;
    }

    public Set<Integer> imapPorts() {
        return ports(PortRole.IMAP);
    }

    public Set<Integer> imapsPorts() {
        return ports(PortRole.IMAPS);
    }
}
