package io.mailscope.explain.rules;

import io.mailscope.dissect.SessionEvent;
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
            x.add(CommonCode.NO_ANSWER, Severity.ERROR, NO_ANSWER_SUMMARY, noAnswerExplanation(c), NO_ANSWER_FIX,
                    c.synFrame()).implies(Outcome.STALLED);
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

    static String noAnswerExplanation(TcpConnection c) {
        return NoAnswerWords.of(c).text();
    }

    /** The finding as {@link #apply} adds it (with a SYN frame, which a connection that sent SYNs has). */
    static Finding noAnswer(TcpConnection c) {
        return new Finding(CommonCode.NO_ANSWER, Severity.ERROR, NO_ANSWER_SUMMARY, NoAnswerWords.of(c), NO_ANSWER_FIX,
                List.of(c.synFrame()), Confidence.CERTAIN, List.of(), Outcome.STALLED);
    }

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
