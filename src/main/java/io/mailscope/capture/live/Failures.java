package io.mailscope.capture.live;

import java.util.List;
import java.util.Locale;

/**
 * Turns what libpcap, pcap4j and JNA throw into {@link LiveCaptureException}s whose message says what to do.
 * Kept apart from the capture code so each message can be tested from a synthetic error.
 */
final class Failures {
    /** libpcap's PCAP_ERROR_NO_SUCH_DEVICE and PCAP_ERROR_PERM_DENIED return codes. */
    static final int PCAP_ERROR_NO_SUCH_DEVICE = -5;
    static final int PCAP_ERROR_PERM_DENIED = -8;

    static final String INSTALL_HINT = "install it (Debian/Ubuntu: apt-get install libpcap0.8; "
            + "Fedora/RHEL: dnf install libpcap; macOS has it built in)";

    static final String PERMISSION_HINT = "run mailscope as root, or capture through its helper (install the "
            + "mailscope package and join group mailscope), or grant it the capture capability at launch: "
            + "sudo setpriv --inh-caps +net_raw --ambient-caps +net_raw --reuid=$(id -u) --regid=$(id -g) "
            + "--init-groups mailscope ... (see docs/live.md; do not setcap the java binary)";

    private Failures() {
    }

    /**
     * JNA could not load libpcap: pcap4j's NativeMappings fails its static initialiser with UnsatisfiedLinkError
     * the first time, and with NoClassDefFoundError ("Could not initialize class") every time after.
     */
    static LiveCaptureException libpcapMissing(LinkageError e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
        return new LiveCaptureException("live capture needs libpcap, which could not be loaded (" + detail + "): "
                + INSTALL_HINT, e);
    }

    static boolean isPermissionProblem(String message, Integer returnCode) {
        if (returnCode != null && returnCode == PCAP_ERROR_PERM_DENIED) {
            return true;
        }
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("operation not permitted") || m.contains("don't have permission")
                || m.contains("permission denied") || m.contains("eperm");
    }

    static boolean isNoSuchDevice(String message, Integer returnCode) {
        if (returnCode != null && returnCode == PCAP_ERROR_NO_SUCH_DEVICE) {
            return true;
        }
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("no such device");
    }

    /** Opening or activating the handle failed. */
    static LiveCaptureException openFailed(String iface, String message, Integer returnCode, List<String> known) {
        if (isPermissionProblem(message, returnCode)) {
            return noPermission(iface, message);
        }
        if (isNoSuchDevice(message, returnCode)) {
            return unknownInterface(iface, known);
        }
        return new LiveCaptureException("cannot capture on " + iface + ": " + clean(message));
    }

    static LiveCaptureException noPermission(String iface, String message) {
        return new LiveCaptureException("no permission to capture on " + iface + " (" + clean(message) + "): "
                + PERMISSION_HINT);
    }

    static LiveCaptureException unknownInterface(String iface, List<String> known) {
        String list = known.isEmpty() ? "none found (are you allowed to list them? try as root)"
                : String.join(", ", known);
        return new LiveCaptureException("no interface named '" + iface + "'; known interfaces: " + list);
    }

    static LiveCaptureException noDefaultInterface(List<String> known) {
        String list = known.isEmpty() ? "none" : String.join(", ", known);
        return new LiveCaptureException("no interface is up apart from loopback, so there is no default: "
                + "name one with -i (known interfaces: " + list + ")");
    }

    /** pcap4j prefixes the compiler's message with "Error occurred in pcap_compile: ". */
    static LiveCaptureException badFilter(String filter, String message) {
        String why = clean(message);
        int colon = why.indexOf("pcap_compile:");
        if (colon >= 0) {
            why = why.substring(colon + "pcap_compile:".length()).trim();
        }
        return new LiveCaptureException("bad capture filter '" + filter + "': " + why
                + " (the filter uses tcpdump's syntax, e.g. 'tcp port 143 or tcp port 993')");
    }

    static LiveCaptureException captureFailed(String iface, String message) {
        return new LiveCaptureException("capture on " + iface + " failed: " + clean(message));
    }

    private static String clean(String message) {
        if (message == null || message.isBlank()) {
            return "no reason given";
        }
        return firstLine(message).trim();
    }

    /** JNA's load errors run over several lines, the first ending in ':' before the details of each attempt. */
    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).trim();
        return line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
    }
}
