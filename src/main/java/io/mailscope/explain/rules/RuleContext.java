package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.MailEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.Confidence;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.Finding;
import io.mailscope.explain.FindingCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.SessionFacts;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TcpConnection;

import java.util.ArrayList;
import java.util.List;

/**
 * What every rule sees: the session's facts (computed once), how to spell evidence, whether the session is still
 * open (live capture) and what time it is, and the findings so far. Rules add findings; they never read each
 * other's (the resolver weighs them). The helpers here answer questions several rules ask of the facts: how a
 * side reacted to something, when it closed, what the server answered.
 */
public final class RuleContext {
    public final SessionFacts f;
    public final Session s;
    public final TcpConnection c;
    public final Evidence ev;
    /** The session is still open: only what has been seen so far is proven; waits are judged by {@link #now}. */
    public final boolean open;
    /** Capture time now (epoch nanoseconds): the live clock for an open session, else the connection's end. */
    public final long now;
    /** How long nobody may speak before a wait in an open session becomes a finding. */
    public final long stallNanos;
    private final List<Finding> findings = new ArrayList<>();

    public RuleContext(SessionFacts f, boolean open, long now, long stallNanos) {
        this.f = f;
        this.s = f.session;
        this.c = s.connection();
        this.ev = new Evidence(s);
        this.open = open;
        this.now = now;
        this.stallNanos = stallNanos;
    }

    public List<Finding> findings() {
        return findings;
    }

    /** A finding that is being added: certain and implying no outcome until said otherwise. */
    public final class Draft {
        private final int index;

        private Draft(int index) {
            this.index = index;
        }

        private Finding get() {
            return findings.get(index);
        }

        /** This finding, if it decides, gives the session this outcome. */
        public Draft implies(Outcome outcome) {
            Finding x = get();
            findings.set(index, new Finding(x.kind(), x.severity(), x.summary(), x.wording(), x.fix(), x.frames(),
                    x.confidence(), x.alternatives(), outcome));
            return this;
        }

        /** The evidence fits other causes too: name them, most likely first. */
        public Draft likely(Alternative... others) {
            findings.set(index, get().likely(List.of(others)));
            return this;
        }

        public Draft likelyIf(boolean unsure, Alternative... others) {
            return unsure ? likely(others) : this;
        }
    }

    /** Adds a finding; frames that are 0 (unknown) or repeated are left out. */
    public Draft add(FindingCode code, Severity sev, String summary, String explanation, String fix, long... frames) {
        List<Long> fr = new ArrayList<>();
        for (long x : frames) {
            if (x > 0 && !fr.contains(x)) {
                fr.add(x);
            }
        }
        fr.sort(null);
        findings.add(new Finding(code, sev, summary, explanation, fix, fr, Confidence.CERTAIN, List.of(), null));
        return new Draft(findings.size() - 1);
    }

    // ---- Questions several rules ask ---------------------------------------------------------------------

    /** The first FIN or RST from this side, or null. */
    public At closeAt(Direction d) {
        SessionEvent.Tcp fin = f.firstTcp("FIN", d.fromClient());
        SessionEvent.Tcp rst = f.firstTcp("RST", d.fromClient());
        if (fin == null) {
            return rst == null ? null : rst.at();
        }
        return rst == null || fin.at().frame() < rst.at().frame() ? fin.at() : rst.at();
    }

    public boolean serverClosed() {
        return c.closedBy() == Direction.SERVER_TO_CLIENT
                || f.firstTcp("FIN", false) != null || f.firstTcp("RST", false) != null;
    }

    public At firstTcpAfter(String what, Direction by, At after) {
        for (SessionEvent.Tcp t : f.tcp) {
            if (t.what().equals(what) && t.at().direction() == by && t.at().frame() >= after.frame()) {
                return t.at();
            }
        }
        return null;
    }

    /** The server's first answer after {@code at}: a tagged response, or an untagged BAD, NO or BYE (not a greeting or "* OK"). */
    public ImapEvent.Response firstResponseAfter(At at) {
        for (var e : f.events) {
            if (e instanceof ImapEvent.Response r && r.at().frame() >= at.frame() && !r.greeting()
                    && (r.kind() == ImapEvent.Response.Kind.TAGGED || !"OK".equals(r.status()))) {
                return r;
            }
        }
        return null;
    }

    /** The server's first answer after {@code at} in any mail protocol (for IMAP: {@link #firstResponseAfter}). */
    public MailEvent.Reply firstReplyAfter(At at) {
        for (var e : f.events) {
            MailEvent.Reply r = MailEvent.reply(e);
            if (r != null && r.at().frame() >= at.frame() && r.answer()) {
                return r;
            }
        }
        return null;
    }

    /** The client's first command at or after {@code at}, in any mail protocol. */
    public MailEvent.Command firstClientCommandAfter(At at) {
        for (var e : f.events) {
            MailEvent.Command c = MailEvent.command(e);
            if (c != null && c.at().frame() >= at.frame() && c.at().fromClient()) {
                return c;
            }
        }
        return null;
    }

    /** How this session's protocol words things: its name, upgrade command, ports and client commands. */
    public ProtocolWords words() {
        return ProtocolWords.of(f.protocol);
    }

    /** The words of the port's protocol (what should have been spoken here), IMAP's on a port of no role. */
    public ProtocolWords portWords() {
        return ProtocolWords.of(s.role().protocol());
    }

    /** The first alert from this side at or after {@code after} that says something went wrong (close_notify does not). */
    private TlsEvent.Alert alertAfter(Direction by, At after) {
        for (TlsEvent.Alert a : f.alerts) {
            if (a.at().direction() == by && a.at().frame() >= after.frame() && !orderlyClose(a)) {
                return a;
            }
        }
        return null;
    }

    /** close_notify is TLS's orderly end: it says the sender is done, not that anything failed. */
    public static boolean orderlyClose(TlsEvent.Alert a) {
        return a.description() == 0 && a.level() != 2;
    }

    /** What a side did after unexpected input: alert, reply, bare close, reset, or silence. */
    public String reactionText(Direction by, At after) {
        TlsEvent.Alert a = alertAfter(by, after);
        if (a != null) {
            return "The " + by.sender() + " answered with a TLS " + a.descriptionName() + " alert (" + ev.at(a.at()) + ").";
        }
        At fin = firstTcpAfter("FIN", by, after);
        At rst = firstTcpAfter("RST", by, after);
        boolean answered = by == Direction.SERVER_TO_CLIENT && firstReplyAfter(after) != null;
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
        // Say how long the silence was watched and what ended the watching: the client's own close, or mailscope
        // letting go (the end of the capture, idle, memory), which is not the client giving up.
        WatchedWait watched = WatchedWait.of(c, after.timeNanos(), closeAt(by.opposite()), null);
        return "The " + by.sender() + " said nothing and did not close: both sides then waited, for " + Evidence.duration(watched.nanos())
                + ", until " + (watched.endedBy() == WatchedWait.EndedBy.CLIENT || watched.endedBy() == WatchedWait.EndedBy.SERVER
                ? "the " + by.opposite().sender() + " gave up (" + ev.at(closeAt(by.opposite())) + ")"
                : WatchedWait.letGoWords(watched.endedBy())) + ".";
    }

    public long reactionFrame(Direction by, At after) {
        TlsEvent.Alert a = alertAfter(by, after);
        if (a != null) {
            return a.at().frame();
        }
        At fin = firstTcpAfter("FIN", by, after);
        At rst = firstTcpAfter("RST", by, after);
        return fin != null ? fin.frame() : rst != null ? rst.frame() : 0;
    }

    /** The outcome a side's reaction gives: an alert, a refusal in words, a hang-up, or nothing (stalled). */
    public Outcome reaction(Direction by, At after) {
        if (alertAfter(by, after) != null) {
            return Outcome.ALERT;
        }
        MailEvent.Reply answer = firstReplyAfter(after);
        if (by == Direction.SERVER_TO_CLIENT && answer != null && answer.refusal()) {
            return Outcome.REFUSED;
        }
        if (firstTcpAfter("FIN", by, after) != null || firstTcpAfter("RST", by, after) != null) {
            return Outcome.DROPPED;
        }
        return Outcome.STALLED;
    }

    public String serverReplyAfter(At at) {
        MailEvent.Reply r = firstReplyAfter(at);
        String close = reactionText(Direction.SERVER_TO_CLIENT, at);
        return r != null ? "The server replied " + Evidence.quote(r.display()) + " (" + ev.at(r.at()) + "). " + close : close;
    }

    /** The client's first command, in any mail protocol. */
    public MailEvent.Command firstCommandFromClient() {
        for (var e : f.events) {
            MailEvent.Command c = MailEvent.command(e);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    public ImapEvent.Command firstCommandAfter(At at) {
        for (SessionFacts.Exchange x : f.exchanges) {
            if (x.command().at().frame() >= at.frame() && x.command().at().fromClient()) {
                return x.command();
            }
        }
        return null;
    }

    public boolean logoutBefore(At at) {
        for (SessionFacts.Exchange x : f.exchanges("LOGOUT")) {
            if (x.command().at().frame() <= at.frame()) {
                return true;
            }
        }
        return false;
    }

    /** The session did what it set out to do (see {@link SessionFacts#succeeded()}). */
    public boolean success() {
        return f.succeeded();
    }
}
