package io.mailscope.dissect;

/**
 * A mail protocol as the dissector sees it: its name, how its first line is recognised in each direction, and
 * its analyzer. One implementation per protocol package ({@code dissect.imap}, {@code dissect.pop3},
 * {@code dissect.smtp}), listed once in {@link Protocols}. Port roles sit in {@link PortRole}; findings in the
 * protocol's code enum and rules in {@code explain}.
 */
public interface MailProtocol {

    /** The name used in events, JSON and port roles: imap, pop3, smtp (a {@link ProtocolSniffer} constant). */
    String id();

    /**
     * Whether a server's first line is this protocol.
     *
     * @param complete false while the line may still grow: answer only on a prefix that already decides
     */
    boolean isServerLine(String line, boolean complete);

    /** Whether a client's complete first line is this protocol (e.g. a POP3 USER, an SMTP EHLO). */
    boolean isClientLine(String line);

    /** A fresh analyzer for one connection. */
    ProtocolAnalyzer newAnalyzer(EventSink sink, boolean redactCredentials);
}
