package io.mailscope.dissect;

/**
 * What every mail protocol's events have in common, so that the rules of one story (the upgrade to TLS, logins
 * in the clear, the server's reaction) serve IMAP, POP3 and SMTP alike. Each protocol's event records implement
 * these beside their own sealed interface.
 */
public final class MailEvent {
    private MailEvent() {
    }

    /**
     * The event as a mail protocol's reply (IMAP's responses included), or null. By its family first, then IMAP's
     * record class: a loop over all of a session's events that asked {@code instanceof Reply} of each went to C1's
     * type-check stub for every event that is not one ({@link Event#family()} says why).
     */
    public static Reply reply(Event e) {
        return switch (e.family()) {
            case IMAP -> e instanceof io.mailscope.dissect.imap.ImapEvent.Response r ? r : null;
            case POP3, SMTP -> e instanceof Reply r ? r : null;
            case SESSION, TLS, PROXY -> null;
        };
    }

    /** The event as a mail protocol's client command (IMAP's included), or null; as {@link #reply}. */
    public static Command command(Event e) {
        return switch (e.family()) {
            case IMAP -> e instanceof io.mailscope.dissect.imap.ImapEvent.Command c ? c : null;
            case POP3, SMTP -> e instanceof Command c ? c : null;
            case SESSION, TLS, PROXY -> null;
        };
    }

    /** A client command line, as shown in a transcript (credentials redacted unless asked). */
    public interface Command extends Event {
        /** The command name upper-cased (LOGIN, USER, AUTH, STLS, EHLO...), or "". */
        String name();

        String display();

        /** The line carries a password or a SASL response. */
        boolean credentials();
    }

    /** A server reply line, as shown in a transcript. */
    public interface Reply extends Event {
        String display();

        /** The server's greeting (its first words). */
        boolean greeting();

        /** An answer worth quoting as the server's reaction: a final answer to a command, or a warning or refusal. */
        boolean answer();

        /** A refusal or farewell: IMAP NO, BAD, BYE; POP3 -ERR; SMTP 4xx, 5xx. */
        boolean refusal();

        /** The command this line answers, for the protocols that answer in order (POP3, SMTP); null for IMAP's tags. */
        default Command answers() {
            return null;
        }
    }

    /** A SASL response line the client sent after the server's challenge (redacted unless asked), or "*" to cancel. */
    public interface SaslLine extends Routine {
        boolean cancelled();
    }

    /** The server's capabilities as now known (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO keywords), upper-case. */
    public interface Capabilities extends Event {
        java.util.Set<String> capabilities();
    }

    /** A line of routine traffic no diagnosis rests on (a SASL line, the end of a message body): never a key event. */
    public interface Routine extends Event {
    }

    /** Something wrong in a protocol's stream, not fatal: its code (e.g. "overlong-line") and what happened. */
    public interface Problem extends Event {
        String code();

        String detail();
    }

    /** The server accepted the client's STARTTLS (or STLS): TLS is due from both sides after this line. */
    public interface UpgradeAccepted extends Event {
        /** The server's words, e.g. "a1 OK Begin TLS negotiation now", "+OK Begin TLS", "220 2.0.0 Ready to start TLS". */
        String words();
    }

    /** The server refused the client's STARTTLS (or STLS). */
    public interface UpgradeRefused extends Event {
        String words();
    }
}
