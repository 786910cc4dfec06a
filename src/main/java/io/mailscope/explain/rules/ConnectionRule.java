package io.mailscope.explain.rules;

import io.mailscope.dissect.SessionEvent;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Confidence;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.Explanation;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.ConnState;
import io.mailscope.tcp.Endpoint;
import io.mailscope.tcp.TcpConnection;

import java.util.List;

/** The TCP connection itself never came up: no answer to the SYN, or a RST in its place. */
final class ConnectionRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        var c = x.c;
        if (x.open) {
            // Live: a SYN left unanswered for the stall time is already worth saying.
            long quiet = x.now - x.s.lastActivityNanos();
            if (c.synAckFrame() == 0 && !c.midstream() && c.synFrame() > 0 && quiet >= x.stallNanos) {
                x.add(CommonCode.NO_ANSWER, Severity.ERROR, "The server has not answered the connection attempt.",
                        "The client's SYN to " + c.server() + " (frame " + c.synFrame() + ") has had no answer for " + Evidence.duration(quiet)
                                + ": a firewall drops it, the host is down, or the address is wrong.",
                        "Check the address, the port and any firewall on the way.", c.synFrame()).implies(Outcome.STALLED);
            }
            return;
        }
        if (c.state() == ConnState.S0 || c.state() == ConnState.SH) {
            NoAnswerWords words = NoAnswerWords.of(c);
            List<Alternative> tooSoon = words.tooSoonToTell();
            x.add(CommonCode.NO_ANSWER, Severity.ERROR, NO_ANSWER_SUMMARY, words.text(), NO_ANSWER_FIX,
                    c.synFrame()).implies(Outcome.STALLED).likelyIf(!tooSoon.isEmpty(), tooSoon.toArray(Alternative[]::new));
        } else if (c.state() == ConnState.REJ || c.state() == ConnState.RSTOS0) {
            SessionEvent.Tcp rst = x.f.firstTcp("RST", false);
            x.add(CommonCode.CONNECTION_REFUSED, Severity.ERROR, "The server refused the connection (RST).",
                    "The SYN to " + c.server() + " (frame " + c.synFrame() + ") was answered by a RST"
                            + (rst != null ? " (" + x.ev.at(rst.at()) + ")" : "")
                            + ": nothing listens on port " + c.server().port() + " at that address.",
                    "Check that the IMAP server runs and listens on port " + c.server().port()
                            + " (e.g. `ss -ltn` on the server), or use the right port: 143 for IMAP with STARTTLS, 993 for implicit TLS.",
                    c.synFrame(), rst != null ? rst.at().frame() : 0).implies(Outcome.REFUSED);
        }
    }

    static final String NO_ANSWER_SUMMARY = "The server never answered the connection attempt.";
    static final String NO_ANSWER_FIX = "Check the server address and port, and any firewall between client and server (a closed port would answer with RST at once).";

    /** The finding as {@link #apply} adds it (with a SYN frame, which a connection that sent SYNs has). */
    static Finding noAnswer(TcpConnection c) {
        NoAnswerWords words = NoAnswerWords.of(c);
        List<Alternative> tooSoon = words.tooSoonToTell();
        return new Finding(CommonCode.NO_ANSWER, Severity.ERROR, NO_ANSWER_SUMMARY, words, NO_ANSWER_FIX,
                List.of(c.synFrame()), tooSoon.isEmpty() ? Confidence.CERTAIN : Confidence.LIKELY, tooSoon, Outcome.STALLED);
    }

    /**
     * How long a client waits for an answer to its first SYN before it sends it again (RFC 6298's initial
     * retransmission timeout, 1 s; Linux uses the same). A SYN watched for less than that, because the capture ended
     * or mailscope had to let the connection go, proves nothing yet: an answer may simply not have arrived.
     */
    static final long FIRST_SYN_RETRANSMISSION_NANOS = 1_000_000_000L;

    /**
     * The no-answer explanation, its values kept and the sentence spelled where it is shown ({@link Explanation}):
     * where the SYN went, its frame, how many attempts, and how long the wait was actually watched and why it
     * stopped (a diagnosis must not claim a wait it did not see). A connection reported for memory or as idle was
     * followed until then (not only until its last SYN), one still open at the end of the capture until the
     * capture's last frame; one that ended on the wire (the client's FIN or RST) until that packet.
     */
    record NoAnswerWords(Endpoint server, long synFrame, long attempts, long watchedNanos, TcpConnection.EndReason why)
            implements Explanation {

        static NoAnswerWords of(TcpConnection c) {
            long released = c.releasedNanos() > 0 ? c.releasedNanos() : c.endNanos();
            return new NoAnswerWords(c.server(), c.synFrame(), c.clientPackets(), released - c.startNanos(), c.endReason());
        }

        /**
         * The other explanation when the wait was watched for less than {@link #FIRST_SYN_RETRANSMISSION_NANOS}
         * and the client did not end it itself (with FIN or RST it gave up, so the wait it saw is the evidence):
         * the answer may not have been due yet. Empty when the wait watched is long enough to tell.
         */
        List<Alternative> tooSoonToTell() {
            if (why == null || why == TcpConnection.EndReason.FIN || why == TcpConnection.EndReason.RST
                    || watchedNanos >= FIRST_SYN_RETRANSMISSION_NANOS) {
                return List.of();
            }
            return List.of(new Alternative("answer-not-yet-due", "mailscope saw only " + Evidence.duration(watchedNanos)
                    + " after the SYN (" + (why == TcpConnection.EndReason.MEMORY_LIMIT ? "it stopped following the connection for memory"
                    : why == TcpConnection.EndReason.IDLE ? "it stopped following the connection as idle" : "the capture ended")
                    + "), less than the 1 s a client waits before it sends its SYN again: the answer may simply not have arrived yet."));
        }

        @Override
        public void spell(Spelling out) {
            out.words("The client sent a SYN to ");
            out.endpoint(server);
            out.words(" (frame ");
            out.number(synFrame);
            out.words(") and nothing came back");
            if (attempts > 1) {
                out.words(" to any of its ");
                out.number(attempts);
                out.words(" attempts");
            }
            if (why == null || why == TcpConnection.EndReason.FIN || why == TcpConnection.EndReason.RST) {
                out.words(" within ");
                out.duration(watchedNanos);
            } else {
                out.words(" in the ");
                out.duration(watchedNanos);
                out.words(switch (why) {
                    case MEMORY_LIMIT -> " before mailscope stopped following it (memory limit)";
                    case IDLE -> " before mailscope stopped following it (idle)";
                    default -> " until the capture ended";
                });
            }
            out.words(": a firewall drops the packets, the host is down, or the address is wrong.");
        }
    }
}
