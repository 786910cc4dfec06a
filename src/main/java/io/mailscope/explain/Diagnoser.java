package io.mailscope.explain;

import io.mailscope.dissect.ProtocolSniffer;
import io.mailscope.dissect.Protocols;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.tls.NegotiatedHello;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsNames;
import io.mailscope.explain.rules.Rules;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TcpConnection;

import java.util.List;

/**
 * Turns a session's events into a diagnosis: the facts are gathered once ({@link SessionFacts}), the topic rules
 * ({@link Rules}) add findings with the outcome each implies, and {@link OutcomeResolver} decides the outcome and
 * the primary finding. Who spoke first, the transport and the protocol path are read off the facts here. The
 * catalog of codes is documented in docs/findings.md; how rules work, in docs/architecture.md.
 */
public final class Diagnoser {
    private final OutcomeResolver resolver = new OutcomeResolver();

    /** Diagnoses a session whose connection is over (or whose capture ended). */
    public Diagnosis diagnose(Session session) {
        return diagnose(session, false, session.connection().endNanos(), Long.MAX_VALUE);
    }

    /**
     * Diagnoses a session whose connection only ever sent SYNs and was never answered (the tracker knows it from a
     * compact SYN-only record, {@link TcpConnection#synOnly()}): what {@link #diagnose} gives such a session (the
     * no-answer finding alone, outcome stalled, the speakers and transport its port's role expects), without
     * gathering facts or running every rule. A scan reports hundreds of thousands of these;
     * CompactSynOnlyTest holds the two alike.
     */
    public Diagnosis diagnoseUnanswered(Session session) {
        io.mailscope.dissect.PortRole role = session.role();
        Transport transport = role.implicitTls() ? Transport.IMPLICIT_TLS
                : role.startTls() ? Transport.PLAIN : Transport.UNKNOWN;
        return new Diagnosis("none", role.expectedFirstSpeaker(), transport, "none", "none", Outcome.STALLED,
                List.of(Rules.unansweredSyn(session.connection())));
    }

    /**
     * Diagnoses a session that is still open (live capture) as of {@code nowNanos} (capture time): findings that
     * what has been seen already proves, and waits longer than {@code stallNanos} by that clock. How the
     * connection ends is judged when it does; the outcome of an open session means nothing yet.
     */
    public Diagnosis diagnoseOpen(Session session, long nowNanos, long stallNanos) {
        return diagnose(session, true, nowNanos, stallNanos);
    }

    private Diagnosis diagnose(Session session, boolean open, long now, long stallNanos) {
        SessionFacts f = new SessionFacts(session);
        List<Finding> found = Rules.apply(f, open, now, stallNanos);
        OutcomeResolver.Resolution r = resolver.resolve(found, f, f.succeeded());
        return new Diagnosis(firstSpeaker(f), expectedFirstSpeaker(f), transport(f), protocolPath(f), protocol(f),
                r.outcome(), r.findings());
    }

    /**
     * The session's protocol: none when no payload crossed; the mail protocol either side was found to speak;
     * on a mail port, its protocol when the bytes were TLS (the protocol inside cannot be read) or hand-typed
     * text; tls for TLS elsewhere; other for anything else.
     */
    static String protocol(SessionFacts f) {
        TcpConnection c = f.session.connection();
        if (c.clientBytes() == 0 && c.serverBytes() == 0) {
            return "none";
        }
        for (var d : new SessionEvent.Detected[] {f.serverDetected, f.clientDetected}) {
            if (d != null && Protocols.isMail(d.protocol())) {
                return d.protocol();
            }
        }
        boolean tls = detected(f, ProtocolSniffer.TLS);
        String role = f.session.role().protocol();
        if (role != null && (tls || detected(f, ProtocolSniffer.TEXT))) {
            return role;
        }
        return tls ? "tls" : "other";
    }

    private static boolean detected(SessionFacts f, String protocol) {
        return (f.serverDetected != null && protocol.equals(f.serverDetected.protocol()))
                || (f.clientDetected != null && protocol.equals(f.clientDetected.protocol()));
    }

    /**
     * Who sent the first byte; "none" when that byte only answered the other side's close (a TLS alert or
     * close_notify that Cyrus and Courier send after a silent client's FIN): until then nobody had spoken.
     */
    static String firstSpeaker(SessionFacts f) {
        TcpConnection c = f.session.connection();
        Direction d = c.firstSpeaker();
        if (d == null) {
            return "none";
        }
        var peerFin = f.firstTcp("FIN", !d.fromClient());
        var peerRst = f.firstTcp("RST", !d.fromClient());
        long peerClose = Math.min(peerFin == null ? Long.MAX_VALUE : peerFin.at().frame(), peerRst == null ? Long.MAX_VALUE : peerRst.at().frame());
        return c.firstPayloadFrame() > peerClose ? "none" : d.sender();
    }

    /** Who spoke first by the transport alone (a session whose diagnosis failed). */
    public static String firstSpeaker(TcpConnection c) {
        Direction d = c.firstSpeaker();
        return d == null ? "none" : d.sender();
    }

    private static String expectedFirstSpeaker(SessionFacts f) {
        // A mail server greets first even when the client wrongly starts TLS on its port: the server's protocol
        // decides, else a TLS client speaks first (implicit TLS), else the port's role. A proxy's client always
        // speaks first (its request).
        if (f.proxyRequest != null) {
            return "client";
        }
        if (f.serverDetected != null && Protocols.isMail(f.serverDetected.protocol())) {
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
        if ((f.clientDetected != null && Protocols.isMail(f.clientDetected.protocol()))
                || (f.serverDetected != null && Protocols.isMail(f.serverDetected.protocol()))) {
            return Transport.PLAIN;
        }
        return f.session.role().implicitTls() ? Transport.IMPLICIT_TLS
                : f.session.role().startTls() ? Transport.PLAIN : Transport.UNKNOWN;
    }

    static String protocolPath(SessionFacts f) {
        StringBuilder p = new StringBuilder();
        String first = f.clientDetected != null ? f.clientDetected.protocol()
                : f.serverDetected != null ? f.serverDetected.protocol() : null;
        if (f.serverDetected != null && Protocols.isMail(f.serverDetected.protocol())) {
            first = f.serverDetected.protocol();
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
            // in the protocol's own words: imap -> starttls, pop3 -> stls, smtp -> starttls
            p.append(ProtocolSniffer.POP3.equals(first) ? " -> stls" : " -> starttls");
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
        ServerHello sh = NegotiatedHello.of(f.serverHellos).hello();
        if (sh.selectedVersion() < 0) {
            return "tls"; // a ServerHello cut before it said
        }
        return TlsNames.version(sh.selectedVersion()).toLowerCase().replace(" ", "").replace("ssl3.0", "ssl3");
    }
}
