package io.mailscope.explain.rules;

import io.mailscope.dissect.SessionEvent;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.ConnState;

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
            x.add(CommonCode.NO_ANSWER, Severity.ERROR, "The server never answered the connection attempt.",
                    "The client sent a SYN to " + c.server() + " (frame " + c.synFrame() + ") and nothing came back"
                            + (c.clientPackets() > 1 ? " to any of its " + c.clientPackets() + " attempts" : "")
                            + " within " + Evidence.duration(c.endNanos() - c.startNanos())
                            + ": a firewall drops the packets, the host is down, or the address is wrong.",
                    "Check the server address and port, and any firewall between client and server (a closed port would answer with RST at once).",
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
}
