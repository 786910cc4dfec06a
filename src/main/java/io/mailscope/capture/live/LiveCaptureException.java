package io.mailscope.capture.live;

/**
 * Live capture could not start or went wrong. The message is one or two plain lines meant for the
 * user (what happened and what to do), never a stack trace; the CLI prints it and exits with {@link #exitCode()}.
 */
public final class LiveCaptureException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Exit status for every live-capture failure: the environment (libpcap, privileges, interface), not the data. */
    public static final int EXIT_CODE = 2;

    public LiveCaptureException(String message) {
        super(message);
    }

    public LiveCaptureException(String message, Throwable cause) {
        super(message, cause);
    }

    public int exitCode() {
        return EXIT_CODE;
    }
}
