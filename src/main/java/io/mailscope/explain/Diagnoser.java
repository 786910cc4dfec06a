package io.mailscope.explain;

import io.mailscope.dissect.At;
import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.ProtocolSniffer;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.dissect.tls.CertificateInfo;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;
import io.mailscope.tcp.ConnState;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TcpConnection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a finished session's events into findings, an outcome, a transport and a protocol path.
 * Each rule is a small method; the catalog of codes is documented in docs/findings.md.
 */
public final class Diagnoser {

    /** Diagnoses a session whose connection is over (or whose capture ended). */
    public Diagnosis diagnose(Session session) {
        return diagnose(session, false);
    }

    /**
     * Diagnoses a session that is still open (live capture): only findings that what has been seen already
     * proves; waiting, silence and how the connection ends are judged by the caller's clock or at the end.
     * The outcome of an open session means nothing yet.
     */
    public Diagnosis diagnoseOpen(Session session) {
        return diagnose(session, true);
    }

    private Diagnosis diagnose(Session session, boolean open) {
        SessionFacts f = new SessionFacts(session);
        Rules r = new Rules(f, open);
        r.run();
        List<Finding> findings = new ArrayList<>(r.findings);
        // Most severe first; among equals, the finding that decided the outcome leads (sort is stable).
        Finding primary = r.primary;
        findings.sort(Comparator.comparing(Finding::severity).reversed()
                .thenComparing(fd -> fd == primary ? 0 : 1));
        return new Diagnosis(firstSpeaker(session.connection()), expectedFirstSpeaker(f), transport(f), protocolPath(f),
                r.outcome(), List.copyOf(findings));
    }

    static String firstSpeaker(TcpConnection c) {
        Direction d = c.firstSpeaker();
        return d == null ? "none" : d.sender();
    }

    private static String expectedFirstSpeaker(SessionFacts f) {
        // An IMAP server greets first even when the client wrongly starts TLS on its port: the server's protocol
        // decides, else a TLS client speaks first (implicit TLS), else the port's role. A proxy's client always
        // speaks first (its request).
        if (f.proxyRequest != null) {
            return "client";
        }
        if (f.serverDetected != null && ProtocolSniffer.IMAP.equals(f.serverDetected.protocol())) {
            return "server";
        }
        if (f.clientDetected != null && ProtocolSniffer.TLS.equals(f.clientDetected.protocol())) {
            return "client";
        }
        return f.session.role().expectedFirstSpeaker();
    }

    private static Transport transport(SessionFacts f) {
        if (f.startTlsAccepted != null) {
            return Transport.STARTTLS;
        }
        if (f.clientDetected != null && ProtocolSniffer.TLS.equals(f.clientDetected.protocol())) {
            return Transport.IMPLICIT_TLS;
        }
        if ((f.clientDetected != null && ProtocolSniffer.IMAP.equals(f.clientDetected.protocol()))
                || (f.serverDetected != null && ProtocolSniffer.IMAP.equals(f.serverDetected.protocol()))) {
            return Transport.PLAIN;
        }
        return switch (f.session.role()) {
            case IMAPS -> Transport.IMPLICIT_TLS;
            case IMAP -> Transport.PLAIN;
            default -> Transport.UNKNOWN;
        };
    }

    static String protocolPath(SessionFacts f) {
        StringBuilder p = new StringBuilder();
        String first = f.clientDetected != null ? f.clientDetected.protocol()
                : f.serverDetected != null ? f.serverDetected.protocol() : null;
        if (f.serverDetected != null && ProtocolSniffer.IMAP.equals(f.serverDetected.protocol())) {
            first = ProtocolSniffer.IMAP;
        }
        if (first == null) {
            return "none";
        }
        p.append(ProtocolSniffer.TEXT.equals(first) ? "text" : first);
        if (ProtocolSniffer.TLS.equals(first)) {
            p.setLength(0);
            p.append(tlsLabel(f));
            return p.toString();
        }
        if (f.startTlsAccepted != null) {
            p.append(" -> starttls");
            if (f.clientHandoff != null) {
                p.append(" -> ").append(tlsLabel(f));
            } else if (f.clientPlaintextAfterStartTls != null) {
                p.append(" -> plaintext");
            }
        }
        return p.toString();
    }

    private static String tlsLabel(SessionFacts f) {
        if (f.serverHellos.isEmpty()) {
            return "tls";
        }
        ServerHello sh = f.serverHellos.get(f.serverHellos.size() - 1).hello();
        return TlsNames.version(sh.selectedVersion()).toLowerCase().replace(" ", "").replace("ssl3.0", "ssl3");
    }

    /** The rules, sharing the facts and the findings list. */
    private static final class Rules {
        private final SessionFacts f;
        private final Session s;
        private final TcpConnection c;
        private final Evidence ev;
        private final boolean open;
        final List<Finding> findings = new ArrayList<>();
        private Outcome outcome;
        /** The finding whose rule decided the outcome, if one did. */
        Finding primary;

        Rules(SessionFacts f, boolean open) {
            this.f = f;
            this.open = open;
            this.s = f.session;
            this.c = s.connection();
            this.ev = new Evidence(s);
        }

        private void add(String code, Severity sev, String summary, String explanation, String fix, long... frames) {
            List<Long> fr = new ArrayList<>();
            for (long x : frames) {
                if (x > 0 && !fr.contains(x)) {
                    fr.add(x);
                }
            }
            fr.sort(null);
            findings.add(new Finding(code, sev, summary, explanation, fix, List.copyOf(fr)));
        }

        /** The first outcome a rule sets wins: rules run from the most decisive to the least. */
        private void outcome(Outcome o) {
            if (outcome == null) {
                outcome = o;
                primary = findings.isEmpty() ? null : findings.get(findings.size() - 1);
            }
        }

        Outcome outcome() {
            return outcome;
        }

        void run() {
            if (!open) {
                handshake();
            }
            proxyRefused();
            tlsFailures();
            mismatches();
            starttls();
            login();
            if (!open) {
                waits();
            }
            imapMistakes();
            compression();
            serverByeAndReset();
            serverHangUp();
            certificates();
            greetingHostname();
            captureLimits();
            if (outcome == null) {
                outcome = success() ? Outcome.OK : defaultOutcome();
            }
        }

        // ---- TCP ---------------------------------------------------------------------------------------------

        private void handshake() {
            if (c.state() == ConnState.S0 || c.state() == ConnState.SH) {
                add("no-answer", Severity.ERROR, "The server never answered the connection attempt.",
                        "The client sent a SYN to " + c.server() + " (frame " + c.synFrame() + ") and nothing came back"
                                + (c.clientPackets() > 1 ? " to any of its " + c.clientPackets() + " attempts" : "")
                                + " within " + Evidence.duration(c.endNanos() - c.startNanos())
                                + ": a firewall drops the packets, the host is down, or the address is wrong.",
                        "Check the server address and port, and any firewall between client and server (a closed port would answer with RST at once).",
                        c.synFrame());
                outcome(Outcome.STALLED);
            } else if (c.state() == ConnState.REJ || c.state() == ConnState.RSTOS0) {
                SessionEvent.Tcp rst = f.firstTcp("RST", false);
                add("connection-refused", Severity.ERROR, "The server refused the connection (RST).",
                        "The SYN to " + c.server() + " (frame " + c.synFrame() + ") was answered by a RST"
                                + (rst != null ? " (" + ev.at(rst.at()) + ")" : "")
                                + ": nothing listens on port " + c.server().port() + " at that address.",
                        "Check that the IMAP server runs and listens on port " + c.server().port()
                                + " (e.g. `ss -ltn` on the server), or use the right port: 143 for IMAP with STARTTLS, 993 for implicit TLS.",
                        c.synFrame(), rst != null ? rst.at().frame() : 0);
                outcome(Outcome.REFUSED);
            }
        }

        // ---- proxy -------------------------------------------------------------------------------------------

        private void proxyRefused() {
            ProxyEvent.Reply r = f.proxyReply;
            if (r == null || r.ok()) {
                return;
            }
            String target = r.target() != null ? r.target() : "its target";
            add("proxy-refused", Severity.ERROR, "The " + r.type() + " proxy refused to connect the client to " + target + ".",
                    "The client asked the proxy at " + c.server() + " for " + target + (f.proxyRequest != null
                            ? " (" + ev.at(f.proxyRequest.at()) + ")" : "") + "; the proxy answered \"" + r.result()
                            + "\" (" + ev.at(r.at()) + "), so no IMAP or TLS byte reached the mail server.",
                    proxyFix(r), f.proxyRequest != null ? f.proxyRequest.at().frame() : 0, r.at().frame());
            outcome(Outcome.REFUSED);
        }

        private static String proxyFix(ProxyEvent.Reply r) {
            String words = r.result();
            if (words.contains(" 407") || words.contains("login status") || words.contains("method 0xFF")) {
                return "Give the client the proxy's user name and password (or the authentication method the proxy wants).";
            }
            if (words.contains(" 403") || words.contains("ruleset")) {
                return "The proxy's rules forbid this target: allow the mail server's host and port in its configuration"
                        + " (tinyproxy ConnectPort, squid SSL_ports/CONNECT ACLs, dante socks pass rules).";
            }
            return "Check the target host and port the client gives the proxy, and that the proxy can reach the mail"
                    + " server (try it from the proxy host).";
        }

        // ---- TLS ---------------------------------------------------------------------------------------------

        private void tlsFailures() {
            TlsEvent.Alert alert = f.fatalAlert();
            ClientHello ch = f.clientHellos.isEmpty() ? null : f.clientHellos.get(0).hello();
            if (alert != null) {
                String from = alert.at().fromClient() ? "client" : "server";
                String name = alert.descriptionName();
                add("tls-alert", Severity.ERROR, "A TLS alert ended the handshake: " + name + " from the " + from + ".",
                        "The " + from + " sent a " + alert.levelName() + " " + name + " alert (" + ev.at(alert.at()) + "). "
                                + alertCause(alert),
                        alertFix(alert), alert.at().frame());
                outcome(Outcome.ALERT);
                if (alert.description() == 70 && ch != null) {
                    versionMismatch(ch, "the " + from + " answered with a protocol_version alert (" + ev.at(alert.at()) + ")", alert.at());
                } else if ((alert.description() == 40 || alert.description() == 71) && f.serverHellos.isEmpty() && ch != null) {
                    noCommonCipher(ch, "the " + from + " answered with a " + name + " alert (" + ev.at(alert.at()) + ")", alert.at());
                }
                certificateRejected(alert);
                return;
            }
            if (ch != null && f.serverHellos.isEmpty() && !f.clientHellos.get(0).at().fromClient()) {
                return;
            }
            boolean toPlaintextPort = f.mismatches.stream().anyMatch(m -> m.code().equals("tls-to-plaintext-port"));
            if (ch != null && f.serverHellos.isEmpty() && serverClosed() && !toPlaintextPort) {
                At close = closeAt(Direction.SERVER_TO_CLIENT);
                // The client's own alert after the server hung up only says it noticed (dovecot, lab notes).
                TlsEvent.Alert clientAlert = f.aftermathAlert();
                String how = "the server closed the connection (" + (close != null ? ev.at(close) : "end") + ") without a ServerHello or an alert"
                        + (clientAlert != null ? "; the client then gave up with its own " + clientAlert.descriptionName() + " alert (" + ev.at(clientAlert.at()) + ")" : "");
                // A hello offering a handful of legacy suites is the rarer, stronger sign; offering only up to
                // TLS 1.2 is common and fails only against servers that require TLS 1.3.
                boolean fewLegacySuites = offersOnlyWeakCiphers(ch) && realSuites(ch) <= 4;
                if (fewLegacySuites) {
                    noCommonCipher(ch, how + (offersOnlyOldVersions(ch) ? "; it also offers only up to "
                            + TlsNames.version(ch.highestVersion()) + ", which a server requiring TLS 1.3 refuses the same way" : ""),
                            f.clientHellos.get(0).at());
                } else if (offersOnlyOldVersions(ch)) {
                    versionMismatch(ch, how, f.clientHellos.get(0).at());
                } else if (offersOnlyWeakCiphers(ch)) {
                    noCommonCipher(ch, how, f.clientHellos.get(0).at());
                } else {
                    add("tls-handshake-aborted", Severity.ERROR, "The server closed the connection right after the ClientHello.",
                            "The client's ClientHello (" + ev.at(f.clientHellos.get(0).at()) + ") got no ServerHello: " + how
                                    + (ch.supportedGroups().size() == 1
                                    // one key-exchange group is the hello's only narrow point (openssl s_client -groups P-256
                                    // against a server limited to X25519 ends exactly so: no HelloRetryRequest can help)
                                    ? ". The hello offers " + versions(ch) + " and " + ch.cipherSuites().size() + " cipher suites but a single key-exchange group, "
                                    + TlsNames.group(ch.supportedGroups().get(0)) + ": a server that supports none of the client's groups aborts like this"
                                    + " (dovecot logs \"no suitable key share\"); otherwise the server's TLS settings or certificate setup failed: its log says why."
                                    : ". The hello itself looks ordinary (offers " + versions(ch) + ", " + ch.cipherSuites().size()
                                    + " cipher suites), so the server's TLS settings or certificate setup likely failed: its log says why."),
                            "Read the server's log for the TLS error at that time; compare with `openssl s_client -connect HOST:PORT`.",
                            f.clientHellos.get(0).at().frame(), close != null ? close.frame() : 0);
                }
                outcome(Outcome.DROPPED);
            }
        }

        private void versionMismatch(ClientHello ch, String how, At at) {
            String offered = ch == null ? "unknown versions" : versions(ch);
            add("tls-version-mismatch", Severity.ERROR, "Client and server share no TLS version.",
                    "The client offered " + offered + " and " + how + ". "
                            + (ch != null && ch.highestVersion() < 0x0304
                            ? "A server that requires TLS 1.3 (or refuses " + TlsNames.version(ch.highestVersion()) + ") does exactly this."
                            : "The server accepts only versions the client does not offer."),
                    "Allow a common version: let the client offer TLS 1.2 and 1.3 (e.g. drop -tls1_2 / -tls1_1 options, update an old client), or relax the server's minimum (dovecot: ssl_min_protocol).",
                    at.frame());
        }

        private void noCommonCipher(ClientHello ch, String how, At at) {
            add("tls-no-common-cipher", Severity.ERROR, "Client and server share no cipher suite.",
                    "The client offered " + (ch == null ? "its cipher suites" : ch.cipherSuites().size() + " cipher suites ("
                            + cipherSample(ch) + ")") + " and " + how + ".",
                    "Let the client offer modern suites (ECDHE with AES-GCM or ChaCha20-Poly1305), or widen the server's list (dovecot: ssl_cipher_list).",
                    at.frame());
        }

        private void certificateRejected(TlsEvent.Alert alert) {
            int d = alert.description();
            boolean certAlert = d == 42 || d == 43 || d == 44 || d == 45 || d == 46 || d == 48 || d == 49;
            if (!alert.at().fromClient() || !certAlert) {
                return;
            }
            boolean afterCert = f.serverCertificates != null || !f.serverHellos.isEmpty();
            if (!afterCert) {
                return;
            }
            At certAt = f.serverCertificates != null ? f.serverCertificates.at() : f.serverHellos.get(0).at();
            add("certificate-rejected", Severity.ERROR, "The client rejected the server's certificate.",
                    "Right after the server's certificate (" + ev.at(certAt) + ") the client aborted with " + alert.descriptionName()
                            + " (" + ev.at(alert.at()) + "): " + alertCause(alert),
                    "Install a certificate from a CA the client trusts with the full chain (leaf and intermediates) on the server, or give the client the CA (openssl s_client -CAfile ...); check the name and dates.",
                    certAt.frame(), alert.at().frame());
        }

        private static String alertCause(TlsEvent.Alert a) {
            return switch (a.description()) {
                case -1 -> "It was encrypted, so its reason is not visible in the capture.";
                case 0 -> "close_notify: an orderly close.";
                case 10 -> "unexpected_message: a message arrived out of order, often a client or server speaking another protocol.";
                case 20 -> "bad_record_mac: a record failed its integrity check (corruption or a broken middlebox).";
                case 40 -> "handshake_failure: no acceptable set of parameters (cipher suite, group or signature algorithm) in common.";
                case 42 -> "bad_certificate: the certificate was corrupt or its signature did not verify.";
                case 43 -> "unsupported_certificate: the certificate type is not supported.";
                case 44 -> "certificate_revoked: the certificate was revoked by its issuer.";
                case 45 -> "certificate_expired: the certificate is outside its validity period (or a clock is wrong).";
                case 46 -> "certificate_unknown: the certificate could not be accepted for another reason.";
                case 47 -> "illegal_parameter: a field in the handshake was out of range.";
                case 48 -> "unknown_ca: the client does not trust the CA that issued the certificate (self-signed, private CA, or missing intermediate).";
                case 49 -> "access_denied: the peer's identity was valid but access was refused.";
                case 50 -> "decode_error: a message could not be decoded, often plaintext where TLS was expected.";
                case 51 -> "decrypt_error: a handshake signature or Finished check failed.";
                case 70 -> "protocol_version: the versions the client offers are not ones the server accepts.";
                case 71 -> "insufficient_security: the server requires stronger ciphers than the client offered.";
                case 80 -> "internal_error: the sender failed for a reason of its own.";
                case 86 -> "inappropriate_fallback: a version downgrade was detected.";
                case 90 -> "user_canceled: the handshake was cancelled.";
                case 109 -> "missing_extension: a required extension was absent.";
                case 110 -> "unsupported_extension.";
                case 112 -> "unrecognized_name: the server has no certificate for the name the client asked for (SNI).";
                case 116 -> "certificate_required: the server wanted a client certificate.";
                case 120 -> "no_application_protocol: no ALPN protocol in common.";
                default -> "See RFC 8446 section 6.2 for this alert.";
            };
        }

        private static String alertFix(TlsEvent.Alert a) {
            return switch (a.description()) {
                case 70 -> "Make the client and server share a TLS version (TLS 1.2 or 1.3 on both).";
                case 40, 71 -> "Make the client and server share a cipher suite, group and signature algorithm.";
                case 42, 43, 44, 45, 46, 48, 49 -> "Fix the server certificate (trusted CA, full chain, right name, valid dates) or make the client trust its CA.";
                case 112 -> "Connect with the name the server has a certificate for, or add that name to the server's certificate.";
                case 116 -> "Configure the client with the client certificate the server requires.";
                case 50, 10 -> "Make sure both sides speak TLS from the first byte (implicit TLS port) or after STARTTLS only.";
                default -> "Read the log of the side that sent the alert for the detailed reason.";
            };
        }

        private boolean serverClosed() {
            return c.closedBy() == Direction.SERVER_TO_CLIENT
                    || f.firstTcp("FIN", false) != null || f.firstTcp("RST", false) != null;
        }

        private At closeAt(Direction d) {
            SessionEvent.Tcp fin = f.firstTcp("FIN", d.fromClient());
            SessionEvent.Tcp rst = f.firstTcp("RST", d.fromClient());
            if (fin == null) {
                return rst == null ? null : rst.at();
            }
            return rst == null || fin.at().frame() < rst.at().frame() ? fin.at() : rst.at();
        }

        private static boolean offersOnlyOldVersions(ClientHello ch) {
            return ch.highestVersion() < 0x0304;
        }

        private static boolean offersOnlyWeakCiphers(ClientHello ch) {
            int modern = 0;
            for (int cs : ch.cipherSuites()) {
                String n = TlsNames.cipherSuite(cs);
                if (n.startsWith("TLS_AES_") || n.startsWith("TLS_CHACHA20_") || (n.contains("ECDHE") && (n.contains("GCM") || n.contains("CHACHA20")))) {
                    modern++;
                }
            }
            return modern == 0;
        }

        /** Cipher suites other than GREASE and the signalling values (renegotiation SCSV, fallback SCSV). */
        private static int realSuites(ClientHello ch) {
            int n = 0;
            for (int cs : ch.cipherSuites()) {
                if (!io.mailscope.dissect.tls.Grease.is(cs) && cs != 0x00ff && cs != 0x5600) {
                    n++;
                }
            }
            return n;
        }

        private static String versions(ClientHello ch) {
            List<String> v = new ArrayList<>();
            for (int x : ch.supportedVersions()) {
                if (!io.mailscope.dissect.tls.Grease.is(x)) {
                    v.add(TlsNames.version(x));
                }
            }
            if (v.isEmpty()) {
                return "up to " + TlsNames.version(ch.legacyVersion());
            }
            return String.join(" and ", v);
        }

        private static String cipherSample(ClientHello ch) {
            List<String> names = new ArrayList<>();
            for (int cs : ch.cipherSuites()) {
                if (!io.mailscope.dissect.tls.Grease.is(cs) && names.size() < 3) {
                    names.add(TlsNames.cipherSuite(cs));
                }
            }
            return String.join(", ", names) + (ch.cipherSuites().size() > 3 ? ", ..." : "");
        }

        // ---- What was spoken where ---------------------------------------------------------------------------

        private void mismatches() {
            for (SessionEvent.Mismatch m : f.mismatches) {
                switch (m.code()) {
                    case "plaintext-to-tls-port" -> plaintextToTlsPort(m);
                    case "tls-to-plaintext-port" -> tlsToPlaintextPort(m);
                    case "http-on-imap-port", "smtp-on-imap-port", "pop3-on-imap-port", "unknown-on-mail-port" -> {
                        add(m.code(), Severity.ERROR, "Something other than IMAP was spoken on a mail port.",
                                m.detail() + " (" + ev.at(m.at()) + "). The client is talking the wrong protocol to this port. "
                                        + serverReplyAfter(m.at()),
                                "Point the client at the right port: IMAP is 143 (STARTTLS) or 993 (implicit TLS).",
                                m.at().frame());
                        outcome(reaction(Direction.SERVER_TO_CLIENT, m.at()));
                    }
                    default -> {
                    }
                }
            }
        }

        private void plaintextToTlsPort(SessionEvent.Mismatch m) {
            ImapEvent.Command cmd = firstCommandFromClient();
            String what = cmd != null ? Evidence.quote(cmd.display()) : "plaintext";
            String reaction = reactionText(Direction.SERVER_TO_CLIENT, m.at());
            add("plaintext-to-tls-port", Severity.ERROR, "Plaintext was sent to an implicit TLS port.",
                    "The client sent " + what + " (" + ev.at(m.at()) + ") to port " + c.server().port()
                            + ", where the server expects a TLS ClientHello first (implicit TLS, RFC 8314). " + reaction,
                    "Use a TLS client on this port (e.g. `openssl s_client -connect " + c.server() + " -crlf` or `gnutls-cli -p "
                            + c.server().port() + " HOST`), or use port 143 with STARTTLS.",
                    m.at().frame(), reactionFrame(Direction.SERVER_TO_CLIENT, m.at()));
            outcome(reaction(Direction.SERVER_TO_CLIENT, m.at()));
        }

        private void tlsToPlaintextPort(SessionEvent.Mismatch m) {
            String reply = serverReplyAfter(m.at());
            add("tls-to-plaintext-port", Severity.ERROR, "A TLS ClientHello was sent to a plaintext IMAP port.",
                    (f.greeting != null && f.greeting.at().frame() < m.at().frame()
                            ? "The client answered the server's greeting (" + ev.at(f.greeting.at()) + ") with a TLS ClientHello instead of STARTTLS ("
                            : "The client started TLS at once (") + ev.at(m.at()) + ") on port " + c.server().port()
                            + ", where the server speaks plaintext IMAP and TLS only begins after STARTTLS. " + reply,
                    "Either connect to the implicit TLS port (993) or let the client use STARTTLS on this port (e.g. `openssl s_client -starttls imap -connect "
                            + c.server() + "`).",
                    m.at().frame(), reactionFrame(Direction.SERVER_TO_CLIENT, m.at()));
            outcome(reaction(Direction.SERVER_TO_CLIENT, m.at()));
        }

        private String serverReplyAfter(At at) {
            ImapEvent.Response r = firstResponseAfter(at);
            String close = reactionText(Direction.SERVER_TO_CLIENT, at);
            return r != null ? "The server replied " + Evidence.quote(r.display()) + " (" + ev.at(r.at()) + "). " + close : close;
        }

        /** The server's first answer after {@code at}: a tagged response, or an untagged BAD, NO or BYE (not a greeting or "* OK"). */
        private ImapEvent.Response firstResponseAfter(At at) {
            for (var e : f.events) {
                if (e instanceof ImapEvent.Response r && r.at().frame() >= at.frame() && !r.greeting()
                        && (r.kind() == ImapEvent.Response.Kind.TAGGED || !"OK".equals(r.status()))) {
                    return r;
                }
            }
            return null;
        }

        /** What the server did after unexpected input: alert, bare close, reset, or silence. */
        private String reactionText(Direction by, At after) {
            for (TlsEvent.Alert a : f.alerts) {
                if (a.at().direction() == by && a.at().frame() >= after.frame()) {
                    return "The " + by.sender() + " answered with a TLS " + a.descriptionName() + " alert (" + ev.at(a.at()) + ").";
                }
            }
            At fin = firstTcpAfter("FIN", by, after);
            At rst = firstTcpAfter("RST", by, after);
            boolean answered = by == Direction.SERVER_TO_CLIENT && firstResponseAfter(after) != null;
            if (fin != null && (rst == null || fin.frame() <= rst.frame())) {
                return "The " + by.sender() + (answered ? " then closed the connection" : " closed the connection without a word")
                        + " (FIN, " + ev.at(fin) + ", " + Evidence.duration(fin.timeNanos() - after.timeNanos()) + " later).";
            }
            if (rst != null) {
                return "The " + by.sender() + " reset the connection (RST, " + ev.at(rst) + ").";
            }
            if (open) {
                return "So far the " + by.sender() + " has not reacted.";
            }
            return "The " + by.sender() + " said nothing and did not close: both sides then waited until "
                    + (c.endReason() == TcpConnection.EndReason.CAPTURE_END ? "the end of the capture" : "the client gave up") + ".";
        }

        private long reactionFrame(Direction by, At after) {
            for (TlsEvent.Alert a : f.alerts) {
                if (a.at().direction() == by && a.at().frame() >= after.frame()) {
                    return a.at().frame();
                }
            }
            At fin = firstTcpAfter("FIN", by, after);
            At rst = firstTcpAfter("RST", by, after);
            return fin != null ? fin.frame() : rst != null ? rst.frame() : 0;
        }

        private Outcome reaction(Direction by, At after) {
            for (TlsEvent.Alert a : f.alerts) {
                if (a.at().direction() == by && a.at().frame() >= after.frame()) {
                    return Outcome.ALERT;
                }
            }
            ImapEvent.Response answer = firstResponseAfter(after);
            if (by == Direction.SERVER_TO_CLIENT && answer != null
                    && ("BAD".equals(answer.status()) || "NO".equals(answer.status()) || "BYE".equals(answer.status()))) {
                return Outcome.REFUSED;
            }
            if (firstTcpAfter("FIN", by, after) != null || firstTcpAfter("RST", by, after) != null) {
                return Outcome.DROPPED;
            }
            return Outcome.STALLED;
        }

        private At firstTcpAfter(String what, Direction by, At after) {
            for (SessionEvent.Tcp t : f.tcp) {
                if (t.what().equals(what) && t.at().direction() == by && t.at().frame() >= after.frame()) {
                    return t.at();
                }
            }
            return null;
        }

        private ImapEvent.Command firstCommandFromClient() {
            return f.exchanges.isEmpty() ? null : f.exchanges.get(0).command();
        }

        // ---- STARTTLS ----------------------------------------------------------------------------------------

        private void starttls() {
            if (f.startTlsRefused != null) {
                ImapEvent.StartTlsRefused r = f.startTlsRefused;
                add("starttls-refused", Severity.ERROR, "The server refused STARTTLS.",
                        "The client asked for STARTTLS (" + (f.startTlsCommand != null ? ev.at(f.startTlsCommand.at()) : "earlier")
                                + ") and the server answered " + Evidence.quote(r.tag() + " " + r.status() + " " + r.text())
                                + " (" + ev.at(r.at()) + "): TLS is not available on this port.",
                        "Enable TLS on the server (dovecot: ssl = yes with a certificate), or connect to the implicit TLS port 993.",
                        f.startTlsCommand != null ? f.startTlsCommand.at().frame() : 0, r.at().frame());
                outcome(Outcome.REFUSED);
            }
            if (f.startTlsCommand != null && f.capabilitiesSeenBeforeTls && !f.advertised("STARTTLS")) {
                add("starttls-not-advertised", Severity.WARNING, "The server did not advertise STARTTLS.",
                        "The capabilities the server announced before TLS (" + String.join(" ", f.capabilitiesBeforeTls)
                                + ") do not include STARTTLS, yet the client sent it ("
                                + ev.at(f.startTlsCommand.at()) + ").",
                        "Enable TLS on the server, or use implicit TLS on port 993.",
                        f.startTlsCommand.at().frame());
            } else if (f.startTlsCommand == null && f.capabilitiesSeenBeforeTls && !f.advertised("STARTTLS")
                    && !f.tlsStarted && s.role() != PortRole.IMAPS) {
                add("starttls-not-advertised", Severity.WARNING, "The server did not offer STARTTLS, so the session stayed in plaintext.",
                        "The server's capabilities (" + String.join(" ", f.capabilitiesBeforeTls) + ") do not include STARTTLS.",
                        "Enable TLS on the server so clients can protect the session.");
            }
            ImapEvent.StartTlsAccepted ok = f.startTlsAccepted;
            if (ok == null) {
                return;
            }
            if (f.clientPlaintextAfterStartTls != null) {
                SessionEvent.PlaintextAfterStartTls p = f.clientPlaintextAfterStartTls;
                ImapEvent.Command next = firstCommandAfter(p.at());
                String what = next != null ? Evidence.quote(next.display()) : p.display();
                add("plaintext-after-starttls", Severity.ERROR, "STARTTLS was accepted, then the client went on in plaintext.",
                        "The server answered " + Evidence.quote(ok.tag() + " OK " + ok.text()) + " (" + ev.at(ok.at())
                                + "): from there it expects a TLS ClientHello. The client sent " + what + " (" + ev.at(p.at())
                                + ") instead. " + reactionText(Direction.SERVER_TO_CLIENT, p.at()),
                        "After STARTTLS the client must start a TLS handshake: a person cannot type TLS. Use `openssl s_client -starttls imap -connect "
                                + c.server() + " -crlf` or `gnutls-cli --starttls-proto=imap -p " + c.server().port() + " HOST`.",
                        ok.at().frame(), p.at().frame(), reactionFrame(Direction.SERVER_TO_CLIENT, p.at()));
                outcome(reaction(Direction.SERVER_TO_CLIENT, p.at()));
            } else if (f.clientHandoff == null && f.clientHellos.isEmpty() && !open) {
                At end = closeAt(Direction.CLIENT_TO_SERVER);
                At sEnd = closeAt(Direction.SERVER_TO_CLIENT);
                long endNanos = c.endNanos();
                add("starttls-mutual-wait", Severity.ERROR, "STARTTLS was accepted, then nobody sent anything.",
                        "The server answered " + Evidence.quote(ok.tag() + " OK " + ok.text()) + " (" + ev.at(ok.at())
                                + ") and waits for the client's TLS ClientHello; the client sent nothing for "
                                + Evidence.duration(endNanos - ok.at().timeNanos()) + ", "
                                + (end != null ? "then closed (" + ev.at(end) + ")" : sEnd != null ? "until the server closed (" + ev.at(sEnd) + ")"
                                : "until the end of the capture")
                                + ". A client that is not able to do TLS (telnet, nc) waits for more text that will never come.",
                        "Use a client that performs the TLS handshake after STARTTLS: `openssl s_client -starttls imap -connect " + c.server() + "`.",
                        ok.at().frame(), end != null ? end.frame() : sEnd != null ? sEnd.frame() : 0);
                outcome(Outcome.STALLED);
            }
            if (f.serverDataAfterStartTls != null) {
                add("starttls-injection", Severity.WARNING, "The server sent plaintext right behind its STARTTLS OK.",
                        "In the same segment as " + Evidence.quote(ok.tag() + " OK") + " (" + ev.at(f.serverDataAfterStartTls.at())
                                + ") the server sent \"" + f.serverDataAfterStartTls.display()
                                + "\" before any TLS: either the server is broken or someone injected data (the STARTTLS command-injection pattern, CVE-2011-0411).",
                        "Update the server; a client must discard anything received before the TLS handshake.",
                        f.serverDataAfterStartTls.at().frame());
            }
            for (ImapEvent.Problem p : f.imapProblems) {
                if ("pipelined-after-starttls".equals(p.code())) {
                    add("starttls-pipelining", Severity.WARNING, "The client sent commands behind STARTTLS before the server answered.",
                            "After STARTTLS the client sent " + Evidence.quote(p.detail()) + " (" + ev.at(p.at())
                                    + ") in plaintext; RFC 3501 forbids further commands until the TLS negotiation is complete, and a server that processes them is open to command injection (CVE-2011-0411).",
                            "Send nothing after STARTTLS until the server's tagged OK, then start TLS.", p.at().frame());
                    break;
                }
            }
        }

        private ImapEvent.Command firstCommandAfter(At at) {
            for (SessionFacts.Exchange x : f.exchanges) {
                if (x.command().at().frame() >= at.frame() && x.command().at().fromClient()) {
                    return x.command();
                }
            }
            return null;
        }

        // ---- LOGIN -------------------------------------------------------------------------------------------

        private void login() {
            boolean cleartextReported = false;
            boolean failureReported = false;
            boolean mechanismReported = false;
            boolean tlsRefusalReported = false;
            for (SessionFacts.Exchange x : f.exchanges("LOGIN", "AUTHENTICATE")) {
                ImapEvent.Command cmd = x.command();
                ImapEvent.Response untagged = untaggedBadAfter(cmd.at());
                // A later login that worked makes an earlier refusal a detour, not how the session ended.
                boolean laterSuccess = loggedInAfter(x);
                if (x.cancelled()) {
                    // "*" ended the AUTHENTICATE: the server's BAD answers the client's own choice
                } else if (!mechanismReported && mechanismRefused(x)) {
                    mechanismReported = true;
                    StringBuilder offered = new StringBuilder();
                    for (String cap : f.capabilitiesBeforeTls) {
                        if (cap.startsWith("AUTH=")) {
                            offered.append(offered.length() == 0 ? "" : " ").append(cap);
                        }
                    }
                    add("auth-mechanism-unsupported", Severity.ERROR, "The server does not offer the authentication mechanism the client asked for.",
                            "The client sent " + Evidence.quote(cmd.display()) + " (" + ev.at(cmd.at()) + ") and the server answered "
                                    + Evidence.quote(x.answer().display()) + " (" + ev.at(x.answer().at()) + ")"
                                    + (offered.length() > 0 ? "; it had offered " + offered + "." : ".")
                                    + (laterSuccess ? " A later login on this connection succeeded." : ""),
                            "Configure the client to use a mechanism the server lists in its AUTH= capabilities (or plain LOGIN over TLS).",
                            cmd.at().frame(), x.answer().at().frame());
                    if (!laterSuccess) {
                        outcome(Outcome.REFUSED);
                    }
                } else if (!failureReported && serverSideFailure(x)) {
                    failureReported = true;
                    add("auth-unavailable", laterSuccess ? Severity.WARNING : Severity.ERROR, "The server could not check the credentials: a failure on its side.",
                            "The client sent " + Evidence.quote(cmd.display()) + " (" + ev.at(cmd.at()) + ") and the server answered "
                                    + Evidence.quote(x.answer().display()) + " (" + ev.at(x.answer().at()) + "): its code "
                                    + x.answer().code().split(" ", 2)[0] + " (RFC 5530) says the login failed for a reason of the server's own"
                                    + " (its authentication backend is down or overloaded, or a limit was hit), not because of the password or the lack of TLS."
                                    + (laterSuccess ? " A later login on this connection succeeded." : ""),
                            "Try again later; on the server, read the authentication log (dovecot: auth process, passdb/userdb backend).",
                            cmd.at().frame(), x.answer().at().frame());
                    if (!laterSuccess) {
                        outcome(Outcome.REFUSED);
                    }
                } else if (!failureReported && wrongCredentials(x, untagged)) {
                    failureReported = true;
                    add("authentication-failed", laterSuccess ? Severity.WARNING : Severity.ERROR, "The server rejected the user name or password.",
                            "The client sent " + Evidence.quote(cmd.display()) + " (" + ev.at(cmd.at()) + ")"
                                    + (x.beforeTls() ? "" : " inside TLS") + " and the server answered "
                                    + Evidence.quote(x.answer().display()) + " (" + ev.at(x.answer().at()) + ")"
                                    + (x.beforeTls() && !f.advertised("LOGINDISABLED")
                                    ? ". The server allows logins on this connection (it did not advertise LOGINDISABLED): it was the credentials it refused, not the lack of TLS."
                                    : ": the credentials were refused.")
                                    + attemptsRefused(x)
                                    + (laterSuccess ? " A later login on this connection succeeded." : ""),
                            "Check the user name and password (and whether the account is locked or the mechanism allowed); the server's log says which.",
                            cmd.at().frame(), x.credentialsAt().frame(), x.answer().at().frame());
                    if (!laterSuccess) {
                        outcome(Outcome.REFUSED);
                    }
                }
                if (!x.beforeTls()) {
                    continue;
                }
                boolean refusedForTls = (x.refused() || (untagged != null && x.answer() == null)) && !wrongCredentials(x, untagged)
                        && !x.cancelled() && !mechanismRefused(x) && !serverSideFailure(x);
                if (refusedForTls && !tlsRefusalReported && (f.advertised("LOGINDISABLED") || mentionsTls(x.answer()) || mentionsTls(untagged)
                        || invalidState(x.answer()) || s.role() == PortRole.IMAP)) {
                    ImapEvent.Response ans = x.answer() != null ? x.answer() : untagged;
                    StringBuilder why = new StringBuilder();
                    if (f.advertised("LOGINDISABLED")) {
                        why.append("The server had advertised LOGINDISABLED: no login until TLS is on. ");
                    }
                    if (untagged != null && untagged != ans) {
                        why.append("The server answered ").append(Evidence.quote(untagged.display())).append(" (").append(ev.at(untagged.at())).append(") and ");
                    } else {
                        why.append("The server answered ");
                    }
                    why.append(Evidence.quote(ans.display())).append(" (").append(ev.at(ans.at())).append(").");
                    tlsRefusalReported = true;
                    add("login-before-starttls", Severity.ERROR, "The server refused to log in before TLS.",
                            "The client sent " + Evidence.quote(cmd.display()) + " in plaintext (" + ev.at(cmd.at()) + "). " + why,
                            "Send STARTTLS first and log in after the TLS handshake (`openssl s_client -starttls imap -connect "
                                    + c.server() + " -crlf`), or use implicit TLS on port 993.",
                            cmd.at().frame(), ans.at().frame(), untagged != null ? untagged.at().frame() : 0);
                    outcome(Outcome.REFUSED);
                }
                if (x.credentials() && !cleartextReported) {
                    cleartextReported = true;
                    String sent = x.credentialsAt() != cmd.at()
                            ? Evidence.quote(cmd.display()) + " (" + ev.at(cmd.at()) + ") and then its SASL response, which carries the password in base64 ("
                                    + ev.at(x.credentialsAt()) + "),"
                            : Evidence.quote(cmd.display()) + " (" + ev.at(cmd.at()) + ")";
                    add("cleartext-credentials", Severity.WARNING, "A password crossed the network unencrypted.",
                            "The client sent " + sent
                                    + " before any TLS, so anyone on the path could read the password"
                                    + (x.ok() ? "; the server accepted it (" + ev.at(x.answer().at()) + ")." : ".")
                                    + " mailscope redacts it in its output.",
                            "Change that password, use STARTTLS or port 993 before logging in, and make the server refuse plaintext logins (dovecot: disable_plaintext_auth = yes).",
                            cmd.at().frame(), x.credentialsAt().frame());
                }
            }
            if (!cleartextReported) {
                for (SessionFacts.Exchange x : f.exchanges) {
                    if (x.beforeTls() && x.credentials()) {
                        add("cleartext-credentials", Severity.WARNING, "A password crossed the network unencrypted.",
                                "The client sent " + Evidence.quote(x.command().display()) + " (" + ev.at(x.command().at())
                                        + ") before any TLS, so anyone on the path could read the password. mailscope redacts it in its output.",
                                "Change that password and log in only over TLS (port 993, or STARTTLS on 143).",
                                x.command().at().frame());
                        break;
                    }
                }
            }
        }

        private ImapEvent.Response untaggedBadAfter(At at) {
            for (ImapEvent.Response r : f.untaggedBadOrNo) {
                if (r.at().frame() >= at.frame()) {
                    return r;
                }
            }
            return null;
        }

        /**
         * The server refused the login because of the credentials, not the missing TLS: an RFC 5530 code saying so
         * (dovecot: "NO [AUTHENTICATIONFAILED] Authentication failed."), or a plain NO without a code that says
         * nothing about TLS: inside TLS, or from a server that listed its capabilities without LOGINDISABLED.
         */
        private boolean wrongCredentials(SessionFacts.Exchange x, ImapEvent.Response untagged) {
            if (!x.refused()) {
                return false;
            }
            ImapEvent.Response a = x.answer();
            String code = a.code() == null ? "" : a.code().split(" ", 2)[0];
            if (code.equals("AUTHENTICATIONFAILED") || code.equals("AUTHORIZATIONFAILED") || code.equals("EXPIRED")
                    || code.equals("CONTACTADMIN") || code.equals("NOPERM")) {
                return true;
            }
            if (!"NO".equals(a.status()) || a.code() != null || mentionsTls(a) || invalidState(a)) {
                return false;
            }
            // inside TLS there is no TLS left to ask for
            return !x.beforeTls() || (f.capabilitiesSeenBeforeTls && !f.advertised("LOGINDISABLED") && untagged == null);
        }

        /** A refusal whose RFC 5530 code puts the cause on the server's side (dovecot: "NO [UNAVAILABLE] Temporary authentication failure."). */
        private static boolean serverSideFailure(SessionFacts.Exchange x) {
            if (!x.refused() || x.answer().code() == null) {
                return false;
            }
            String code = x.answer().code().split(" ", 2)[0];
            return code.equals("UNAVAILABLE") || code.equals("SERVERBUG") || code.equals("LIMIT") || code.equals("INUSE");
        }

        /** The server refused the SASL mechanism itself (dovecot: "NO [ALERT] Unsupported authentication mechanism."). */
        private static boolean mechanismRefused(SessionFacts.Exchange x) {
            return x.refused() && "AUTHENTICATE".equals(x.command().name()) && !mentionsTls(x.answer())
                    && x.answer().text().toLowerCase(java.util.Locale.ROOT).contains("mechanism");
        }

        /** " It refused N attempts in all (last: frame F)." when the client tried again with credentials the server refused. */
        private String attemptsRefused(SessionFacts.Exchange first) {
            int n = 0;
            SessionFacts.Exchange last = null;
            for (SessionFacts.Exchange x : f.exchanges("LOGIN", "AUTHENTICATE")) {
                if (x.command().at().frame() >= first.command().at().frame() && x.refused() && !x.cancelled()
                        && !mechanismRefused(x) && !serverSideFailure(x)) {
                    n++;
                    last = x;
                }
            }
            return n > 1 ? " The client tried " + n + " times; the server refused every attempt (the last " + ev.at(last.answer().at()) + ")." : "";
        }

        /** A LOGIN or AUTHENTICATE after this one was accepted. */
        private boolean loggedInAfter(SessionFacts.Exchange earlier) {
            for (SessionFacts.Exchange x : f.exchanges("LOGIN", "AUTHENTICATE")) {
                if (x.command().at().frame() > earlier.command().at().frame() && x.ok()) {
                    return true;
                }
            }
            return false;
        }

        private static boolean mentionsTls(ImapEvent.Response r) {
            if (r == null) {
                return false;
            }
            String t = (r.code() == null ? "" : r.code()) + " " + r.text();
            String u = t.toUpperCase();
            return u.contains("PRIVACYREQUIRED") || u.contains("TLS") || u.contains("SSL") || u.contains("PLAINTEXT")
                    || u.contains("ENCRYPT");
        }

        private static boolean invalidState(ImapEvent.Response r) {
            return r != null && r.text().toLowerCase().contains("invalid state");
        }

        // ---- Waiting -----------------------------------------------------------------------------------------

        private void waits() {
            boolean established = c.synAckFrame() > 0 || c.midstream();
            if (!established || c.state() == ConnState.REJ) {
                return;
            }
            At clientEnd = closeAt(Direction.CLIENT_TO_SERVER);
            // The server's only bytes may be its reaction to the client hanging up (a JDK TLS server's alert):
            // until then, nobody had spoken.
            boolean serverSpokeFirst = f.serverDetected != null
                    && (clientEnd == null || f.serverDetected.at().frame() < clientEnd.frame());
            boolean nobodySpoke = c.clientBytes() == 0 && !serverSpokeFirst;
            At serverEnd = closeAt(Direction.SERVER_TO_CLIENT);
            String ending = clientEnd != null && (serverEnd == null || clientEnd.frame() <= serverEnd.frame())
                    ? "then the client closed the connection (" + ev.at(clientEnd) + ")"
                    : serverEnd != null ? "then the server closed the connection (" + ev.at(serverEnd) + "), likely its pre-login timeout"
                    : "until the end of the capture";
            long waited = (clientEnd != null ? clientEnd.timeNanos() : serverEnd != null ? serverEnd.timeNanos() : c.endNanos())
                    - (c.synAckNanos() > 0 ? c.synAckNanos() : c.startNanos());
            if (nobodySpoke && s.role() == PortRole.IMAPS) {
                add("implicit-tls-mutual-wait", Severity.ERROR, "Both sides waited: the server for a TLS ClientHello, the client for a greeting.",
                        "The connection to " + c.server() + " was set up (SYN-ACK in frame " + c.synAckFrame() + ") and then neither side sent a byte for "
                                + Evidence.duration(waited) + ", " + ending
                                + (f.aftermathAlert() != null ? " (the server's TLS layer answered the hang-up with a " + f.aftermathAlert().descriptionName() + " alert)" : "")
                                + ". Port " + c.server().port()
                                + " is implicit TLS: the server stays silent until the client's TLS ClientHello, while a plaintext client such as telnet or nc waits for an IMAP greeting. That is the blank screen.",
                        "Use a TLS client: `openssl s_client -connect " + c.server() + " -crlf` (or `gnutls-cli -p " + c.server().port()
                                + " HOST`), then type IMAP commands; or connect to port 143 and send STARTTLS.",
                        c.synAckFrame(), clientEnd != null ? clientEnd.frame() : 0, serverEnd != null ? serverEnd.frame() : 0);
                outcome(Outcome.STALLED);
                return;
            }
            boolean serverSilent = c.serverBytes() == 0;
            boolean imapPort = s.role() == PortRole.IMAP;
            if (serverSilent && imapPort && f.clientHellos.isEmpty() && f.mismatches.isEmpty()) {
                add("no-greeting", Severity.ERROR, "The server accepted the connection but never greeted.",
                        "After the TCP handshake (frame " + c.synAckFrame() + ") the IMAP server on port " + c.server().port()
                                + " sent no greeting for " + Evidence.duration(waited) + ", " + ending
                                + ". An IMAP server speaks first (RFC 9051 section 7.1.1); a silent one is overloaded, hung, waiting on a slow DNS or authentication lookup, or this port is not IMAP"
                                + (c.clientBytes() > 0 ? " (the client did send " + c.clientBytes() + " bytes)" : "") + ".",
                        "Check the server process and its logs; confirm the port really is IMAP (143), and that it is not an implicit TLS port (993) that waits for the client.",
                        c.synAckFrame(), clientEnd != null ? clientEnd.frame() : 0, serverEnd != null ? serverEnd.frame() : 0);
                outcome(Outcome.STALLED);
                return;
            }
            if (nobodySpoke && outcome == null) {
                add("no-data", Severity.WARNING, "The connection carried no data at all.",
                        "The TCP connection was set up (frame " + c.synAckFrame() + ") but neither side sent a byte for "
                                + Evidence.duration(waited) + ", " + ending + ".",
                        "Check which protocol this port expects and who should speak first.", c.synAckFrame());
                outcome(Outcome.STALLED);
            }
            if (f.serverDetected != null && ProtocolSniffer.IMAP.equals(f.serverDetected.protocol())
                    && c.firstSpeaker() == Direction.CLIENT_TO_SERVER && !c.midstream() && f.proxyRequest == null) {
                add("client-spoke-first", Severity.INFO, "The client spoke before the server's greeting.",
                        "The client's first bytes (frame " + c.firstPayloadFrame() + ") came before the server's greeting"
                                + (f.greeting != null ? " (" + ev.at(f.greeting.at()) + ")" : "")
                                + ". IMAP servers greet first; some clients (gnutls-cli --starttls-proto=imap) send CAPABILITY at once. Harmless when the server copes.",
                        "Nothing to fix unless the server rejects it; a client should wait for the greeting.",
                        c.firstPayloadFrame());
            }
        }

        // ---- Hand-typed mistakes -----------------------------------------------------------------------------

        private void imapMistakes() {
            for (String code : List.of("missing-tag", "bare-lf", "tag-reused")) {
                ImapEvent.Problem first = null;
                int count = 0;
                for (ImapEvent.Problem p : f.imapProblems) {
                    if (p.code().equals(code) && p.at().fromClient()) {
                        count++;
                        if (first == null) {
                            first = p;
                        }
                    }
                }
                if (first == null) {
                    continue;
                }
                String times = count > 1 ? " (" + count + " times)" : "";
                switch (code) {
                    case "missing-tag" -> add(code, Severity.WARNING, "A command was sent without a tag.",
                            "The client sent a command with no tag" + times + ", first " + ev.at(first.at()) + ": " + first.detail()
                                    + ". Every IMAP command starts with a tag (e.g. `a1 LOGIN ...`); the server answers BAD.",
                            "Start every command with a tag: `a1 LOGIN user pass`, `a2 SELECT INBOX`.", first.at().frame());
                    case "bare-lf" -> add(code, Severity.WARNING, "A line ended in a bare LF instead of CRLF.",
                            "The client ended a line with LF alone" + times + ", first " + ev.at(first.at())
                                    + ". IMAP requires CRLF; some servers wait for it forever.",
                            "Send CRLF line endings: `openssl s_client -crlf`, `nc -C`, or telnet's default.", first.at().frame());
                    default -> add(code, Severity.INFO, "A tag was used again.",
                            "The client reused a tag" + times + ", first " + ev.at(first.at()) + ": " + first.detail()
                                    + ". Tags should be unique per command so answers can be told apart.",
                            "Use a new tag for each command: a1, a2, a3...", first.at().frame());
                }
            }
        }

        // ---- COMPRESS=DEFLATE (RFC 4978) ---------------------------------------------------------------------

        /**
         * After "OK Begin compression" both sides must send DEFLATE data; a side whose bytes do not inflate never
         * switched (a client that announces COMPRESS but forgets it), and the peer can only hang up.
         */
        private void compression() {
            for (ImapEvent.Problem p : f.imapProblems) {
                if (!"inflate-error".equals(p.code())) {
                    continue;
                }
                String who = p.at().direction().sender();
                ImapEvent.Response begun = null;
                for (SessionFacts.Exchange x : f.exchanges("COMPRESS")) {
                    if (x.ok()) {
                        begun = x.answer();
                    }
                }
                At peerEnd = closeAt(p.at().direction().opposite());
                add("plaintext-after-compress", Severity.ERROR, "The " + who + " did not compress after COMPRESS DEFLATE was agreed.",
                        (begun != null ? "The server agreed to compression with " + Evidence.quote(begun.display()) + " (" + ev.at(begun.at()) + "). " : "")
                                + "From then on both sides must send raw DEFLATE data (RFC 4978), but the " + who + "'s next bytes (" + ev.at(p.at())
                                + ") do not inflate (" + p.detail() + "): most likely it kept sending uncompressed IMAP"
                                + (peerEnd != null ? ", and the " + p.at().direction().opposite().sender() + " closed the connection (" + ev.at(peerEnd) + ")." : "."),
                        p.at().fromClient()
                                ? "Fix or update the client's COMPRESS support, or turn it off in the client; on dovecot, COMPRESS is offered by the imap_zlib plugin."
                                : "Check the server's COMPRESS implementation (or proxy in between); turn COMPRESS off in the client meanwhile.",
                        begun != null ? begun.at().frame() : 0, p.at().frame(), peerEnd != null ? peerEnd.frame() : 0);
                outcome(Outcome.DROPPED);
                return;
            }
        }

        // ---- Endings -----------------------------------------------------------------------------------------

        private void serverByeAndReset() {
            if (f.greeting != null && "BYE".equals(f.greeting.status())) {
                add("server-bye", Severity.ERROR, "The server greeted with BYE and closed.",
                        "The server's first words were " + Evidence.quote(f.greeting.display()) + " (" + ev.at(f.greeting.at())
                                + "): it refuses this connection (too many connections, this address is blocked, or it is shutting down).",
                        "Read the reason in the BYE text; check the server's connection limits and logs.", f.greeting.at().frame());
                outcome(Outcome.REFUSED);
            }
            for (ImapEvent.Response bye : f.byes) {
                if ((f.logoutSent && logoutBefore(bye.at())) || taggedAnswerAfter(bye.at())) {
                    // BYE then a tagged OK is the orderly answer to LOGOUT (even when a hand-typed LOGOUT line
                    // ended in a bare CR the server accepted before its LF reached us).
                    continue;
                }
                add("server-bye", Severity.WARNING, "The server ended the session with BYE.",
                        "The server sent " + Evidence.quote(bye.display()) + " (" + ev.at(bye.at())
                                + ") without the client asking to log out: " + byeReason(bye.text()),
                        "If it is an idle timeout, let the client send NOOP or use IDLE; otherwise read the server's log.",
                        bye.at().frame());
                outcome(Outcome.DROPPED);
                break;
            }
            SessionEvent.Tcp rst = null;
            for (SessionEvent.Tcp t : f.tcp) {
                if (t.what().equals("RST")) {
                    rst = t;
                    break;
                }
            }
            boolean afterOwnFin = rst != null && f.firstTcp("FIN", rst.at().fromClient()) != null
                    && f.firstTcp("FIN", rst.at().fromClient()).at().frame() < rst.at().frame();
            // A RST after the other side had already closed only says this side left with bytes unread.
            boolean afterPeerFin = rst != null && f.firstTcp("FIN", !rst.at().fromClient()) != null
                    && f.firstTcp("FIN", !rst.at().fromClient()).at().frame() < rst.at().frame();
            boolean afterOrderlyEnd = rst != null && success() && (f.firstTcp("FIN", true) != null || f.firstTcp("FIN", false) != null);
            if (afterOwnFin || afterPeerFin || afterOrderlyEnd) {
                // A RST answering data that arrives after a side closed is the aftermath of that close, not news.
                rst = null;
            }
            if (rst != null && c.state() != ConnState.REJ && c.state() != ConnState.RSTOS0 && (c.synAckFrame() > 0 || c.midstream())) {
                String by = rst.at().direction().sender();
                boolean dataBefore = c.clientBytes() + c.serverBytes() > 0;
                String before = lastFromPeerBefore(rst.at());
                add("reset", Severity.WARNING, "The " + by + " reset the connection.",
                        "The " + by + " sent a RST (" + ev.at(rst.at()) + ")" + (dataBefore ? " in the middle of the session" : "")
                                + (before != null ? ", right after the " + rst.at().direction().opposite().sender() + " sent " + before : "")
                                + ": the connection was torn down without an orderly close"
                                + (rst.at().fromClient() ? " (a client that exits abruptly, or answers data after it closed)."
                                : " (the server process crashed or aborted, a firewall cut it, or it received data after closing)."),
                        "Look at what came just before frame " + rst.at().frame() + " and at the " + by + "'s logs at that time.",
                        rst.at().frame());
                if (!success()) {
                    outcome(Outcome.DROPPED);
                }
            }
        }

        /**
         * The server closed a plaintext IMAP session first, without BYE, without the client having asked to log out,
         * and no other rule explains it: a server that hangs up right after its greeting, or in the middle.
         */
        private void serverHangUp() {
            if (outcome != null || f.tlsStarted || f.greeting == null || !"OK".equals(f.greeting.status()) || !f.byes.isEmpty()) {
                return;
            }
            SessionEvent.Tcp fin = f.firstTcp("FIN", false);
            if (fin == null || logoutBefore(fin.at())) {
                return;
            }
            At clientEnd = closeAt(Direction.CLIENT_TO_SERVER);
            if (clientEnd != null && clientEnd.frame() < fin.at().frame()) {
                return;
            }
            SessionFacts.Exchange last = null;
            for (SessionFacts.Exchange x : f.exchanges) {
                if (x.command().at().frame() < fin.at().frame()) {
                    last = x;
                }
            }
            String when;
            if (last == null) {
                when = "right after its greeting " + Evidence.quote(f.greeting.display()) + " (" + ev.at(f.greeting.at())
                        + "), before the client had sent a command";
            } else if (last.answer() == null || last.answer().at().frame() > fin.at().frame()) {
                when = "while the client's " + Evidence.quote(last.command().display()) + " (" + ev.at(last.command().at())
                        + ") was still unanswered";
            } else {
                when = "after answering " + Evidence.quote(last.command().display()) + " with "
                        + Evidence.quote(last.answer().display()) + " (" + ev.at(last.answer().at()) + ")";
            }
            add("server-hangup", Severity.WARNING, "The server closed the connection without BYE.",
                    "The server closed the connection (" + ev.at(fin.at()) + ") " + when
                            + ", without a BYE saying why and without the client asking to log out. An IMAP server announces a close with BYE (RFC 9051 section 7.1.5);"
                            + " a silent close is a crashed or killed IMAP process, a connection limit enforced before the IMAP layer, or a proxy or firewall cutting the connection.",
                    "Read the server's log at that moment (process crash, connection or rate limits), and any proxy or load balancer between client and server.",
                    f.greeting.at().frame(), last != null ? last.command().at().frame() : 0, fin.at().frame());
            outcome(Outcome.DROPPED);
        }

        /** The last line the other side sent before {@code at}, quoted with its frame, or null. */
        private String lastFromPeerBefore(At at) {
            String found = null;
            for (var e : f.events) {
                if (e.at().frame() > at.frame()) {
                    break;
                }
                if (e.at().direction() != at.direction() && (e instanceof ImapEvent.Command || e instanceof TlsEvent.ClientHelloSeen
                        || e instanceof ImapEvent.Response)) {
                    found = Evidence.quote(Timeline.text(e)) + " (frame " + e.at().frame() + ")";
                }
            }
            return found;
        }

        private boolean taggedAnswerAfter(At at) {
            for (var e : f.events) {
                if (e instanceof ImapEvent.Response r && r.kind() == ImapEvent.Response.Kind.TAGGED
                        && r.at().frame() >= at.frame() && "OK".equals(r.status())) {
                    return true;
                }
            }
            return false;
        }

        private boolean logoutBefore(At at) {
            for (SessionFacts.Exchange x : f.exchanges("LOGOUT")) {
                if (x.command().at().frame() <= at.frame()) {
                    return true;
                }
            }
            return false;
        }

        private static String byeReason(String text) {
            String t = text.toLowerCase();
            if (t.contains("autologout") || t.contains("idle") || t.contains("inactiv") || t.contains("timeout")) {
                return "an inactivity timeout.";
            }
            if (t.contains("kick") || t.contains("admin")) {
                return "an administrator disconnected the session.";
            }
            if (t.contains("invalid") || t.contains("too many")) {
                return "the client sent too many commands the server could not understand.";
            }
            if (t.contains("shutdown") || t.contains("shutting down")) {
                return "the server is shutting down.";
            }
            return "the text says why.";
        }

        // ---- Certificates (TLS 1.2 and earlier, where they are visible) --------------------------------------

        private void certificates() {
            if (f.serverCertificates == null || f.serverCertificates.chain().isEmpty()) {
                return;
            }
            CertificateInfo leaf = f.serverCertificates.chain().get(0);
            if (leaf.error() != null) {
                return;
            }
            Instant when = Instant.ofEpochSecond(0, f.serverCertificates.at().timeNanos());
            At at = f.serverCertificates.at();
            if (leaf.notAfter() != null && when.isAfter(leaf.notAfter())) {
                add("certificate-expired", Severity.ERROR, "The server's certificate had expired.",
                        "The certificate for " + leaf.subject() + " (" + ev.at(at) + ") was valid until " + leaf.notAfter()
                                + ", before this connection (" + when + "). Clients that check it refuse the connection.",
                        "Renew the server's certificate and reload the server.", at.frame());
            } else if (leaf.notBefore() != null && when.isBefore(leaf.notBefore())) {
                add("certificate-expired", Severity.ERROR, "The server's certificate was not yet valid.",
                        "The certificate for " + leaf.subject() + " (" + ev.at(at) + ") is valid only from " + leaf.notBefore()
                                + ", after this connection (" + when + "): a clock is wrong or the certificate was issued in the future.",
                        "Check the server's and client's clocks; reissue the certificate.", at.frame());
            }
            String sni = f.clientHellos.isEmpty() ? null : f.clientHellos.get(0).hello().sni();
            if (sni != null && !leaf.dnsNames().isEmpty() && !matchesAny(sni, leaf.dnsNames())) {
                add("certificate-name-mismatch", Severity.ERROR, "The server's certificate is for another name.",
                        "The client asked for " + Evidence.quote(sni) + " (SNI in " + ev.at(f.clientHellos.get(0).at())
                                + ") but the certificate (" + ev.at(at) + ") covers only " + String.join(", ", leaf.dnsNames())
                                + ". Clients that check the name refuse the connection.",
                        "Connect with a name the certificate covers, or add " + sni + " to the certificate's subjectAltName.",
                        f.clientHellos.get(0).at().frame(), at.frame());
            }
        }

        static boolean matchesAny(String host, List<String> names) {
            String h = host.toLowerCase();
            for (String n : names) {
                String p = n.toLowerCase();
                if (p.equals(h)) {
                    return true;
                }
                if (p.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(p.substring(1))) {
                    return true;
                }
            }
            return false;
        }

        // ---- Greeting ----------------------------------------------------------------------------------------

        private void greetingHostname() {
            if (f.greeting == null) {
                return;
            }
            EncodedHostname.decode(f.greeting.display()).ifPresent(host -> add("greeting-encoded-hostname", Severity.INFO,
                    "The bracketed blob in the greeting is the server's host name, not encryption.",
                    "The greeting " + Evidence.quote(f.greeting.display()) + " (" + ev.at(f.greeting.at())
                            + ") ends in base64 that decodes (UTF-16LE) to " + Evidence.quote(host)
                            + ": Microsoft Exchange and Outlook.com put the serving host's name there. The greeting is plain text; nothing is encrypted.",
                    "Nothing to fix: carry on with STARTTLS and LOGIN as usual.", f.greeting.at().frame()));
        }

        // ---- What the capture cannot show --------------------------------------------------------------------

        private void captureLimits() {
            if (c.midstream()) {
                add("capture-midstream", Severity.INFO, "The capture started after this connection began.",
                        "No SYN was seen: the first packet is frame " + c.firstFrame()
                                + ". The greeting, STARTTLS and TLS handshake may be missing, so the diagnosis is limited to what follows.",
                        "Start the capture before the client connects.", c.firstFrame());
                outcome(outcomeIfNothingElse());
            }
            if (c.truncatedSegments() > 0) {
                add("snaplen-truncated", Severity.WARNING, "The capture cut packets short (snaplen).",
                        c.truncatedSegments() + " segments of this connection were captured only in part, so their payload is missing from the analysis.",
                        "Capture full packets: `tcpdump -s 0` (or -s 262144).", c.firstFrame());
            }
            if (c.gaps() > c.truncatedSegments()) {
                long first = f.gaps.isEmpty() ? 0 : f.gaps.get(0).at().frame();
                add("capture-gap", Severity.WARNING, "Bytes are missing from the capture.",
                        c.gaps() + " hole" + (c.gaps() > 1 ? "s" : "") + " (" + c.gapBytes() + " bytes) in this connection's streams"
                                + (first > 0 ? ", first noticed at frame " + first : "")
                                + ": packets were on the wire but not in the capture (dropped by the capturing host, or a capture filter). The analysis skips them.",
                        "Capture with a bigger buffer (tcpdump -B 32768) and without filters that split the connection; check the capture's drop count.",
                        first);
            }
        }

        private Outcome outcomeIfNothingElse() {
            return success() ? Outcome.OK : Outcome.INCOMPLETE;
        }

        // ---- Success -----------------------------------------------------------------------------------------

        private boolean success() {
            if (f.fatalAlert() != null) {
                return false;
            }
            for (SessionFacts.Exchange x : f.exchanges("LOGIN", "AUTHENTICATE", "LOGOUT")) {
                if (x.ok()) {
                    return true;
                }
            }
            if (f.preauth != null) {
                return true;
            }
            return f.tlsHandshakeCompleted();
        }

        private Outcome defaultOutcome() {
            if (c.midstream() || c.gaps() > 0) {
                return Outcome.INCOMPLETE;
            }
            if (c.state() == ConnState.SF && c.serverBytes() > 0) {
                return f.greeting != null || f.firstServerImap != null ? Outcome.OK : Outcome.INCOMPLETE;
            }
            if (c.endReason() == TcpConnection.EndReason.CAPTURE_END) {
                return c.serverBytes() > 0 ? Outcome.INCOMPLETE : Outcome.STALLED;
            }
            return c.serverBytes() > 0 ? Outcome.OK : Outcome.INCOMPLETE;
        }
    }
}
