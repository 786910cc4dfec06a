package io.mailscope.dissect.pop3;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.MailEvent;

import java.util.Set;

/** What the POP3 analyzer reports. Display texts are bounded and never hold a password unless asked. */
public sealed interface Pop3Event extends Event {
    @Override
    default Family family() {
        return Family.POP3;
    }

    /**
     * A client command line.
     *
     * @param name        the command upper-cased (USER, PASS, APOP, AUTH, STLS, CAPA, RETR...), or "" for an empty line
     * @param display     the line as shown: PASS's argument, APOP's digest and AUTH's initial response as ***
     * @param credentials the line carries a password (PASS) or a SASL initial response (AUTH PLAIN dGVzdA==)
     */
    record Command(At at, String name, String display, boolean credentials) implements Pop3Event, MailEvent.Command {}

    /** A base64 line the client sent during AUTH, after a "+ " challenge (shown as *** unless asked), or "*" to cancel. */
    record SaslResponse(At at, String display, boolean cancelled) implements Pop3Event, MailEvent.SaslLine {}

    /**
     * A server status line: +OK or -ERR, or "+" for a SASL challenge.
     *
     * @param status   "+OK", "-ERR" or "+" (a continuation during AUTH)
     * @param code     the RFC 2449 extended response code in brackets without them (e.g. "AUTH", "SYS/TEMP"), or null
     * @param text     the words after the status (and code)
     * @param answers  the command this line answers, or null (the greeting, or a line nobody asked for)
     */
    record Reply(At at, String status, String code, String text, String display, boolean greeting, Command answers)
            implements Pop3Event, MailEvent.Reply {
        public boolean ok() {
            return "+OK".equals(status);
        }

        /** A final answer: +OK or -ERR to a command (not the greeting, not a SASL challenge). */
        @Override
        public boolean answer() {
            return !greeting && !"+".equals(status);
        }

        @Override
        public boolean refusal() {
            return "-ERR".equals(status);
        }
    }

    /** A multi-line answer's body ended with its "." line: how many lines and bytes it held (never its contents). */
    record MultiLineEnd(At at, String command, long lines, long bytes) implements Pop3Event, MailEvent.Routine {}

    /** The server's capabilities from its CAPA answer (upper-case; SASL mechanisms as "SASL PLAIN LOGIN"). */
    record Capabilities(At at, Set<String> capabilities) implements Pop3Event, MailEvent.Capabilities {}

    /** The server answered STLS with +OK: TLS starts after this line in both directions (RFC 2595). */
    record StlsAccepted(At at, String words) implements Pop3Event, MailEvent.UpgradeAccepted {}

    /** The server answered STLS with -ERR. */
    record StlsRefused(At at, String words) implements Pop3Event, MailEvent.UpgradeRefused {}

    /** Something wrong or noteworthy in the POP3 stream, not fatal. */
    record Problem(At at, Pop3Problem kind, String detail) implements Pop3Event, MailEvent.Problem {
        /** The kind's code, e.g. "overlong-line". */
        @Override
        public String code() {
            return kind.code();
        }
    }
}
