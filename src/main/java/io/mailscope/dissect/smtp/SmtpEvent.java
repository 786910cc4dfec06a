package io.mailscope.dissect.smtp;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.MailEvent;

import java.util.Set;

/** What the SMTP analyzer reports. Display texts are bounded and never hold credentials unless asked. */
public sealed interface SmtpEvent extends Event {
    @Override
    default Family family() {
        return Family.SMTP;
    }

    /**
     * A client command line, or the end of a message: after DATA's 354 the message is counted, never stored, and
     * its final "." becomes a command named "." shown as "[message: N lines, B bytes]", which the server's reply
     * answers; a BDAT chunk is skipped by counting.
     *
     * @param name        upper-cased (EHLO, MAIL, RCPT, DATA, BDAT, AUTH, STARTTLS, QUIT...), "." for a message's end
     * @param credentials the line carries a SASL initial response that holds the password (AUTH PLAIN ...)
     */
    record Command(At at, String name, String display, boolean credentials) implements SmtpEvent, MailEvent.Command {}

    /** A SASL line the client sent after the server's 334 (redacted unless asked), or "*" to cancel. */
    record SaslResponse(At at, String display, boolean cancelled) implements SmtpEvent, MailEvent.SaslLine {}

    /**
     * A complete server reply (all its lines).
     *
     * @param code     the three-digit reply code
     * @param enhanced the RFC 3463 enhanced status code of its first line (e.g. "5.7.0"), or null
     * @param text     its first line's text after the code (and enhanced code)
     * @param display  its lines as shown, joined by " | " (bounded)
     * @param answers  the command it answers, or null (the greeting, or a reply nobody asked for)
     */
    record Reply(At at, int code, String enhanced, String text, String display, boolean greeting, Command answers)
            implements SmtpEvent, MailEvent.Reply {
        @Override
        public boolean answer() {
            return !greeting && code != 334;
        }

        /** 4xx and 5xx: transient and permanent refusals. */
        @Override
        public boolean refusal() {
            return code >= 400;
        }
    }

    /** The server's EHLO keywords (upper-case, e.g. "STARTTLS", "AUTH PLAIN LOGIN", "SIZE 10240000"). */
    record Capabilities(At at, Set<String> capabilities) implements SmtpEvent, MailEvent.Capabilities {}

    /** The server answered STARTTLS with 220: TLS starts after this line in both directions (RFC 3207). */
    record StartTlsAccepted(At at, String words) implements SmtpEvent, MailEvent.UpgradeAccepted {}

    /** The server refused STARTTLS (454, 5xx). */
    record StartTlsRefused(At at, String words) implements SmtpEvent, MailEvent.UpgradeRefused {}

    /** Something wrong or noteworthy in the SMTP stream, not fatal. */
    record Problem(At at, SmtpProblem kind, String detail) implements SmtpEvent, MailEvent.Problem {
        @Override
        public String code() {
            return kind.code();
        }
    }
}
