package io.mailscope.cli;

import io.mailscope.dissect.PortRole;

import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * {@code --port-role ROLE=PORTS}: ROLE one of imap, imaps, pop3, pop3s, smtp, submission, submissions, PORTS
 * comma-separated (e.g. {@code pop3s=9995,10995}); repeatable. Shared by the commands that take port roles
 * (analyze, explain and live through {@link AnalysisOptions}; connect can declare the same option with
 * {@link #DESCRIPTION} and build its roles with {@link #parse} and {@code new PortRoles(map)}).
 */
public final class PortRoleOption {
    public static final String DESCRIPTION = "Give these ports a role: ROLE is imap, imaps, pop3, pop3s, smtp, submission or "
            + "submissions, PORTS comma-separated (e.g. pop3s=9995,10995); repeatable. "
            + "The default ports keep their roles (143, 993, 110, 995, 25, 587, 465).";

    private PortRoleOption() {
    }

    /** The roles given, each with its ports; throws IllegalArgumentException with a one-line message naming the fault. */
    public static Map<PortRole, Set<Integer>> parse(List<String> values) {
        Map<PortRole, Set<Integer>> out = new EnumMap<>(PortRole.class);
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) {
                throw new IllegalArgumentException("--port-role takes ROLE=PORTS (e.g. pop3s=9995,10995), not '" + v + "'");
            }
            String name = v.substring(0, eq).trim();
            PortRole role = PortRole.ofLabel(name);
            if (role == null) {
                throw new IllegalArgumentException("--port-role: unknown role '" + name + "'; it is one of " + names());
            }
            Set<Integer> ports = out.computeIfAbsent(role, r -> new LinkedHashSet<>());
            for (String p : v.substring(eq + 1).split(",")) {
                ports.add(port(p.trim(), v));
            }
        }
        return out;
    }

    /** Adds {@code ports} to {@code role} in {@code roles} (the --imap-port and --imaps-port aliases). */
    public static void add(Map<PortRole, Set<Integer>> roles, PortRole role, List<Integer> ports) {
        if (!ports.isEmpty()) {
            roles.computeIfAbsent(role, r -> new LinkedHashSet<>()).addAll(ports);
        }
    }

    private static int port(String p, String whole) {
        int n;
        try {
            n = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port-role " + whole + ": '" + p + "' is not a port number");
        }
        if (n < 1 || n > 65535) {
            throw new IllegalArgumentException("a port is a number from 1 to 65535, not " + n);
        }
        return n;
    }

    private static String names() {
        StringJoiner j = new StringJoiner(", ");
        for (PortRole r : PortRole.values()) {
            if (r != PortRole.OTHER) {
                j.add(r.label());
            }
        }
        return j.toString();
    }
}
