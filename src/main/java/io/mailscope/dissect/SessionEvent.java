package io.mailscope.dissect;

/** Events of the session layer itself: TCP milestones, what each direction turned out to speak, handoffs. */
public sealed interface SessionEvent extends Event {

    /** A TCP milestone: SYN, SYN-ACK, FIN, RST (first of each per direction, every RST). */
    record Tcp(At at, String what) implements SessionEvent {}

    /**
     * A direction's first bytes decided what it speaks: imap, tls, http, smtp, pop3, ssh, text, binary.
     *
     * @param firstBytes the first bytes, printable and escaped (never holds more than a line's start)
     */
    record Detected(At at, String protocol, String firstBytes) implements SessionEvent {}

    /** What was spoken does not match the port's role ({@link MismatchKind} says how). */
    record Mismatch(At at, MismatchKind kind, String detail) implements SessionEvent {
        /** The kind's code, e.g. "plaintext-to-tls-port". */
        public String code() {
            return kind.code();
        }
    }

    /** mailscope itself failed to dissect this direction further (a bug): what it says is all that is known. */
    record InternalError(At at, String detail) implements SessionEvent {}

    /** After STARTTLS was accepted this direction sent TLS: the stream was handed to the TLS analyzer. */
    record TlsHandoff(At at) implements SessionEvent {}

    /** After STARTTLS was accepted this direction went on in plaintext. {@code display} is the redacted start. */
    record PlaintextAfterStartTls(At at, String display) implements SessionEvent {}

    /**
     * The server sent plaintext right behind its OK to STARTTLS, in the same chunk: the STARTTLS
     * command-injection pattern (CVE-2011-0411 and cousins) or a broken server.
     */
    record ServerDataAfterStartTls(At at, String display) implements SessionEvent {}

    /**
     * This direction had been handed to TLS after STARTTLS, its TLS layer gave up ({@code before}: what it sent,
     * e.g. "a TLS warning close_notify alert") and it went back to plaintext IMAP (Courier, Cyrus).
     */
    record PlaintextFallback(At at, String before) implements SessionEvent {
        public String detail() {
            return before;
        }
    }

    /** Bytes missing from the capture in this direction. */
    record Gap(At at, long length) implements SessionEvent {}

    /** A capture truncated by its snaplen: payload was cut. */
    record Truncated(At at, long missing) implements SessionEvent {}

    /** No byte crossed in either direction for this long, starting at {@code at}. */
    record Silence(At at, long nanos, boolean untilEnd) implements SessionEvent {}
}
