package io.mailscope.dissect;

/** Events of the session layer itself: TCP milestones, what each direction turned out to speak, handoffs. */
public sealed interface SessionEvent extends Event {
    @Override
    default Family family() {
        return Family.SESSION;
    }

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

    /**
     * Bytes a line protocol's analyzer was given that are clearly not a text line (TLS records or other binary data,
     * typically after packets were lost): {@code lines} such lines, {@code bytes} bytes, not read as commands or
     * responses ({@link NotText}).
     */
    record NotText(At at, long bytes, long lines) implements SessionEvent {
        public String display() {
            return lines == 1 ? "binary data, " + bytes + " bytes, not a mail protocol line"
                    : lines + " more stretches of binary data, " + bytes + " bytes, not mail protocol lines";
        }
    }

    /**
     * TLS found again at a record header: in a connection picked up midstream whose first bytes were not a record's
     * start ({@code midstream}), or in a direction read as a mail protocol, after a hole or at a ClientHello (its
     * STARTTLS answer or the start of the handshake was lost). {@code skipped} bytes before it were passed over.
     */
    record TlsResynced(At at, long skipped, boolean midstream) implements SessionEvent {
        public String display() {
            return midstream ? "TLS picked up midstream: resynchronised at a record header after " + skipped + " bytes"
                    : "TLS where " + "the mail protocol was expected: resynchronised at a record header (its upgrade was not captured)";
        }
    }
}
