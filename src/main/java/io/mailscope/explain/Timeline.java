package io.mailscope.explain;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.ProtocolSniffer;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.MailEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.pop3.Pop3Event;
import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.dissect.tls.CertificateInfo;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.Grease;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Builds the human timeline of a session from its events: one short line per thing that happened. */
public final class Timeline {
    private Timeline() {
    }

    public static List<TimelineEntry> of(Session session) {
        List<TimelineEntry> out = new ArrayList<>();
        for (Event e : session.events()) {
            String text = text(e);
            // the port's own protocol found where it belongs says nothing a line of it does not (as for IMAP)
            if (text == null || (e instanceof SessionEvent.Detected d && d.protocol().equals(session.role().protocol()))) {
                continue;
            }
            String from = e instanceof SessionEvent.Silence ? "none" : e.at().direction().sender();
            long time = e.at().timeNanos();
            if (e instanceof SessionEvent.Silence s) {
                time = s.at().timeNanos();
            }
            out.add(new TimelineEntry(e.at().frame(), time, from, kind(e), text, e.at().insideTls()));
        }
        return out;
    }

    /**
     * The entry's kind: tcp, silence, problem, or the protocol that said it (note for the rest). By the event's family
     * and record class, never {@code instanceof} a protocol's interface ({@link Event#family()} says why).
     */
    static String kind(Event e) {
        return switch (e.family()) {
            case SESSION -> e instanceof SessionEvent.Tcp ? "tcp"
                    : e instanceof SessionEvent.Silence ? "silence"
                    : e instanceof SessionEvent.Mismatch || e instanceof SessionEvent.InternalError ? "problem" : "note";
            case IMAP -> e instanceof ImapEvent.Problem ? "problem" : "imap";
            case POP3 -> e instanceof MailEvent.Problem ? "problem" : "pop3";
            case SMTP -> e instanceof MailEvent.Problem ? "problem" : "smtp";
            case TLS -> e instanceof TlsEvent.Problem || e instanceof TlsEvent.DecryptionFailed ? "problem" : "tls";
            case PROXY -> e instanceof ProxyEvent.Reply r && !r.ok() ? "problem" : "note";
        };
    }

    /** The line for an event, or null when the event is not shown on its own. */
    public static String text(Event e) {
        return switch (e.family()) {
            case SESSION -> sessionText(e);
            case IMAP -> imapText(e);
            case TLS -> tlsText(e);
            case PROXY -> proxyText(e);
            case POP3, SMTP -> mailText(e);
        };
    }

    private static String proxyText(Event e) {
        if (e instanceof ProxyEvent.Request r) {
            return r.type().toUpperCase(Locale.ROOT) + " CONNECT " + r.target()
                    + (r.credentials() != null ? " (" + r.credentials() + ")" : "");
        }
        if (e instanceof ProxyEvent.Reply r) {
            return r.ok() ? "proxy connected to " + r.target() : "! proxy refused: " + r.result();
        }
        return null;
    }

    /** Another mail protocol's line: commands, replies and SASL lines as shown, a body as its size, problems marked. */
    private static String mailText(Event e) {
        if (e instanceof MailEvent.Command c) {
            return c.display();
        }
        if (e instanceof MailEvent.Reply r) {
            return r.display();
        }
        if (e instanceof Pop3Event.SaslResponse s) {
            return s.display();
        }
        if (e instanceof io.mailscope.dissect.smtp.SmtpEvent.SaslResponse s) {
            return s.display();
        }
        if (e instanceof Pop3Event.MultiLineEnd b) {
            return "[" + b.command() + " body: " + b.lines() + " lines, " + b.bytes() + " bytes]";
        }
        if (e instanceof MailEvent.Problem p) {
            return "! " + p.code() + (p.detail() == null || p.detail().isEmpty() ? "" : ": " + p.detail());
        }
        return null;
    }

    private static String sessionText(Event e) {
        if (e instanceof SessionEvent.Tcp t) {
            return t.what();
        }
        if (e instanceof SessionEvent.Detected d) {
            if (ProtocolSniffer.IMAP.equals(d.protocol()) || ProtocolSniffer.TLS.equals(d.protocol())
                    || ProtocolSniffer.TEXT.equals(d.protocol())) {
                return null;
            }
            return d.protocol().toUpperCase(Locale.ROOT) + (d.firstBytes().isEmpty() ? "" : ": " + d.firstBytes());
        }
        if (e instanceof SessionEvent.Mismatch m) {
            return "! " + m.detail();
        }
        if (e instanceof SessionEvent.TlsHandoff) {
            return "TLS begins (after STARTTLS)";
        }
        if (e instanceof SessionEvent.PlaintextAfterStartTls p) {
            return "! plaintext after STARTTLS instead of TLS";
        }
        if (e instanceof SessionEvent.ServerDataAfterStartTls s) {
            return "! plaintext right after STARTTLS OK: " + s.display();
        }
        if (e instanceof SessionEvent.PlaintextFallback p) {
            return "! TLS gave up after " + p.before() + "; back to plaintext";
        }
        if (e instanceof SessionEvent.InternalError i) {
            return "! mailscope could not parse further: " + i.detail();
        }
        if (e instanceof SessionEvent.Gap g) {
            return "[" + g.length() + " bytes missing from the capture]";
        }
        if (e instanceof SessionEvent.NotText n) {
            return "[" + n.display() + "]";
        }
        if (e instanceof SessionEvent.TlsResynced r) {
            return "[" + r.display() + "]";
        }
        if (e instanceof SessionEvent.Silence s) {
            return Evidence.duration(s.nanos()) + " of silence, neither side sent a byte" + (s.untilEnd() ? " (until the end)" : "");
        }
        return null;
    }

    private static String imapText(Event e) {
        if (e instanceof ImapEvent.Command c) {
            return c.display();
        }
        if (e instanceof ImapEvent.Response r) {
            return r.display();
        }
        if (e instanceof ImapEvent.AuthenticateData a) {
            return a.display();
        }
        if (e instanceof ImapEvent.Done) {
            return "DONE";
        }
        if (e instanceof ImapEvent.CompressionStarted c) {
            return "[" + c.mechanism() + " compression from here]";
        }
        if (e instanceof ImapEvent.Problem p) {
            return "! " + p.code() + (p.detail() == null || p.detail().isEmpty() ? "" : ": " + p.detail());
        }
        return null;
    }

    private static String tlsText(Event e) {
        if (e instanceof TlsEvent.ClientHelloSeen c) {
            return clientHello(c.hello());
        }
        if (e instanceof TlsEvent.ServerHelloSeen s) {
            return serverHello(s.hello());
        }
        if (e instanceof TlsEvent.CertificatesSeen c) {
            if (c.partial()) {
                String whole = c.chain().isEmpty() ? "no certificate arrived whole"
                        : c.chain().size() + " certificate" + (c.chain().size() > 1 ? "s" : "") + " arrived whole, leaf "
                        + c.chain().get(0).subject();
                return "Certificate (partial: " + c.cut().describe() + "; " + whole + "; chain incomplete)";
            }
            if (c.chain().isEmpty()) {
                return "Certificate (empty)";
            }
            CertificateInfo leaf = c.chain().get(0);
            return leaf.error() != null ? "Certificate (unreadable: " + leaf.error() + ")"
                    : "Certificate " + leaf.subject() + " valid " + leaf.notBefore() + " .. " + leaf.notAfter()
                    + (c.chain().size() > 1 ? " (+" + (c.chain().size() - 1) + " in chain)" : "");
        }
        if (e instanceof TlsEvent.HandshakeMessage h) {
            return h.name();
        }
        if (e instanceof TlsEvent.Alert a) {
            return "Alert " + a.levelName() + " " + a.descriptionName();
        }
        if (e instanceof TlsEvent.ChangeCipherSpec) {
            return "ChangeCipherSpec";
        }
        if (e instanceof TlsEvent.FramingRegained r) {
            return "[TLS records found again at this segment, after " + r.skipped() + " bytes not read]";
        }
        if (e instanceof TlsEvent.EncryptedStarted) {
            return "[encrypted from here]";
        }
        if (e instanceof TlsEvent.Decrypted d) {
            return "[decrypted with the key log: " + d.how() + "]";
        }
        if (e instanceof TlsEvent.EndedWithoutCloseNotify) {
            return "[closed without TLS close_notify: the TLS session was cut, not closed]";
        }
        if (e instanceof TlsEvent.DecryptionFailed f) {
            return "! not decrypted: " + f.reason();
        }
        if (e instanceof TlsEvent.Problem p) {
            return "! TLS " + p.code() + ": " + p.detail();
        }
        return null;
    }

    static String clientHello(ClientHello h) {
        StringBuilder sb = new StringBuilder(h.recordVersion() == 0x0002 ? "ClientHello (SSL 2.0 format)" : "ClientHello");
        if (h.partial()) {
            sb.append(" (partial: ").append(h.cut().describe()).append(')');
            if (h.legacyVersion() < 0) {
                return sb.toString();
            }
        }
        if (h.sni() != null) {
            sb.append(" SNI=").append(h.sni());
        }
        sb.append(", offers ").append(offeredVersions(h));
        sb.append(", ").append(h.cipherSuites().size()).append(" suites");
        if (!h.alpn().isEmpty()) {
            sb.append(", ALPN ").append(String.join(",", h.alpn()));
        }
        return sb.toString();
    }

    public static String offeredVersions(ClientHello h) {
        List<String> v = new ArrayList<>();
        for (int x : h.supportedVersions()) {
            if (!Grease.is(x)) {
                v.add(TlsNames.version(x));
            }
        }
        if (v.isEmpty() && h.partial() && !h.extensions().contains(0x002b)) {
            // supported_versions may have been in the part the capture cut: legacy_version is only a floor
            return "up to " + TlsNames.version(h.legacyVersion()) + " or later (supported_versions not captured)";
        }
        return v.isEmpty() ? "up to " + TlsNames.version(h.legacyVersion()) : String.join("/", v);
    }

    static String serverHello(ServerHello h) {
        String name = h.helloRetryRequest() ? "HelloRetryRequest " : "ServerHello ";
        if (h.partial()) {
            name += "(partial: " + h.cut().describe() + ") ";
            if (h.cipherSuite() < 0) {
                return name + "version and cipher suite not captured";
            }
        }
        return name + TlsNames.version(h.selectedVersion())
                + ", " + TlsNames.cipherSuite(h.cipherSuite()) + (h.alpn() != null ? ", ALPN " + h.alpn() : "");
    }
}
