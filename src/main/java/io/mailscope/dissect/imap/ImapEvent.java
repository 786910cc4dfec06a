package io.mailscope.dissect.imap;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.MailEvent;

import java.util.Set;

/** What the IMAP analyzer reports. Display texts are bounded in length and never contain a password unless asked. */
public sealed interface ImapEvent extends Event {
    @Override
    default Family family() {
        return Family.IMAP;
    }

    /**
     * A client command line.
     *
     * @param tag         the tag, or null when the line has none (see {@link Problem} missing-tag)
     * @param name        the command name upper-cased (LOGIN, STARTTLS...), or "" when there is none
     * @param display     the line as shown in a transcript: literals summarised as {n} and credentials as ***
     * @param credentials true when the line carries a password or SASL response (LOGIN, AUTHENTICATE initial response)
     */
    record Command(At at, String tag, String name, String display, boolean credentials) implements ImapEvent, MailEvent.Command {}

    /** A base64 line the client sent during AUTHENTICATE (always redacted unless asked), or "*" to cancel. */
    record AuthenticateData(At at, String display, boolean cancelled) implements ImapEvent {}

    /** The client's DONE ending IDLE. */
    record Done(At at) implements ImapEvent {}

    /**
     * A server response line.
     *
     * @param kind    TAGGED ("a1 OK ..."), UNTAGGED ("* ..."), CONTINUATION ("+ ...")
     * @param tag     the tag for TAGGED, else null
     * @param status  OK, NO, BAD, PREAUTH, BYE for status responses; else the untagged keyword (CAPABILITY, 3 EXISTS -> EXISTS...);
     *                "" for a continuation (never null)
     * @param code    the response code in brackets without them, upper-cased keyword first (e.g. "PRIVACYREQUIRED", "CAPABILITY IMAP4rev1 ..."), or null
     * @param text    human-readable text after the code
     * @param display the whole line as shown in a transcript (bounded)
     * @param greeting true for the first server line when it is * OK / * PREAUTH / * BYE
     */
    record Response(At at, Kind kind, String tag, String status, String code, String text, String display, boolean greeting)
            implements ImapEvent, MailEvent.Reply {
        /** Tagged, or untagged but not OK (the greeting aside). */
        @Override
        public boolean answer() {
            return !greeting && (kind == Kind.TAGGED || !"OK".equals(status));
        }

        @Override
        public boolean refusal() {
            return "BAD".equals(status) || "NO".equals(status) || "BYE".equals(status);
        }

        public enum Kind { TAGGED, UNTAGGED, CONTINUATION }
    }

    /** The server's capabilities as now known (from a greeting code, CAPABILITY response or tagged OK code). */
    record Capabilities(At at, Set<String> capabilities) implements ImapEvent, MailEvent.Capabilities {}

    /** The server answered the client's STARTTLS with a tagged OK of the same tag: TLS starts after this line. */
    record StartTlsAccepted(At at, String tag, String text) implements ImapEvent, MailEvent.UpgradeAccepted {
        @Override
        public String words() {
            return tag + " OK " + text;
        }
    }

    /** The server answered STARTTLS with NO or BAD. */
    record StartTlsRefused(At at, String tag, String status, String text) implements ImapEvent, MailEvent.UpgradeRefused {
        @Override
        public String words() {
            return tag + " " + status + " " + text;
        }
    }

    /** The server accepted COMPRESS DEFLATE: both directions are inflated from here on. */
    record CompressionStarted(At at, String mechanism) implements ImapEvent {}

    /**
     * A literal announced by either side ({n} or {n+}); its contents are skipped, not buffered.
     */
    record Literal(At at, long size, boolean nonSynchronizing) implements ImapEvent {}

    /** Something wrong or noteworthy in the IMAP stream, not fatal ({@link ImapProblem} says what). */
    record Problem(At at, ImapProblem kind, String detail) implements ImapEvent {
        /** The kind's code, e.g. "missing-tag". */
        public String code() {
            return kind.code();
        }
    }

    /** Whether a capability set (upper-case, as events carry it) holds a capability, in any case. */
    static boolean has(Set<String> caps, String cap) {
        return caps.contains(cap.toUpperCase(java.util.Locale.ROOT));
    }
}
