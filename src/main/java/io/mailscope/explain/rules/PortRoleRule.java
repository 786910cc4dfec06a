package io.mailscope.explain.rules;

import io.mailscope.dissect.MailEvent;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.FindingCode;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.Pop3Code;
import io.mailscope.explain.SmtpCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.tcp.Direction;

/**
 * What was spoken does not fit the port: plaintext typed into an implicit TLS port, a ClientHello sent to the
 * plaintext port, a server of the other kind behind the port, another protocol altogether. Every
 * {@link io.mailscope.dissect.MismatchKind} is handled here (the switch has no default, so a new one must be).
 */
final class PortRoleRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        for (SessionEvent.Mismatch m : x.f.mismatches) {
            switch (m.kind()) {
                case PLAINTEXT_TO_TLS_PORT -> plaintextToTlsPort(x, m);
                case TLS_TO_PLAINTEXT_PORT -> tlsToPlaintextPort(x, m);
                case PLAINTEXT_FROM_TLS_PORT -> plaintextFromTlsPort(x, m);
                case TLS_FROM_PLAINTEXT_PORT -> tlsFromPlaintextPort(x, m);
                case HTTP_ON_IMAP_PORT -> otherProtocol(x, m, ImapCode.HTTP_ON_IMAP_PORT);
                case SMTP_ON_IMAP_PORT -> otherProtocol(x, m, ImapCode.SMTP_ON_IMAP_PORT);
                case POP3_ON_IMAP_PORT -> otherProtocol(x, m, ImapCode.POP3_ON_IMAP_PORT);
                case HTTP_ON_POP3_PORT -> otherProtocol(x, m, Pop3Code.HTTP_ON_POP3_PORT);
                case IMAP_ON_POP3_PORT -> otherProtocol(x, m, Pop3Code.IMAP_ON_POP3_PORT);
                case SMTP_ON_POP3_PORT -> otherProtocol(x, m, Pop3Code.SMTP_ON_POP3_PORT);
                case HTTP_ON_SMTP_PORT -> otherProtocol(x, m, SmtpCode.HTTP_ON_SMTP_PORT);
                case IMAP_ON_SMTP_PORT -> otherProtocol(x, m, SmtpCode.IMAP_ON_SMTP_PORT);
                case POP3_ON_SMTP_PORT -> otherProtocol(x, m, SmtpCode.POP3_ON_SMTP_PORT);
                case UNKNOWN_ON_MAIL_PORT -> otherProtocol(x, m, CommonCode.UNKNOWN_ON_MAIL_PORT);
            }
        }
    }

    private void otherProtocol(RuleContext x, SessionEvent.Mismatch m, FindingCode code) {
        ProtocolWords w = x.portWords();
        x.add(code, Severity.ERROR, "Something other than " + w.name() + " was spoken on a mail port.",
                m.detail() + " (" + x.ev.at(m.at()) + "). The client is talking the wrong protocol to this port. "
                        + x.serverReplyAfter(m.at()),
                "Point the client at the right port: " + w.name() + " is " + w.plainPort() + " (" + w.upgrade() + ") or "
                        + w.tlsPort() + " (implicit TLS).",
                m.at().frame()).implies(x.reaction(Direction.SERVER_TO_CLIENT, m.at()));
    }

    private void plaintextToTlsPort(RuleContext x, SessionEvent.Mismatch m) {
        MailEvent.Command cmd = x.firstCommandFromClient();
        ProtocolWords w = x.portWords();
        String what = cmd != null ? Evidence.quote(cmd.display()) : "plaintext";
        String reaction = x.reactionText(Direction.SERVER_TO_CLIENT, m.at());
        var c = x.c;
        x.add(CommonCode.PLAINTEXT_TO_TLS_PORT, Severity.ERROR, "Plaintext was sent to an implicit TLS port.",
                "The client sent " + what + " (" + x.ev.at(m.at()) + ") to port " + c.server().port()
                        + ", where the server expects a TLS ClientHello first (implicit TLS, RFC 8314). " + reaction,
                "Use a TLS client on this port (e.g. `openssl s_client -connect " + c.server() + " -crlf` or `gnutls-cli -p "
                        + c.server().port() + " HOST`), or use port " + w.plainPort() + " with " + w.upgrade() + ".",
                m.at().frame(), x.reactionFrame(Direction.SERVER_TO_CLIENT, m.at()))
                .implies(x.reaction(Direction.SERVER_TO_CLIENT, m.at()));
    }

    private void tlsToPlaintextPort(RuleContext x, SessionEvent.Mismatch m) {
        var f = x.f;
        String reply = x.serverReplyAfter(m.at());
        ProtocolWords w = x.portWords();
        MailEvent.Reply greeting = f.greeting != null ? f.greeting : f.mailGreeting;
        x.add(CommonCode.TLS_TO_PLAINTEXT_PORT, Severity.ERROR, "A TLS ClientHello was sent to a plaintext " + w.name() + " port.",
                (greeting != null && greeting.at().frame() < m.at().frame()
                        ? "The client answered the server's greeting (" + x.ev.at(greeting.at()) + ") with a TLS ClientHello instead of " + w.upgrade() + " ("
                        : "The client started TLS at once (") + x.ev.at(m.at()) + ") on port " + x.c.server().port()
                        + ", where the server speaks plaintext " + w.name() + " and TLS only begins after " + w.upgrade() + ". " + reply,
                "Either connect to the implicit TLS port (" + w.tlsPort() + ") or let the client use " + w.upgrade()
                        + " on this port (e.g. `openssl s_client -starttls " + w.starttlsProto() + " -connect "
                        + x.c.server() + "`).",
                m.at().frame(), x.reactionFrame(Direction.SERVER_TO_CLIENT, m.at()))
                .implies(x.reaction(Direction.SERVER_TO_CLIENT, m.at()));
    }

    /** The server greeted in plaintext on a port mailscope was told is implicit TLS: the server or the port map is wrong. */
    private void plaintextFromTlsPort(RuleContext x, SessionEvent.Mismatch m) {
        var f = x.f;
        String words = f.greeting != null ? Evidence.quote(f.greeting.display()) : "plaintext";
        x.add(CommonCode.PLAINTEXT_FROM_TLS_PORT, Severity.WARNING, "The server on an implicit TLS port spoke plaintext.",
                "On port " + x.c.server().port() + ", which is implicit TLS (the client's first bytes should be a ClientHello, RFC 8314), the server sent "
                        + words + " (" + x.ev.at(m.at()) + "): it is a plaintext IMAP server. A TLS client connecting here gets no TLS and fails;"
                        + " a plaintext client works, but without encryption.",
                "Configure the server for implicit TLS on this port (dovecot: `inet_listener imaps { port = 993  ssl = yes }`), or, if this port is meant to be plaintext, tell mailscope with --imap-port "
                        + x.c.server().port() + ".",
                m.at().frame())
                .likely(new Alternative("port-map", "The port is a plaintext IMAP port on purpose, and only mailscope's port roles are wrong (--imap-port)."));
    }

    /** The server spoke TLS first on a plaintext port: it is an implicit TLS server behind a port thought plaintext. */
    private void tlsFromPlaintextPort(RuleContext x, SessionEvent.Mismatch m) {
        x.add(CommonCode.TLS_FROM_PLAINTEXT_PORT, Severity.WARNING, "The server on a plaintext IMAP port spoke TLS.",
                "On port " + x.c.server().port() + ", a plaintext IMAP port where the server should greet in text and TLS begins only after STARTTLS, "
                        + m.detail() + " (" + x.ev.at(m.at()) + "): the server runs implicit TLS here. A client that expects a greeting or sends STARTTLS fails.",
                "Use implicit TLS for this port in the client (as for 993), or configure the server's listener on this port without ssl; if it is meant to be implicit TLS, tell mailscope with --imaps-port "
                        + x.c.server().port() + ".",
                m.at().frame())
                .likely(new Alternative("port-map", "The port is an implicit TLS port on purpose, and only mailscope's port roles are wrong (--imaps-port)."));
    }
}
