package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.ProtocolSniffer;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.Direction;

/**
 * Who spoke first, and who waited for whom: both sides silent on an implicit TLS port (the blank screen), a
 * server that never greets, a connection that carries nothing, a client that speaks before the greeting, and a
 * client that says nothing until the server's inactivity timeout ends the session. For a live session the same
 * waits are judged by the clock: "has sent nothing for N s".
 */
final class WaitRule implements Rule {
    /** A client silent this long before the server ended the session was idle, not busy. */
    static final long IDLE_NANOS = 30_000_000_000L;
    /** ...or this long, when the server's BYE says it was a timeout. */
    static final long SAID_IDLE_NANOS = 5_000_000_000L;

    @Override
    public void apply(RuleContext x) {
        if (x.open) {
            openWaits(x);
            return;
        }
        var c = x.c;
        var f = x.f;
        // Set up: the client acknowledged the SYN-ACK (or the capture began later). A SYN-ACK nobody acknowledged set
        // up nothing anyone could wait on (the server's side alone was captured, or its SYN-ACK never arrived).
        boolean established = (c.synAckFrame() > 0 && c.establishedNanos() > 0) || c.midstream();
        if (!established) {
            return;
        }
        At clientEnd = x.closeAt(Direction.CLIENT_TO_SERVER);
        // The server's only bytes may be its reaction to the client hanging up (a JDK TLS server's alert):
        // until then, nobody had spoken.
        boolean serverSpokeFirst = f.serverDetected != null
                && (clientEnd == null || f.serverDetected.at().frame() < clientEnd.frame());
        boolean nobodySpoke = c.clientBytes() == 0 && !serverSpokeFirst;
        At serverEnd = x.closeAt(Direction.SERVER_TO_CLIENT);
        // How long the silence was watched: until the first close, else until mailscope let the connection go.
        WatchedWait watched = WatchedWait.of(c, c.synAckNanos() > 0 ? c.synAckNanos() : c.startNanos(), clientEnd, serverEnd);
        long waited = watched.nanos();
        long setUpFrame = c.midstream() ? c.firstFrame() : c.synAckFrame();
        if (nobodySpoke && x.s.role().implicitTls()) {
            x.add(CommonCode.IMPLICIT_TLS_MUTUAL_WAIT, Severity.ERROR, "Both sides waited: the server for a TLS ClientHello, the client for a greeting.",
                    setUp(x, watched, clientEnd, serverEnd)
                            + (f.aftermathAlert() != null ? " (the server's TLS layer answered the hang-up with a " + f.aftermathAlert().descriptionName() + " alert)" : "")
                            + ". Port " + c.server().port()
                            + " is implicit TLS: the server stays silent until the client's TLS ClientHello, while a plaintext client such as telnet or nc waits for an "
                            + x.portWords().name() + " greeting. That is the blank screen.",
                    "Use a TLS client: `openssl s_client -connect " + c.server() + " -crlf` (or `gnutls-cli -p " + c.server().port()
                            + " HOST`), then type " + x.portWords().name() + " commands; or connect to port " + x.portWords().plainPort()
                            + " and send " + x.portWords().upgrade() + ".",
                    setUpFrame, clientEnd != null ? clientEnd.frame() : 0, serverEnd != null ? serverEnd.frame() : 0)
                    .implies(Outcome.STALLED)
                    .likelyIf(c.midstream() || watched.tooShort(), alternatives(c.midstream(),
                            new Alternative("capture-midstream", "The TLS handshake and the session's traffic happened before the capture began; this is only its quiet end."),
                            watched.alternatives("hello-not-yet-due", "the client's TLS ClientHello", PROBE)));
            return;
        }
        boolean serverSilent = c.serverBytes() == 0;
        if (serverSilent && x.s.role().startTls() && f.clientHellos.isEmpty() && f.mismatches.isEmpty()) {
            x.add(ImapCode.NO_GREETING, Severity.ERROR, "The server accepted the connection but never greeted.",
                    (c.midstream() ? setUp(x, watched, clientEnd, serverEnd) + ". " : "After the TCP handshake (frame " + c.synAckFrame() + ") the " + x.portWords().name() + " server on port " + c.server().port()
                            + " sent no greeting for " + Evidence.duration(waited) + ", " + ending(x, watched, clientEnd, serverEnd) + ". ")
                            + "A" + x.portWords().a().substring(1) + " server speaks first (" + x.portWords().greetingRfc() + "); a silent one is overloaded, hung, waiting on a slow DNS or authentication lookup, or this port is not "
                            + x.portWords().name() + (c.clientBytes() > 0 ? " (the client did send " + c.clientBytes() + " bytes)" : "") + ".",
                    "Check the server process and its logs; confirm the port really is " + x.portWords().name() + " (" + x.portWords().plainPort()
                            + "), and that it is not an implicit TLS port (" + x.portWords().tlsPort() + ") that waits for the client.",
                    setUpFrame, clientEnd != null ? clientEnd.frame() : 0, serverEnd != null ? serverEnd.frame() : 0)
                    .implies(Outcome.STALLED)
                    .likelyIf(c.midstream() || watched.tooShort(), alternatives(c.midstream(),
                            new Alternative("capture-midstream", "The server greeted before the capture began."),
                            watched.alternatives("greeting-not-yet-due", "the server's greeting", PROBE)));
            return;
        }
        if (nobodySpoke) {
            x.add(CommonCode.NO_DATA, Severity.WARNING, "The connection carried no data at all.",
                    setUp(x, watched, clientEnd, serverEnd) + ".",
                    "Check which protocol this port expects and who should speak first.", setUpFrame)
                    .implies(Outcome.STALLED)
                    .likelyIf(c.midstream() || watched.tooShort(), alternatives(c.midstream(),
                            new Alternative("capture-midstream", "Data crossed before the capture began."),
                            watched.alternatives("data-not-yet-due", "a first byte from either side", PROBE)));
        }
        if (f.serverDetected != null && ProtocolSniffer.IMAP.equals(f.serverDetected.protocol())
                && c.firstSpeaker() == Direction.CLIENT_TO_SERVER && !c.midstream() && f.proxyRequest == null) {
            x.add(ImapCode.CLIENT_SPOKE_FIRST, Severity.INFO, "The client spoke before the server's greeting.",
                    "The client's first bytes (frame " + c.firstPayloadFrame() + ") came before the server's greeting"
                            + (f.greeting != null ? " (" + x.ev.at(f.greeting.at()) + ")" : "")
                            + ". IMAP servers greet first; some clients (gnutls-cli --starttls-proto=imap) send CAPABILITY at once. Harmless when the server copes.",
                    "Nothing to fix unless the server rejects it; a client should wait for the greeting.",
                    c.firstPayloadFrame());
        }
        idleTimeout(x, clientEnd, serverEnd);
    }

    /**
     * The connection's set-up and the silence after it, how it ended included: the start of a wait finding's
     * explanation. Spelled only for a finding (most sessions have none of these, and spelling it for every one
     * cost a visible part of all rules on 200,000 short sessions).
     */
    private static String setUp(RuleContext x, WatchedWait watched, At clientEnd, At serverEnd) {
        var c = x.c;
        return c.midstream()
                ? "The capture begins in the middle of this connection (frame " + c.firstFrame() + "; its set-up and anything said before were not captured), and in the "
                + Evidence.duration(watched.nanos()) + " captured neither side sent a byte, " + ending(x, watched, clientEnd, serverEnd)
                : "The connection to " + c.server() + " was set up (SYN-ACK in frame " + c.synAckFrame() + ") and then neither side sent a byte for "
                + Evidence.duration(watched.nanos()) + ", " + ending(x, watched, clientEnd, serverEnd);
    }

    /** What ended the wait: a side's close (the server's likely its pre-login timeout), or mailscope letting go. */
    private static String ending(RuleContext x, WatchedWait watched, At clientEnd, At serverEnd) {
        return watched.endedBy() == WatchedWait.EndedBy.CLIENT
                ? "then the client closed the connection (" + x.ev.at(clientEnd) + ")"
                : watched.endedBy() == WatchedWait.EndedBy.SERVER
                ? "then the server closed the connection (" + x.ev.at(serverEnd) + ")"
                        + (watched.tooShort() ? "" : ", likely its pre-login timeout")
                : "until " + WatchedWait.letGoWords(watched.endedBy());
    }

    /** What a client that closes a silent connection at once was doing instead of waiting for anyone. */
    static final String PROBE = "a port check (`nc -z`, a monitor's or load balancer's health check) that only opens the connection,"
            + " or a client that failed before it could say anything.";

    /** The midstream alternative (when the capture began late), then those of a wait too short to judge. */
    static Alternative[] alternatives(boolean midstream, Alternative capturedLate, java.util.List<Alternative> tooShort) {
        java.util.List<Alternative> all = new java.util.ArrayList<>();
        if (midstream) {
            all.add(capturedLate);
        }
        all.addAll(tooShort);
        return all.toArray(Alternative[]::new);
    }

    /**
     * The server ended the session (BYE, or a close) after the client had said nothing for a long time: a telnet
     * left open, a client waiting for something else. Dovecot: "* BYE Disconnected for inactivity." after 180 s.
     */
    private void idleTimeout(RuleContext x, At clientEnd, At serverEnd) {
        var f = x.f;
        if (f.greeting == null || !"OK".equals(f.greeting.status()) || f.tlsStarted || x.c.midstream()) {
            return;
        }
        ImapEvent.Response bye = null;
        for (ImapEvent.Response b : f.byes) {
            if (!x.logoutBefore(b.at())) {
                bye = b;
                break;
            }
        }
        At end = bye != null ? bye.at() : serverEnd;
        if (end == null || (clientEnd != null && clientEnd.frame() < end.frame()) || x.logoutBefore(end)) {
            return;
        }
        At lastWord = f.greeting.at();
        boolean clientSpoke = false;
        for (Event e : f.events) {
            if (e.at().frame() >= end.frame()) {
                break;
            }
            if (e.at().fromClient() && (e instanceof ImapEvent.Command || e instanceof ImapEvent.AuthenticateData || e instanceof ImapEvent.Done)) {
                lastWord = e.at();
                clientSpoke = true;
            } else if (!e.at().fromClient() && e instanceof ImapEvent.Response r && !clientSpoke && r.greeting()) {
                lastWord = e.at();
            }
        }
        long silent = end.timeNanos() - lastWord.timeNanos();
        // A BYE that says "timeout" is the server's own word for it, whatever its timeout is (imap4d's can be seconds).
        boolean saysTimeout = bye != null && EndingRule.byeReason(bye.text()).startsWith("an inactivity timeout");
        if (silent < IDLE_NANOS && !(saysTimeout && silent >= SAID_IDLE_NANOS)) {
            return;
        }
        x.add(CommonCode.IDLE_TIMEOUT, Severity.ERROR,
                clientSpoke ? "The client went silent, and the server closed the session for inactivity."
                        : "The client never said anything, and the server closed the session for inactivity.",
                (clientSpoke ? "The client's last words were at " + x.ev.at(lastWord) + "; "
                        : "After the server's greeting " + Evidence.quote(f.greeting.display()) + " (" + x.ev.at(f.greeting.at()) + ") the client sent nothing; ")
                        + Evidence.duration(silent) + " later the server ended the session"
                        + (bye != null ? " with " + Evidence.quote(bye.display()) + " (" + x.ev.at(bye.at()) + ")" : " (" + x.ev.at(end) + ")")
                        + ". A client that waits for something else (a telnet left open, a client expecting TLS first or a different protocol) "
                        + "or an idle client that does not keep the session alive ends so.",
                clientSpoke ? "Let the client send NOOP (or use IDLE) within the server's timeout, or reconnect when needed."
                        : "Check what the client waits for: a person should type a command (e.g. `a1 CAPABILITY`); a program may expect implicit TLS (port 993) or another protocol.",
                f.greeting.at().frame(), lastWord.frame(), end.frame())
                .implies(Outcome.STALLED);
    }

    /** Live: waits the clock reveals, said the moment they pass the stall time. */
    private void openWaits(RuleContext x) {
        var c = x.c;
        long quiet = x.now - x.s.lastActivityNanos();
        boolean established = (c.synAckFrame() > 0 && c.establishedNanos() > 0) || c.midstream(); // as in apply
        if (quiet < x.stallNanos || !established) {
            return;
        }
        String waited = Evidence.duration(quiet);
        boolean nobodySpoke = c.clientBytes() == 0 && c.serverBytes() == 0;
        String since = c.midstream() ? "was already open when the capture began (frame " + c.firstFrame() + ")"
                : "was set up (SYN-ACK in frame " + c.synAckFrame() + ")";
        if (nobodySpoke && x.s.role().implicitTls()) {
            x.add(CommonCode.IMPLICIT_TLS_MUTUAL_WAIT, Severity.ERROR,
                    "Both sides are waiting: the server for a TLS ClientHello, the client for a greeting.",
                    "The connection to " + c.server() + " " + since + " and neither side has sent a byte for "
                            + waited + ". Port " + c.server().port() + " is implicit TLS: the server stays silent until the client's TLS ClientHello,"
                            + " while a plaintext client such as telnet or nc waits for " + x.portWords().a() + " greeting. That is the blank screen.",
                    "Use a TLS client: `openssl s_client -connect " + c.server() + " -crlf`, or connect to port " + x.portWords().plainPort()
                            + " and send " + x.portWords().upgrade() + ".",
                    c.midstream() ? c.firstFrame() : c.synAckFrame())
                    .implies(Outcome.STALLED)
                    .likelyIf(c.midstream(), new Alternative("capture-midstream", "The session's traffic happened before the capture began."));
        } else if (c.serverBytes() == 0 && x.s.role().startTls() && !c.midstream()) {
            x.add(ImapCode.NO_GREETING, Severity.ERROR, "The server has accepted the connection but not greeted.",
                    "The " + x.portWords().name() + " server on " + c.server() + " accepted the connection (frame " + c.synAckFrame() + ") and has sent nothing for "
                            + waited + "; " + x.portWords().a() + " server speaks first.",
                    "Check the server process and its logs, and that this port really is plaintext " + x.portWords().name() + ".", c.synAckFrame())
                    .implies(Outcome.STALLED);
        }
    }
}
