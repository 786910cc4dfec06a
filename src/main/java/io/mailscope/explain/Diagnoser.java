package io.mailscope.explain;

import io.mailscope.dissect.ProtocolSniffer;
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
        return new Diagnosis(firstSpeaker(f), expectedFirstSpeaker(f), transport(f), protocolPath(f),
                r.outcome(), r.findings());
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
        ServerHello sh = NegotiatedHello.of(f.serverHellos).hello();
        return TlsNames.version(sh.selectedVersion()).toLowerCase().replace(" ", "").replace("ssl3.0", "ssl3");
    }
}
