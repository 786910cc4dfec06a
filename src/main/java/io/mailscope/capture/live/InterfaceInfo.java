package io.mailscope.capture.live;

import java.util.List;

/**
 * One capture interface as libpcap lists it.
 *
 * @param name        what to pass to {@code -i}
 * @param description libpcap's description, or "" (Linux gives one only for pseudo-devices such as "any")
 * @param addresses   addresses in CIDR form ("192.0.2.2/24", "::1/128"), or bare when the netmask is unknown
 * @param loopback    the loopback interface
 * @param up          administratively up
 * @param running     up and with a link (carrier)
 */
public record InterfaceInfo(String name, String description, List<String> addresses, boolean loopback, boolean up,
                            boolean running) {

    public InterfaceInfo {
        description = description == null ? "" : description;
        addresses = List.copyOf(addresses);
    }

    /** One line for {@code mailscope interfaces}: "eth0  up, running  192.0.2.2/24 fd00::2/64  (description)". */
    public String summaryLine() {
        StringBuilder sb = new StringBuilder(name);
        sb.append("  ").append(up ? "up" : "down");
        if (running) {
            sb.append(", running");
        }
        if (loopback) {
            sb.append(", loopback");
        }
        if (!addresses.isEmpty()) {
            sb.append("  ").append(String.join(" ", addresses));
        }
        if (!description.isEmpty()) {
            sb.append("  (").append(description).append(')');
        }
        return sb.toString();
    }
}
