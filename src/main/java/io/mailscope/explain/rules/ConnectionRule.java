package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
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

/**
 * The TCP connection itself never came up: no answer to the SYN, or a RST from the server in its place. Only the
 * server's RST answering the SYN (Zeek's REJ without a SYN-ACK) is a refusal; a client that sends its own RST or FIN
 * after an unanswered SYN (RSTOS0, SH) gave up waiting, and how long it waited decides how sure "no answer" is.
 */
final class ConnectionRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        var c = x.c;
        if (x.open) {
            // Live: a SYN left unanswered for the stall time is already worth saying.
            long quiet = x.now - x.s.lastActivityNanos();
            if (c.synAckFrame() == 0 && !c.midstream() && c.synFrame() > 0 && c.serverPackets() == 0 && quiet >= x.stallNanos) {
                x.add(CommonCode.NO_ANSWER, Severity.ERROR, "The server has not answered the connection attempt.",
                        "The client's SYN to " + c.server() + " (frame " + c.synFrame() + ") has had no answer for " + Evidence.duration(quiet)
                                + ": a firewall drops it, the host is down, or the address is wrong.",
                        "Check the address, the port and any firewall on the way.", c.synFrame()).implies(Outcome.STALLED);
            }
            return;
        }
        if (refusedAtSyn(c)) {
            SessionEvent.Tcp rst = x.f.firstTcp("RST", false);
            x.add(CommonCode.CONNECTION_REFUSED, Severity.ERROR, "The server refused the connection (RST).",
                    "The SYN to " + c.server() + " (frame " + c.synFrame() + ") was answered by a RST"
                            + (rst != null ? " (" + x.ev.at(rst.at()) + ")" : "")
                            + ": nothing listens on port " + c.server().port()
                            + " at that address, or a firewall on the way rejects connections to it.",
                    "Check that the IMAP server runs and listens on port " + c.server().port()
                            + " (e.g. `ss -ltn` on the server) and that no firewall rejects it, or use the right port: 143 for IMAP with STARTTLS, 993 for implicit TLS.",
                    c.synFrame(), rst != null ? rst.at().frame() : 0).implies(Outcome.REFUSED);
            return;
        }
        if (serverSideOnly(c)) {
            serverSideCapture(x);
            return;
        }
        if (synAckUnacknowledged(c)) {
            synAckNeverAcknowledged(x);
            return;
        }
        if (!unansweredSyn(c)) {
            return;
        }
        SessionEvent.Tcp fin = x.f.firstTcp("FIN", true);
        SessionEvent.Tcp rst = x.f.firstTcp("RST", true);
        if (c.serverPackets() > 0) {
            serverAnsweredWithoutSynAck(x, rst);
        } else if (clientActedAnswered(c)) {
            oneSidedCapture(x);
        } else {
            NoAnswerWords words = NoAnswerWords.of(c, fin != null ? fin.at() : null, rst != null ? rst.at() : null);
            List<Alternative> unsure = words.tooSoonToTell();
            x.add(CommonCode.NO_ANSWER, Severity.ERROR, words.clientGaveUp() ? GAVE_UP_SUMMARY : NO_ANSWER_SUMMARY, words.text(), NO_ANSWER_FIX,
                    c.synFrame(), words.giveUpFrame()).implies(Outcome.STALLED)
                    .likelyIf(!unsure.isEmpty(), unsure.toArray(Alternative[]::new));
        }
    }

    /** The server's RST answered the SYN: REJ with no SYN-ACK before it (REJ also covers a handshake both sides reset). */
    static boolean refusedAtSyn(TcpConnection c) {
        return c.state() == ConnState.REJ && c.synAckFrame() == 0 && c.synFrame() > 0;
    }

    /**
     * The client's SYN got no SYN-ACK and no RST, whether the client then waited (S0), closed (SH) or reset its own
     * attempt (RSTOS0). Never a refusal: the server did not refuse anything the capture shows.
     */
    static boolean unansweredSyn(TcpConnection c) {
        return (c.state() == ConnState.S0 || c.state() == ConnState.SH || c.state() == ConnState.RSTOS0)
                && c.synFrame() > 0 && c.synAckFrame() == 0 && !c.midstream();
    }

    /**
     * The capture holds the server's SYN-ACK but not a single packet from the client, not even the SYN it answers
     * (Zeek's SHR and RSTRH when the server then gives up with FIN or RST): no connection was set up that anyone
     * could have waited on.
     */
    static boolean serverSideOnly(TcpConnection c) {
        return c.synFrame() == 0 && c.synAckFrame() > 0 && c.clientPackets() == 0;
    }

    /**
     * Only the server's packets: the client's side was not captured, or there was no client (a SYN with a forged
     * source address, answered to whoever owns it: a SYN flood's backscatter). Never the blank screen, never the
     * client's fault.
     */
    private void serverSideCapture(RuleContext x) {
        var c = x.c;
        x.add(CommonCode.CAPTURE_GAP, Severity.WARNING, "The capture holds only the server's side of this connection.",
                "The server sent a SYN-ACK to " + c.client() + " (frame " + c.synAckFrame() + ")"
                        + (c.serverPackets() > 1 ? " and " + (c.serverPackets() - 1) + (c.serverPackets() == 2 ? " more packet" : " more packets") : "")
                        + ", but the capture holds no packet from the client, not even the SYN the server answered"
                        + " (and no ACK: the connection was never seen set up). The client's side was not captured (asymmetric routing,"
                        + " a capture filter on one address, a one-way port mirror), or no real client sent that SYN.",
                "Capture where both directions pass (or with a filter on the connection's host and port, not its source address).",
                c.synAckFrame()).implies(Outcome.INCOMPLETE)
                .likely(new Alternative("spoofed-syn", "The SYN came from a forged source address (a SYN flood): the server answered an address that never asked, and no client ever saw the SYN-ACK."));
    }

    /**
     * The server answered the client's SYN with a SYN-ACK and the client never acknowledged it, nor sent anything
     * else but SYNs: the handshake never completed, so nothing was set up that anyone could wait on.
     */
    static boolean synAckUnacknowledged(TcpConnection c) {
        return c.synFrame() > 0 && c.synAckFrame() > 0 && c.establishedNanos() == 0 && !c.midstream()
                && !clientActedAnswered(c);
    }

    /**
     * The SYN-ACK is in the capture, the client's ACK is not: most often the SYN-ACK was lost between the capture
     * point and the client (a firewall or a route on the way back), and the client saw exactly what no answer looks
     * like; or the capture missed the client's later packets.
     */
    private void synAckNeverAcknowledged(RuleContext x) {
        var c = x.c;
        // A capture that ended (or a connection let go) right after the SYN-ACK proves nothing: the ACK was not due yet.
        WatchedWait watched = WatchedWait.of(c, c.synAckNanos(), x.closeAt(io.mailscope.tcp.Direction.CLIENT_TO_SERVER),
                x.closeAt(io.mailscope.tcp.Direction.SERVER_TO_CLIENT));
        List<Alternative> all = new java.util.ArrayList<>();
        if (!watched.closedByASide()) {
            all.addAll(watched.alternatives("ack-not-yet-due", "the client's ACK", ""));
        }
        all.add(new Alternative("ack-not-captured", "The client did acknowledge the SYN-ACK, and the capture missed its packets from then on."));
        Alternative[] alternatives = all.toArray(Alternative[]::new);
        x.add(CommonCode.NO_ANSWER, Severity.ERROR, "The client never acknowledged the server's SYN-ACK: the connection was never set up.",
                "The client sent a SYN to " + c.server() + " (frame " + c.synFrame() + ") and the server answered with a SYN-ACK (frame "
                        + c.synAckFrame() + "), but no ACK from the client follows" + (c.clientPackets() > 1 ? " (only its SYN again)" : "")
                        + (watched.closedByASide() ? "" : " in the " + Evidence.duration(watched.nanos()) + " until " + WatchedWait.letGoWords(watched.endedBy()))
                        + ": the SYN-ACK did not reach the client (a firewall or a route between the capture point and the client"
                        + " dropped it), so to the client this was a connection attempt with no answer.",
                "Look for a firewall or an asymmetric route on the way back from the server to the client (stateful firewalls"
                        + " drop a SYN-ACK they did not see the SYN for).",
                c.synFrame(), c.synAckFrame()).implies(Outcome.STALLED)
                .likely(alternatives);
    }

    /** The client acknowledged or sent data, as it does only after a SYN-ACK: the SYN was answered, out of the capture's sight. */
    static boolean clientActedAnswered(TcpConnection c) {
        if (c.clientBytes() > 0) {
            return true;
        }
        String h = c.history();
        return h.indexOf('A') >= 0 || h.indexOf('D') >= 0;
    }

    /**
     * Packets came back but no SYN-ACK: a server (or a firewall in front of it) that still holds an earlier connection
     * on these ports answers a new SYN with a bare ACK (RFC 5961's challenge ACK, also RFC 793's answer from a
     * half-open connection), which the client must reset before it tries again; or the SYN-ACK itself was lost from
     * the capture. Not "no answer", and not the server refusing.
     */
    private void serverAnsweredWithoutSynAck(RuleContext x, SessionEvent.Tcp clientRst) {
        var c = x.c;
        x.add(CommonCode.NO_ANSWER, Severity.ERROR, "The server did not accept the connection attempt.",
                "The client sent a SYN to " + c.server() + " (frame " + c.synFrame() + "); the server sent " + c.serverPackets()
                        + (c.serverPackets() == 1 ? " packet" : " packets") + " back, but no SYN-ACK"
                        + (clientRst != null ? ", and the client reset the attempt (RST, " + x.ev.at(clientRst.at()) + ")" : "")
                        + ". A server that still holds an earlier connection on the same ports answers a new SYN with a bare ACK"
                        + " (a challenge ACK, RFC 5961), which the client must reset before it tries again.",
                "If the client's next attempt from the same port succeeded, nothing is wrong; if this repeats, look for a NAT or"
                        + " load balancer that reuses ports while the server still holds the old connection.",
                c.synFrame(), clientRst != null ? clientRst.at().frame() : 0).implies(Outcome.STALLED)
                .likely(new Alternative("stale-connection", "The server (or a firewall or NAT in front of it) still held an earlier connection on these ports and acknowledged that one instead of the new SYN."),
                        new Alternative("answer-not-captured", "The server did answer with a SYN-ACK, which the capture lost; only its later packets were captured."));
    }

    /**
     * The client went on as if answered (ACK, data) yet no packet of the server's is in the capture: the capture
     * holds one direction only (asymmetric routing, a filter on the source address, a one-way port mirror).
     */
    private void oneSidedCapture(RuleContext x) {
        var c = x.c;
        x.add(CommonCode.CAPTURE_GAP, Severity.WARNING, "The capture holds only the client's side of this connection.",
                "The client sent a SYN to " + c.server() + " (frame " + c.synFrame() + ") and then went on as if it had been answered ("
                        + (c.clientBytes() > 0 ? c.clientBytes() + " bytes of data from frame " + c.firstPayloadFrame() : "it acknowledged packets")
                        + "), but no packet from the server is in the capture: the server's side was not captured"
                        + " (asymmetric routing, a capture filter on one address, or a one-way port mirror). What the server said cannot be known.",
                "Capture where both directions pass (or with a filter on the connection's host and port, not its source address).",
                c.synFrame(), c.clientBytes() > 0 ? c.firstPayloadFrame() : 0).implies(Outcome.INCOMPLETE);
    }

    static final String NO_ANSWER_SUMMARY = "The server never answered the connection attempt.";
    static final String GAVE_UP_SUMMARY = "The server never answered the connection attempt before the client gave up.";
    static final String NO_ANSWER_FIX = "Check the server address and port, and any firewall between client and server (a closed port would answer with RST at once).";

    /** The finding as {@link #apply} adds it to a connection that only ever sent SYNs (a compact record's). */
    static Finding noAnswer(TcpConnection c) {
        NoAnswerWords words = NoAnswerWords.of(c, null, null);
        List<Alternative> tooSoon = words.tooSoonToTell();
        return new Finding(CommonCode.NO_ANSWER, Severity.ERROR, NO_ANSWER_SUMMARY, words, NO_ANSWER_FIX,
                List.of(c.synFrame()), tooSoon.isEmpty() ? Confidence.CERTAIN : Confidence.LIKELY, tooSoon, Outcome.STALLED);
    }

    /**
     * How long a client waits for an answer to its first SYN before it sends it again (RFC 6298's initial
     * retransmission timeout, 1 s; Linux uses the same). A SYN watched for less than that, because the capture ended,
     * mailscope had to let the connection go, or the client itself gave up, proves nothing yet: an answer may simply
     * not have been due.
     */
    static final long FIRST_SYN_RETRANSMISSION_NANOS = WatchedWait.JUDGE_NANOS;

    /**
     * The no-answer explanation, its values kept and the sentence spelled where it is shown ({@link Explanation}):
     * where the SYN went, its frame, how many attempts the client made (its SYN and retransmissions of it, never its other packets),
     * and how long the wait was actually watched and why it stopped (a diagnosis must not claim a wait it did not
     * see): until the client gave up (its FIN or RST, {@code giveUpFrame}), or until mailscope let the connection go
     * (the memory limit, idle, the capture's last frame).
     *
     * @param syns        SYNs the client sent; 0 when the capture does not tell (a FIN sent more than once)
     * @param giveUpFrame the client's FIN or RST that ended its attempt; 0 when it did not
     * @param giveUpRst   that packet was a RST (else a FIN)
     */
    record NoAnswerWords(Endpoint server, long synFrame, long syns, long watchedNanos, TcpConnection.EndReason why,
                         long giveUpFrame, boolean giveUpRst) implements Explanation {

        /** The words of a connection whose client ended its attempt with {@code fin} or {@code rst} (null when it did not). */
        static NoAnswerWords of(TcpConnection c, At fin, At rst) {
            At giveUp = fin == null ? rst : rst == null || fin.frame() <= rst.frame() ? fin : rst;
            long until = giveUp != null ? giveUp.timeNanos() : c.releasedNanos() > 0 ? c.releasedNanos() : c.endNanos();
            return new NoAnswerWords(c.server(), c.synFrame(), syns(c, fin, rst), until - c.startNanos(), c.endReason(),
                    giveUp != null ? giveUp.frame() : 0, giveUp != null && giveUp == rst);
        }

        /**
         * The client's SYNs among its packets. With no answer, a client sends its SYN and retransmissions of it, then
         * maybe a FIN (sent again if unanswered) and a RST (which ends the connection: one at most); every packet
         * after its first FIN is that FIN again or the RST. So the count is exact unless a FIN was followed by more
         * packets: then 0 (unknown). A SYN+FIN in one packet counts as a SYN.
         */
        static long syns(TcpConnection c, At fin, At rst) {
            long n = c.clientPackets() - (rst != null ? 1 : 0);
            if (fin == null) {
                return n;
            }
            boolean finIsSyn = fin.frame() == c.synFrame();
            // Sent once: the last packet, or (before a RST) the only one besides the SYN.
            boolean finOnce = rst == null ? fin.frame() == c.lastFrame() : n == (finIsSyn ? 1 : 2);
            return !finOnce ? 0 : finIsSyn ? n : n - 1;
        }

        boolean clientGaveUp() {
            return giveUpFrame > 0;
        }

        /**
         * The other explanation when the wait was watched for less than {@link #FIRST_SYN_RETRANSMISSION_NANOS}: the
         * answer may not have been due yet when mailscope stopped looking, or when the client gave up (a client that
         * aborts that soon did not wait for the server; a SYN-ACK from a distant or busy server may take longer).
         * Empty when the wait watched is long enough to tell.
         */
        List<Alternative> tooSoonToTell() {
            if (watchedNanos >= FIRST_SYN_RETRANSMISSION_NANOS) {
                return List.of();
            }
            if (why == TcpConnection.EndReason.PORT_REUSED && !clientGaveUp()) {
                return List.of(new Alternative("client-gave-up", "The client sent a new SYN from the same port after only "
                        + Evidence.duration(watchedNanos) + ", less than the 1 s it would wait before sending this one again:"
                        + " it gave this attempt up for a new one (its own timeout was that short, or it was a port scan)."));
            }
            if (clientGaveUp()) {
                return List.of(new Alternative("client-gave-up", "The client " + (giveUpRst ? "reset" : "closed") + " its attempt after only "
                        + Evidence.duration(watchedNanos) + " (frame " + giveUpFrame + "), less than the 1 s it would wait before sending its SYN again:"
                        + " it did not wait for an answer (it connected to another address first, its own timeout was that short, or it was a port scan)."));
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
            if (syns > 1) {
                out.words(" to any of its ");
                out.number(syns);
                out.words(" attempts");
            } else if (syns == 0) {
                out.words(" to any of its attempts");
            }
            if (clientGaveUp()) {
                out.words(" within ");
                out.duration(watchedNanos);
                out.words(giveUpRst ? ", when the client gave up and reset its attempt (RST, frame " : ", when the client gave up and closed its attempt (FIN, frame ");
                out.number(giveUpFrame);
                out.words(")");
            } else if (why == null || why == TcpConnection.EndReason.FIN || why == TcpConnection.EndReason.RST) {
                out.words(" within ");
                out.duration(watchedNanos);
            } else {
                out.words(" in the ");
                out.duration(watchedNanos);
                out.words(switch (why) {
                    case MEMORY_LIMIT -> " before mailscope stopped following it (memory limit)";
                    case IDLE -> " before mailscope stopped following it (idle)";
                    case PORT_REUSED -> " until the client sent a new SYN from the same port";
                    default -> " until the capture ended";
                });
            }
            out.words(": a firewall drops the packets, the host is down, or the address is wrong.");
        }
    }
}
