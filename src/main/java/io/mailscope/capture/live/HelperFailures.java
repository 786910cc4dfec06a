package io.mailscope.capture.live;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns the capture helper's exit status and one-line message into mailscope's usual messages (the same as
 * for capture in process, see {@link Failures}), plus what to do when the helper itself lacks the privilege.
 * The exit codes are the helper's contract (native/mailscope-capture.c, native/README.md).
 */
final class HelperFailures {
    static final int EXIT_USAGE = 2;
    static final int EXIT_NO_SUCH_DEVICE = 3;
    static final int EXIT_PERMISSION = 4;
    static final int EXIT_BAD_FILTER = 5;
    static final int EXIT_CAPTURE_FAILED = 6;
    static final int EXIT_PRIVILEGE_DROP = 7;
    static final int EXIT_OUTPUT_FAILED = 8;

    /** The group the package gives the helper to (packaging/deb/postinst). */
    static final String GROUP = "mailscope";

    private static final String PREFIX = "mailscope-capture: ";

    private HelperFailures() {
    }

    static String groupHint() {
        return "members of group " + GROUP + " may capture through it once the package is installed "
                + "(sudo usermod -aG " + GROUP + " $USER, then log in again)";
    }

    /** The helper could not be started at all: usually not executable by this user (not in the group). */
    static LiveCaptureException cannotRun(Path helper, IOException e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        int error = why.indexOf("error=");
        String reason = error >= 0 ? why.substring(error) : why;
        if (why.contains("error=13") || why.contains("Permission denied")) {
            return new LiveCaptureException("cannot run the capture helper " + helper + " (" + reason + "): "
                    + groupHint() + "; or run mailscope as root");
        }
        return new LiveCaptureException("cannot run the capture helper " + helper + " (" + reason + ")");
    }

    /** What went wrong, from the helper's exit status and standard error. */
    static LiveCaptureException fromExit(Path helper, LiveOptions options, int status, String stderr) {
        String message = firstLine(stderr);
        if (message.startsWith(PREFIX)) {
            message = message.substring(PREFIX.length());
        }
        String iface = options.interfaceName();
        return switch (status) {
            case EXIT_NO_SUCH_DEVICE -> Failures.unknownInterface(iface, knownNames(helper));
            case EXIT_PERMISSION -> new LiveCaptureException("no permission to capture on " + iface + " ("
                    + helper + ": " + parenthesised(message) + "): the helper lacks the capture capability; "
                    + groupHint() + "; from a clone: sudo setcap cap_net_raw,cap_net_admin=eip " + helper
                    + " (docs/live.md); or run mailscope as root");
            case EXIT_BAD_FILTER -> Failures.badFilter(options.filter(), strip(message, "bad filter: "));
            case EXIT_USAGE -> new LiveCaptureException("the capture helper " + helper + " refused its arguments: "
                    + message);
            default -> new LiveCaptureException(status > 128
                    ? "the capture helper " + helper + " was killed by signal " + (status - 128)
                    + (message.isEmpty() ? "" : ": " + message)
                    : "capture on " + iface + " failed (" + helper + ", exit status " + status + "): "
                    + (message.isEmpty() ? "no message" : message));
        };
    }

    private static List<String> knownNames(Path helper) {
        try {
            return InterfaceLister.names(HelperInterfaces.list(helper));
        } catch (LiveCaptureException e) {
            return List.of();
        }
    }

    /** "no permission to capture on lo (socket: Operation not permitted)" → "socket: Operation not permitted". */
    private static String parenthesised(String message) {
        int open = message.indexOf('(');
        int close = message.lastIndexOf(')');
        return open >= 0 && close > open ? message.substring(open + 1, close) : message;
    }

    private static String strip(String s, String prefix) {
        return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
