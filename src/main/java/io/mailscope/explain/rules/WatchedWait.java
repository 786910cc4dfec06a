package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.Evidence;
import io.mailscope.tcp.TcpConnection;

import java.util.List;

/**
 * How long a wait was actually watched and what ended the watching: a side's own close (the client giving up, the
 * server's timeout), or mailscope letting go (the capture ended, the memory limit, the idle timeout). A wait
 * finding may claim only this much, and a wait shorter than {@link #JUDGE_NANOS} proves nothing about who waited
 * for whom: mailscope looked away before the awaited packet was due, or a side closed before it could have come
 * (then that side did not wait: a client that only checked the port, a server that turns connections away at once).
 *
 * @param nanos      from the start of the wait until what ended it
 * @param endedBy    who or what ended it
 * @param closeFrame the frame of the close, when a side ended it; else 0
 */
record WatchedWait(long nanos, EndedBy endedBy, long closeFrame) {

    /** What ended a wait. */
    enum EndedBy { CLIENT, SERVER, CAPTURE_END, MEMORY_LIMIT, IDLE, PORT_REUSED }

    /**
     * Shorter than this, a silence decides nothing. It is RFC 6298's initial retransmission timeout (1 s, Linux's too):
     * a SYN unanswered that long was lost or dropped, and a client or server that has said nothing for that long
     * after the connection was set up is waiting, not busy (a TLS client sends its ClientHello, a mail server its
     * greeting, within milliseconds; the recorded stories wait 5 s and more).
     */
    static final long JUDGE_NANOS = 1_000_000_000L;

    /**
     * The wait that began at {@code fromNanos}: ended by the first of the client's and the server's closes given
     * (null when that side did not close), else by how mailscope let the connection go, which it watched until
     * {@link TcpConnection#releasedNanos()}.
     */
    static WatchedWait of(TcpConnection c, long fromNanos, At clientEnd, At serverEnd) {
        At end = clientEnd == null ? serverEnd
                : serverEnd == null || clientEnd.frame() <= serverEnd.frame() ? clientEnd : serverEnd;
        if (end != null) {
            return new WatchedWait(end.timeNanos() - fromNanos, end.fromClient() ? EndedBy.CLIENT : EndedBy.SERVER, end.frame());
        }
        long released = c.releasedNanos() > 0 ? c.releasedNanos() : c.endNanos();
        return new WatchedWait(released - fromNanos, letGo(c.endReason()), 0);
    }

    /** How mailscope let a connection go that no side closed (a RST or FIN it ended on counts as the capture's end). */
    static EndedBy letGo(TcpConnection.EndReason why) {
        if (why == null) {
            return EndedBy.CAPTURE_END;
        }
        return switch (why) {
            case MEMORY_LIMIT -> EndedBy.MEMORY_LIMIT;
            case IDLE -> EndedBy.IDLE;
            case PORT_REUSED -> EndedBy.PORT_REUSED;
            case CAPTURE_END, FIN, RST -> EndedBy.CAPTURE_END;
        };
    }

    /** A side closed: the wait it saw is evidence of what it did. */
    boolean closedByASide() {
        return endedBy == EndedBy.CLIENT || endedBy == EndedBy.SERVER;
    }

    /** Too short to judge: under {@link #JUDGE_NANOS}, however it ended. */
    boolean tooShort() {
        return nanos < JUDGE_NANOS;
    }

    /** Words for how mailscope let go, after "until": "the capture ended", or why it stopped following the connection. */
    static String letGoWords(EndedBy by) {
        return switch (by) {
            case MEMORY_LIMIT -> "mailscope stopped following the connection (memory limit)";
            case IDLE -> "mailscope stopped following the connection (idle)";
            case PORT_REUSED -> "a new connection from the same client port replaced it";
            default -> "the capture ended";
        };
    }

    /**
     * The alternatives when the wait was too short to judge ({@link #tooShort()}), else none. {@code notYetDue}: the
     * code for "mailscope looked away before the awaited packet was due" (e.g. answer-not-yet-due); {@code awaited}
     * names that packet ("an answer", "the client's ClientHello"); {@code clientGaveUp}: what a client that closed this
     * soon did instead of waiting.
     */
    List<Alternative> alternatives(String notYetDue, String awaited, String clientGaveUp) {
        if (!tooShort()) {
            return List.of();
        }
        if (endedBy == EndedBy.CLIENT) {
            return List.of(new Alternative("client-gave-up", "The client closed after only " + Evidence.duration(nanos)
                    + " (frame " + closeFrame + "), before " + awaited + " was due: " + clientGaveUp));
        }
        if (endedBy == EndedBy.PORT_REUSED) {
            return List.of(new Alternative("client-gave-up", "The client opened a new connection from the same port after only "
                    + Evidence.duration(nanos) + ", before " + awaited + " was due: " + clientGaveUp));
        }
        if (endedBy == EndedBy.SERVER) {
            return List.of(new Alternative("server-closed-at-once", "The server closed after only " + Evidence.duration(nanos)
                    + " (frame " + closeFrame + "), too soon for a timeout: it turns connections away before the protocol starts"
                    + " (a connection limit, an access rule such as tcpwrappers, a proxy with no server behind it)."));
        }
        return List.of(new Alternative(notYetDue, "mailscope saw only " + Evidence.duration(nanos) + " of this wait (until "
                + letGoWords(endedBy) + "), less than the " + Evidence.duration(JUDGE_NANOS) + " it takes to tell a wait from "
                + awaited + " about to arrive: it may simply not have arrived yet."));
    }
}
