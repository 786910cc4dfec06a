package io.mailscope.explain;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.MailEvent;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.dissect.tls.TlsEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The facts a diagnosis rests on, gathered in one pass over a session's events. Rules read them and never change
 * them: the fields are public for the rules in {@code explain.rules}, and final in spirit once built.
 */
public final class SessionFacts {
    /**
     * A client command and the server's tagged answer to it, if any.
     *
     * @param saslResponse for AUTHENTICATE: the base64 line after a server "+" that carries the password, else null:
     *                     the first line (PLAIN without an initial response), or for the LOGIN mechanism the last one
     *                     (user name first, then the password after "+ UGFzc3dvcmQ6", i.e. "Password:")
     * @param cancelled    the client gave up an AUTHENTICATE with "*": the server's BAD is its own doing
     */
    public record Exchange(ImapEvent.Command command, ImapEvent.Response answer, boolean beforeTls,
                    ImapEvent.AuthenticateData saslResponse, boolean cancelled) {
        Exchange(ImapEvent.Command command, ImapEvent.Response answer, boolean beforeTls) {
            this(command, answer, beforeTls, null, false);
        }

        /**
         * The exchange carried a secret: a LOGIN password, a SASL initial response, or a SASL response line of a
         * mechanism that sends the password (PLAIN, LOGIN) or a bearer token (XOAUTH2, OAUTHBEARER) as is.
         */
        public boolean credentials() {
            return command.credentials() || (saslResponse != null
                    && Set.of("PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER").contains(mechanism()));
        }

        /** Where the secret went: the command line itself (LOGIN, SASL-IR) or a SASL response line. */
        public At credentialsAt() {
            return saslResponse != null && (!command.credentials() || "LOGIN".equals(mechanism())) ? saslResponse.at() : command.at();
        }

        /** The SASL mechanism of an AUTHENTICATE, upper case, or "" for other commands. */
        public String mechanism() {
            String[] words = command.display().trim().split(" +");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equalsIgnoreCase("AUTHENTICATE")) {
                    return words[i + 1].toUpperCase(Locale.ROOT);
                }
            }
            return "";
        }

        public boolean ok() {
            return answer != null && "OK".equals(answer.status());
        }

        public boolean refused() {
            return answer != null && ("NO".equals(answer.status()) || "BAD".equals(answer.status()));
        }
    }

    /**
     * A command of a protocol that answers in order (POP3, SMTP) and the server's final answer to it.
     *
     * @param credentialsAt where a secret crossed: the command itself (PASS, an AUTH initial response) or the SASL
     *                      line that carried the password; null when none did
     */
    public record Turn(MailEvent.Command command, MailEvent.Reply answer, boolean beforeTls, At credentialsAt) {
        public boolean ok() {
            return answer != null && !answer.refusal();
        }

        public boolean refused() {
            return answer != null && answer.refusal();
        }

        public String name() {
            return command.name();
        }

        /** The SASL mechanism of an AUTH, upper case, or "". */
        public String mechanism() {
            String[] words = command.display().trim().split(" +");
            return words.length > 1 && "AUTH".equals(command.name()) ? words[1].toUpperCase(Locale.ROOT) : "";
        }
    }

    public final Session session;
    /** The session's kept events, built once: {@link Session#events()} copies and sorts on every call. */
    public final List<Event> events;
    public SessionEvent.Detected clientDetected;
    public SessionEvent.Detected serverDetected;
    public final List<SessionEvent.Mismatch> mismatches = new ArrayList<>();
    public final List<SessionEvent.Tcp> tcp = new ArrayList<>();
    public final List<SessionEvent.Gap> gaps = new ArrayList<>();
    /** The first segment the snaplen cut short, or null. */
    public SessionEvent.Truncated firstTruncated;
    public ImapEvent.Response greeting;
    public At firstServerImap;
    public final Set<String> capabilitiesBeforeTls = new LinkedHashSet<>();
    public boolean capabilitiesSeenBeforeTls;
    public final List<Exchange> exchanges = new ArrayList<>();
    /** POP3's and SMTP's commands with their answers, in order. */
    public final List<Turn> turns = new ArrayList<>();
    /** The greeting of POP3 or SMTP (IMAP's is {@link #greeting}), or null. */
    public MailEvent.Reply mailGreeting;
    /** The last request to a proxy and the proxy's last answer, when the connection began with a proxy handshake. */
    public ProxyEvent.Request proxyRequest;
    public ProxyEvent.Reply proxyReply;
    public final List<ImapEvent.Response> untaggedBadOrNo = new ArrayList<>();
    public final List<ImapEvent.Response> byes = new ArrayList<>();
    public final List<ImapEvent.Problem> imapProblems = new ArrayList<>();
    /** The client's first STARTTLS (IMAP, SMTP) or STLS (POP3), the server's acceptance or refusal: neutral facts. */
    public MailEvent.Command startTlsCommand;
    public MailEvent.UpgradeAccepted startTlsAccepted;
    public MailEvent.UpgradeRefused startTlsRefused;
    /** The mail protocol the session spoke (imap, pop3, smtp), from the server's words, else the client's, else the port's; or null. */
    public String protocol;
    public SessionEvent.TlsHandoff clientHandoff;
    public SessionEvent.TlsHandoff serverHandoff;
    public SessionEvent.PlaintextAfterStartTls clientPlaintextAfterStartTls;
    public SessionEvent.ServerDataAfterStartTls serverDataAfterStartTls;
    /**
     * After STARTTLS the server went back to plaintext (Courier, Cyrus), or null.
     *
     * @param tlsBefore what its TLS layer sent first (e.g. "a TLS warning close_notify alert"), or null when it sent
     *                  no TLS at all
     */
    public record Fallback(At at, String tlsBefore) {
        /** "its TLS layer sent a TLS warning close_notify alert and gave up", or "it never sent a TLS record". */
        public String how() {
            return tlsBefore != null ? "its TLS layer sent " + tlsBefore + " and gave up" : "it never sent a TLS record";
        }
    }

    public Fallback serverFallback;
    /** The client went back to plaintext after its TLS handshake failed, or null. */
    public SessionEvent.PlaintextFallback clientFallback;
    public final List<SessionEvent.InternalError> internalErrors = new ArrayList<>();
    public final List<TlsEvent.ClientHelloSeen> clientHellos = new ArrayList<>();
    public final List<TlsEvent.ServerHelloSeen> serverHellos = new ArrayList<>();
    public TlsEvent.CertificatesSeen serverCertificates;
    /** TLS handshake messages the capture cut (hellos, Certificates: their {@code cut}), in order. */
    public final List<TlsEvent> cutTls = new ArrayList<>();
    /** Where a hole lost a direction's TLS record framing (the first time), null when it never did. */
    public TlsEvent.Problem clientFramingLost;
    public TlsEvent.Problem serverFramingLost;
    /** Segments after such a hole where records were found again, in order. */
    public final List<TlsEvent.FramingRegained> framingRegained = new ArrayList<>();
    public final List<TlsEvent.Alert> alerts = new ArrayList<>();
    public final List<TlsEvent.Problem> tlsProblems = new ArrayList<>();
    public TlsEvent.EncryptedStarted clientEncrypted;
    public TlsEvent.EncryptedStarted serverEncrypted;
    /** The client's first record that can only be application data (the protocol inside TLS), or null. */
    public TlsEvent.ApplicationDataStarted clientApplicationData;
    public boolean tlsStarted;
    public boolean logoutSent;
    public ImapEvent.Response preauth;

    private final Map<String, Integer> pending = new HashMap<>();

    public SessionFacts(Session session) {
        this.session = session;
        this.events = session.events();
        for (Event e : events) {
            take(e);
        }
        protocol = mailProtocol(serverDetected);
        if (protocol == null) {
            protocol = mailProtocol(clientDetected);
        }
        if (protocol == null) {
            protocol = session.role().protocol();
        }
    }

    private static String mailProtocol(SessionEvent.Detected d) {
        return d != null && io.mailscope.dissect.Protocols.isMail(d.protocol()) ? d.protocol() : null;
    }

    /**
     * A switch on the event's family, then tests of its record class: never {@code instanceof} a protocol's
     * interface, which C1 answers by a call into the VM for every event ({@link Event#family()} says why).
     */
    private void take(Event e) {
        switch (e.family()) {
            case SESSION -> takeSession(e);
            case IMAP -> takeImap(e);
            case TLS -> takeTls(e);
            case POP3, SMTP -> takeMail(e);
            case PROXY -> takeProxy(e);
        }
    }

    private void takeProxy(Event e) {
        if (e instanceof ProxyEvent.Request r) {
            proxyRequest = r;
        } else if (e instanceof ProxyEvent.Reply r) {
            proxyReply = r;
        }
    }

    private void takeSession(Event e) {
        if (e instanceof SessionEvent.Detected d) {
            if (d.at().fromClient()) {
                if (clientDetected == null) {
                    clientDetected = d;
                }
            } else if (serverDetected == null) {
                serverDetected = d;
            }
        } else if (e instanceof SessionEvent.Mismatch m) {
            mismatches.add(m);
        } else if (e instanceof SessionEvent.Tcp t) {
            tcp.add(t);
        } else if (e instanceof SessionEvent.Gap g) {
            gaps.add(g);
        } else if (e instanceof SessionEvent.Truncated t) {
            firstTruncated = firstTruncated == null ? t : firstTruncated;
        } else if (e instanceof SessionEvent.TlsHandoff h) {
            // Only the client starting TLS protects what it sends: a server's TLS records alone (an alert before it
            // falls back to plaintext) leave the client's lines in the clear.
            tlsStarted |= h.at().fromClient();
            if (h.at().fromClient()) {
                clientHandoff = h;
            } else {
                serverHandoff = h;
            }
        } else if (e instanceof SessionEvent.PlaintextAfterStartTls p) {
            if (p.at().fromClient() && clientPlaintextAfterStartTls == null) {
                clientPlaintextAfterStartTls = p;
            } else if (!p.at().fromClient() && serverFallback == null && serverDataAfterStartTls == null) {
                // the server answered in plaintext where its TLS was due (Cyrus, after the client's plaintext)
                serverFallback = new Fallback(p.at(), null);
            }
        } else if (e instanceof SessionEvent.ServerDataAfterStartTls s) {
            serverDataAfterStartTls = s;
        } else if (e instanceof SessionEvent.PlaintextFallback p) {
            if (p.at().fromClient()) {
                clientFallback = clientFallback == null ? p : clientFallback;
                tlsStarted = false; // what the client sends from here crosses in the clear
            } else if (serverFallback == null) {
                serverFallback = new Fallback(p.at(), p.before());
            }
        } else if (e instanceof SessionEvent.InternalError i) {
            internalErrors.add(i);
        }

    }

    /**
     * POP3's and SMTP's events, read through the roles every mail protocol shares ({@link MailEvent}): commands and
     * their answers in order, the upgrade to TLS and the capabilities offered before it. IMAP's own records play the
     * same roles in {@link #takeImap}.
     */
    private void takeMail(Event e) {
        if (e instanceof MailEvent.Command c) {
            startTlsCommand(c);
            turns.add(new Turn(c, null, !tlsStarted && !c.at().insideTls(), c.credentials() ? c.at() : null));
        } else if (e instanceof MailEvent.SaslLine s) {
            takeSaslLine(s);
        } else if (e instanceof MailEvent.Reply r) {
            if (r.greeting() && mailGreeting == null) {
                mailGreeting = r;
            }
            if (r.answers() != null && r.answer()) {
                for (int i = turns.size() - 1; i >= 0; i--) {
                    Turn t = turns.get(i);
                    if (t.command() == r.answers()) {
                        turns.set(i, new Turn(t.command(), r, t.beforeTls(), t.credentialsAt()));
                        break;
                    }
                }
            }
        } else if (e instanceof MailEvent.UpgradeAccepted a) {
            startTlsAccepted = a;
        } else if (e instanceof MailEvent.UpgradeRefused r) {
            startTlsRefused = r;
        } else if (e instanceof MailEvent.Capabilities c) {
            capabilities(c);
        }
    }

    private void startTlsCommand(MailEvent.Command c) {
        if (("STARTTLS".equals(c.name()) || "STLS".equals(c.name())) && startTlsCommand == null) {
            startTlsCommand = c;
        }
    }

    private void capabilities(MailEvent.Capabilities c) {
        // Union: dovecot drops STARTTLS from the capabilities it lists after login, yet it offered it.
        if (!tlsStarted) {
            capabilitiesSeenBeforeTls = true;
            capabilitiesBeforeTls.addAll(c.capabilities());
        }
    }

    private void takeImap(Event e) {
        if (e instanceof ImapEvent.Command c) {
            startTlsCommand(c);
            if ("LOGOUT".equals(c.name())) {
                logoutSent = true;
            }
            exchanges.add(new Exchange(c, null, !tlsStarted && !c.at().insideTls()));
            if (c.tag() != null) {
                pending.put(c.tag(), exchanges.size() - 1);
            }
        } else if (e instanceof ImapEvent.AuthenticateData a) {
            takeSaslResponse(a);
        } else if (e instanceof ImapEvent.Response r) {
            takeResponse(r);
        } else if (e instanceof ImapEvent.Problem p) {
            imapProblems.add(p);
        } else if (e instanceof ImapEvent.StartTlsAccepted a) {
            startTlsAccepted = a;
        } else if (e instanceof ImapEvent.StartTlsRefused r) {
            startTlsRefused = r;
        } else if (e instanceof ImapEvent.Capabilities c) {
            capabilities(c);
        }
    }

    /** A SASL line of POP3 or SMTP carries the password for PLAIN, LOGIN (its last line) and the bearer tokens. */
    private void takeSaslLine(MailEvent.SaslLine s) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            Turn t = turns.get(i);
            if ("AUTH".equals(t.name()) && t.answer() == null) {
                if (!s.cancelled() && Set.of("PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER").contains(t.mechanism())) {
                    turns.set(i, new Turn(t.command(), null, t.beforeTls(), s.at()));
                }
                return;
            }
        }
    }

    /** A SASL line belongs to the last AUTHENTICATE still waiting for its tagged answer. */
    private void takeSaslResponse(ImapEvent.AuthenticateData a) {
        for (int i = exchanges.size() - 1; i >= 0; i--) {
            Exchange x = exchanges.get(i);
            if ("AUTHENTICATE".equals(x.command().name()) && x.answer() == null) {
                if (a.cancelled()) {
                    exchanges.set(i, new Exchange(x.command(), null, x.beforeTls(), x.saslResponse(), true));
                } else if (x.saslResponse() == null || "LOGIN".equals(x.mechanism())) {
                    exchanges.set(i, new Exchange(x.command(), null, x.beforeTls(), a, x.cancelled()));
                }
                return;
            }
        }
    }

    private void takeResponse(ImapEvent.Response r) {
        if (firstServerImap == null) {
            firstServerImap = r.at();
        }
        if (r.greeting() && greeting == null) {
            greeting = r;
            if ("PREAUTH".equals(r.status())) {
                preauth = r;
            }
        }
        if ("BYE".equals(r.status()) && !r.greeting()) {
            byes.add(r);
        }
        if (r.kind() == ImapEvent.Response.Kind.UNTAGGED && ("BAD".equals(r.status()) || "NO".equals(r.status()))) {
            untaggedBadOrNo.add(r);
        }
        if (r.kind() == ImapEvent.Response.Kind.TAGGED && r.tag() != null) {
            Integer i = pending.remove(r.tag());
            if (i != null) {
                Exchange x = exchanges.get(i);
                exchanges.set(i, new Exchange(x.command(), r, x.beforeTls(), x.saslResponse(), x.cancelled()));
            }
        }
    }

    private void takeTls(Event e) {
        if (e instanceof TlsEvent.ClientHelloSeen c) {
            clientHellos.add(c);
            tlsStarted |= c.at().fromClient();
            if (c.hello().partial()) {
                cutTls.add(c);
            }
        } else if (e instanceof TlsEvent.ServerHelloSeen s) {
            serverHellos.add(s);
            if (s.hello().partial()) {
                cutTls.add(s);
            }
        } else if (e instanceof TlsEvent.CertificatesSeen c) {
            if (!c.at().fromClient() && serverCertificates == null) {
                serverCertificates = c;
            }
            if (c.partial()) {
                cutTls.add(c);
            }
        } else if (e instanceof TlsEvent.FramingRegained r) {
            framingRegained.add(r);
        } else if (e instanceof TlsEvent.Alert a) {
            alerts.add(a);
        } else if (e instanceof TlsEvent.Problem p) {
            tlsProblems.add(p);
            if (TlsEvent.Problem.framingLost(p)) {
                if (p.at().fromClient()) {
                    clientFramingLost = clientFramingLost == null ? p : clientFramingLost;
                } else {
                    serverFramingLost = serverFramingLost == null ? p : serverFramingLost;
                }
            }
        } else if (e instanceof TlsEvent.ApplicationDataStarted d) {
            if (d.at().fromClient() && clientApplicationData == null) {
                clientApplicationData = d;
            }
        } else if (e instanceof TlsEvent.EncryptedStarted s) {
            if (s.at().fromClient()) {
                clientEncrypted = clientEncrypted == null ? s : clientEncrypted;
            } else {
                serverEncrypted = serverEncrypted == null ? s : serverEncrypted;
            }
        }

    }

    /** Exchanges whose command is one of the given names (upper case). */
    public List<Exchange> exchanges(String... names) {
        List<Exchange> out = new ArrayList<>();
        for (Exchange x : exchanges) {
            for (String n : names) {
                if (n.equals(x.command().name())) {
                    out.add(x);
                }
            }
        }
        return out;
    }

    public boolean advertised(String capability) {
        return capabilitiesBeforeTls.contains(capability.toUpperCase(Locale.ROOT));
    }

    /** The server offered the upgrade to TLS before it: STARTTLS (IMAP, SMTP) or STLS (POP3). */
    public boolean upgradeAdvertised() {
        return advertised("STARTTLS") || advertised("STLS");
    }

    /** The first TCP milestone {@code what} (SYN, FIN, RST...) from this side. Asked a dozen times a session: no iterator. */
    public SessionEvent.Tcp firstTcp(String what, boolean fromClient) {
        for (int i = 0; i < tcp.size(); i++) {
            SessionEvent.Tcp t = tcp.get(i);
            if (t.what().equals(what) && t.at().fromClient() == fromClient) {
                return t;
            }
        }
        return null;
    }

    public SessionEvent.Tcp firstTcp(String what) {
        for (int i = 0; i < tcp.size(); i++) {
            SessionEvent.Tcp t = tcp.get(i);
            if (t.what().equals(what)) {
                return t;
            }
        }
        return null;
    }

    /** The session did what it set out to do: a login or LOGOUT accepted, PREAUTH, or a completed TLS handshake. */
    public boolean succeeded() {
        if (fatalAlert() != null) {
            return false;
        }
        for (Exchange x : exchanges("LOGIN", "AUTHENTICATE", "LOGOUT")) {
            if (x.ok()) {
                return true;
            }
        }
        for (Turn t : turns) {
            // POP3 and SMTP logins, QUIT accepted, an SMTP message accepted (its "." answered 250)
            if (t.ok() && Set.of("PASS", "APOP", "AUTH", "QUIT", ".").contains(t.name())) {
                return true;
            }
        }
        return preauth != null || tlsHandshakeCompleted();
    }

    /** The TLS handshake finished: both sides went encrypted, or application data flowed. */
    public boolean tlsHandshakeCompleted() {
        return !serverHellos.isEmpty() && clientEncrypted != null && serverEncrypted != null && fatalAlert() == null;
    }

    /**
     * The alert that ended the handshake: fatal, or a warning other than close_notify/user_canceled. An alert
     * sent after the peer had already closed is only the aftermath of that close (dovecot's clients, a JDK
     * server whose silent client hung up), not the cause: see {@link #aftermathAlert}.
     */
    public TlsEvent.Alert fatalAlert() {
        for (TlsEvent.Alert a : alerts) {
            if (ending(a) && !afterPeerClosed(a)) {
                return a;
            }
        }
        return null;
    }

    /** An ending alert one side sent after the other side had closed. */
    public TlsEvent.Alert aftermathAlert() {
        for (TlsEvent.Alert a : alerts) {
            if (ending(a) && afterPeerClosed(a)) {
                return a;
            }
        }
        return null;
    }

    private static boolean ending(TlsEvent.Alert a) {
        return a.level() == 2 || (a.level() == 1 && a.description() != 0 && a.description() != 90 && !a.encrypted());
    }

    private boolean afterPeerClosed(TlsEvent.Alert a) {
        for (SessionEvent.Tcp t : tcp) {
            if (t.at().fromClient() != a.at().fromClient() && (t.what().equals("FIN") || t.what().equals("RST"))
                    && t.at().frame() < a.at().frame()) {
                return true;
            }
        }
        return false;
    }
}
