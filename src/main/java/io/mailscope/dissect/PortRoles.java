package io.mailscope.dissect;

import java.util.Set;
import java.util.TreeSet;

/** Which ports are plaintext IMAP and which implicit TLS: 143 and 993 by default, plus those the user adds. */
public final class PortRoles {
    private final Set<Integer> imap;
    private final Set<Integer> imaps;

    public PortRoles(Set<Integer> extraImap, Set<Integer> extraImaps) {
        this.imap = new TreeSet<>(extraImap);
        this.imaps = new TreeSet<>(extraImaps);
        imap.add(143);
        imaps.add(993);
    }

    public static PortRoles defaults() {
        return new PortRoles(Set.of(), Set.of());
    }

    public PortRole role(int port) {
        if (imaps.contains(port)) {
            return PortRole.IMAPS;
        }
        if (imap.contains(port)) {
            return PortRole.IMAP;
        }
        return PortRole.OTHER;
    }

    /** True for a port with a mail role: used to tell client from server when a capture starts mid-connection. */
    public boolean isMailPort(int port) {
        return imap.contains(port) || imaps.contains(port);
    }

    public Set<Integer> imapPorts() {
        return Set.copyOf(imap);
    }

    public Set<Integer> imapsPorts() {
        return Set.copyOf(imaps);
    }
}
