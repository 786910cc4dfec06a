package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.SessionFacts;
import io.mailscope.explain.Severity;
import io.mailscope.explain.Timeline;
import io.mailscope.tcp.Direction;

/**
 * How the session ended when one side cut it short: the server's BYE (in the greeting, or later without a
 * LOGOUT), a reset in the middle, or a server that hangs up without a word (a last resort: only when nothing
 * else explains the end).
 */
final class EndingRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        bye(x);
        reset(x);
        if (!x.open) {
            hangUp(x);
        }
    }

    private void bye(RuleContext x) {
        var f = x.f;
        if (f.greeting != null && "BYE".equals(f.greeting.status())) {
            x.add(ImapCode.SERVER_BYE, Severity.ERROR, "The server greeted with BYE and closed.",
                    "The server's first words were " + Evidence.quote(f.greeting.display()) + " (" + x.ev.at(f.greeting.at())
                            + "): it refuses this connection (too many connections, this address is blocked, or it is shutting down).",
                    "Read the reason in the BYE text; check the server's connection limits and logs.", f.greeting.at().frame())
                    .implies(Outcome.REFUSED);
        }
        for (ImapEvent.Response bye : f.byes) {
            if ((f.logoutSent && x.logoutBefore(bye.at())) || taggedAnswerAfter(x, bye.at())) {
                // BYE then a tagged OK is the orderly answer to LOGOUT (even when a hand-typed LOGOUT line
                // ended in a bare CR the server accepted before its LF reached us).
                continue;
            }
            x.add(ImapCode.SERVER_BYE, Severity.WARNING, "The server ended the session with BYE.",
                    "The server sent " + Evidence.quote(bye.display()) + " (" + x.ev.at(bye.at())
                            + ") without the client asking to log out: " + byeReason(bye.text()),
                    "If it is an idle timeout, let the client send NOOP or use IDLE; otherwise read the server's log.",
                    bye.at().frame()).implies(Outcome.DROPPED);
            break;
        }
    }

    private void reset(RuleContext x) {
        var f = x.f;
        var c = x.c;
        SessionEvent.Tcp rst = f.firstTcp("RST");
        if (rst == null) {
            return;
        }
        SessionEvent.Tcp ownFin = f.firstTcp("FIN", rst.at().fromClient());
        SessionEvent.Tcp peerFin = f.firstTcp("FIN", !rst.at().fromClient());
        boolean afterOwnFin = ownFin != null && ownFin.at().frame() < rst.at().frame();
        // A RST after the other side had already closed only says this side left with bytes unread.
        boolean afterPeerFin = peerFin != null && peerFin.at().frame() < rst.at().frame();
        boolean afterOrderlyEnd = x.success() && (f.firstTcp("FIN", true) != null || f.firstTcp("FIN", false) != null);
        // A RST right behind a TLS close_notify is how some servers end TLS: the close was orderly, the RST only
        // says unread bytes were dropped.
        boolean afterCloseNotify = closeNotifyBefore(x, rst.at());
        // A RST right behind this side's own fatal alert (Python's ssl aborting a handshake with bytes unread):
        // the alert already says why it ended.
        boolean afterOwnAlert = x.f.alerts.stream().anyMatch(a -> a.level() == 2 && a.at().direction() == rst.at().direction()
                && a.at().frame() <= rst.at().frame());
        if (afterOwnFin || afterPeerFin || afterOrderlyEnd || afterCloseNotify || afterOwnAlert) {
            // A RST answering data that arrives after a side closed is the aftermath of that close, not news.
            return;
        }
        // No connection came up (a refused or unanswered SYN, ConnectionRule's story). A REJ after a SYN-ACK (both
        // sides reset a connection that carried nothing) did come up, and its first RST is told here. A capture of the
        // server's packets alone is ConnectionRule's too: its RST ends a handshake no client was seen in.
        if ((c.synAckFrame() <= 0 && !c.midstream()) || ConnectionRule.serverSideOnly(c)) {
            return;
        }
        String by = rst.at().direction().sender();
        boolean dataBefore = c.clientBytes() + c.serverBytes() > 0;
        String before = lastFromPeerBefore(x, rst.at());
        x.add(CommonCode.RESET, Severity.WARNING, "The " + by + " reset the connection.",
                "The " + by + " sent a RST (" + x.ev.at(rst.at()) + ")" + (dataBefore ? " in the middle of the session" : "")
                        + (before != null ? ", right after the " + rst.at().direction().opposite().sender() + " sent " + before : "")
                        + ": the connection was torn down without an orderly close"
                        + (rst.at().fromClient() ? " (a client that exits abruptly, or answers data after it closed)."
                        : " (the server process crashed or aborted, a firewall cut it, or it received data after closing)."),
                "Look at what came just before frame " + rst.at().frame() + " and at the " + by + "'s logs at that time.",
                rst.at().frame()).implies(x.success() ? null : Outcome.DROPPED);
    }

    private static boolean closeNotifyBefore(RuleContext x, At rst) {
        for (TlsEvent.Alert a : x.f.alerts) {
            if (a.at().direction() == rst.direction() && a.at().frame() <= rst.frame() && RuleContext.orderlyClose(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The server closed a plaintext IMAP session first, without BYE, without the client having asked to log out:
     * a server that hangs up right after its greeting, or in the middle. A last resort ({@code server-hangup} is
     * kept only when no other finding explains the end).
     */
    private void hangUp(RuleContext x) {
        var f = x.f;
        if (f.tlsStarted || f.greeting == null || !"OK".equals(f.greeting.status()) || !f.byes.isEmpty()) {
            return;
        }
        SessionEvent.Tcp fin = f.firstTcp("FIN", false);
        if (fin == null || x.logoutBefore(fin.at())) {
            return;
        }
        At clientEnd = x.closeAt(Direction.CLIENT_TO_SERVER);
        if (clientEnd != null && clientEnd.frame() < fin.at().frame()) {
            return;
        }
        SessionFacts.Exchange last = null;
        for (SessionFacts.Exchange ex : f.exchanges) {
            if (ex.command().at().frame() < fin.at().frame()) {
                last = ex;
            }
        }
        String when;
        if (last == null) {
            when = "right after its greeting " + Evidence.quote(f.greeting.display()) + " (" + x.ev.at(f.greeting.at())
                    + "), before the client had sent a command";
        } else if (last.answer() == null || last.answer().at().frame() > fin.at().frame()) {
            when = "while the client's " + Evidence.quote(last.command().display()) + " (" + x.ev.at(last.command().at())
                    + ") was still unanswered";
        } else {
            when = "after answering " + Evidence.quote(last.command().display()) + " with "
                    + Evidence.quote(last.answer().display()) + " (" + x.ev.at(last.answer().at()) + ")";
        }
        x.add(ImapCode.SERVER_HANGUP, Severity.WARNING, "The server closed the connection without BYE.",
                "The server closed the connection (" + x.ev.at(fin.at()) + ") " + when
                        + ", without a BYE saying why and without the client asking to log out. An IMAP server announces a close with BYE (RFC 9051 section 7.1.5);"
                        + " a silent close is a crashed or killed IMAP process, a connection limit enforced before the IMAP layer, or a proxy or firewall cutting the connection.",
                "Read the server's log at that moment (process crash, connection or rate limits), and any proxy or load balancer between client and server.",
                f.greeting.at().frame(), last != null ? last.command().at().frame() : 0, fin.at().frame())
                .implies(Outcome.DROPPED);
    }

    /** The last line the other side sent before {@code at}, quoted with its frame, or null. */
    private static String lastFromPeerBefore(RuleContext x, At at) {
        String found = null;
        for (var e : x.f.events) {
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

    private static boolean taggedAnswerAfter(RuleContext x, At at) {
        for (var e : x.f.events) {
            if (e instanceof ImapEvent.Response r && r.kind() == ImapEvent.Response.Kind.TAGGED
                    && r.at().frame() >= at.frame() && "OK".equals(r.status())) {
                return true;
            }
        }
        return false;
    }

    static String byeReason(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        if (t.contains("autologout") || t.contains("idle") || t.contains("inactiv") || t.contains("timeout") || t.contains("timed out")) {
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
}
