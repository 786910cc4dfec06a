package io.mailscope.pipeline;

import io.mailscope.dissect.Session;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.tcp.TcpConnection;

/**
 * What a worker tells the merge, in the order it happened there: a connection opened (to number it in the run's
 * order), a session finished, or (live capture) what the worker's watch said about an open session. The key
 * (frame, phase, tie) says where a single analysis would have done the same:
 *
 * <ul>
 *   <li>{@link #BEFORE_SEGMENT}: idle connections expired when the reader's clock looked at frame {@code frame},
 *       before its segment; every worker may have some, ordered as one reassembler's least-recently-active list
 *       would be, by the frame that last touched them ({@code tie} = last frame);</li>
 *   <li>{@link #SEGMENT}: what frame {@code frame}'s segment did (open, port reuse, RST, FIN, evictions), all in
 *       the one worker that owns its connection, in the order they happened there ({@code tie} = a counter);</li>
 *   <li>{@link #WATCH}: live capture's clock ticked after frame {@code frame} and the worker's watch said something
 *       about one of its open sessions ({@code tie} = the same counter, so a worker's lines keep their order; lines
 *       of different workers at one tick interleave by it, which is why live's order across sessions may differ
 *       from one thread's);</li>
 *   <li>{@link #AFTER_FRAME}: live capture's clock expired idle connections after frame {@code frame}
 *       ({@code tie} = last frame);</li>
 *   <li>end of input: {@code frame} = {@link Long#MAX_VALUE}, {@code tie} = the first frame, as one reassembler
 *       reports what is still open in the order the connections opened.</li>
 * </ul>
 *
 * @param key     what identifies the connection from its opening to its session ({@link TcpConnection#openKey()}:
 *                the connection, or the compact record it was kept as while it had only sent SYNs)
 * @param session  the finished session, when the output is not a {@link SessionOutput}; else null
 * @param note     live only: the session that opened, or what the watch said about it; else null
 * @param prepared the finished session as its worker prepared it ({@link SessionOutput#prepare}); else null
 * @param weight   a finished session's weight in {@link ShardWorker#waitingEvents}
 * @param local    a finished session's number in its worker, read there (its number if it was never opened)
 */
record ShardItem(long frame, int phase, long tie, Object key, AnalyzedSession session, Note note,
                 Object prepared, long weight, long local) {
    static final int BEFORE_SEGMENT = 0;
    static final int SEGMENT = 1;
    static final int WATCH = 2;
    static final int AFTER_FRAME = 3;

    /** A line of live capture's watch about an open session, rendered by the merge (as the reports keep state). */
    sealed interface Note {
        Session session();

        long timeNanos();
    }

    /** A connection opened ({@code Report.opened}); only live capture says it, files need only the number. */
    record Opened(Session session, long timeNanos) implements Note { }

    /** A finding about an open session, the moment it is known ({@code Report.liveFinding}). */
    record Found(Session session, Finding finding, long timeNanos) implements Note { }

    /** How an open session unfolds ({@code Report.progress}). */
    record Said(Session session, String line, long timeNanos) implements Note { }

    ShardItem(long frame, int phase, long tie, Object key, AnalyzedSession session) {
        this(frame, phase, tie, key, session, null);
    }

    ShardItem(long frame, int phase, long tie, Object key, AnalyzedSession session, Note note) {
        this(frame, phase, tie, key, session, note, null, 0, 0);
    }

    /** A session finished (handed on whole, or prepared by its worker). */
    boolean finished() {
        return session != null || prepared != null;
    }

    /**
     * The connection: the finished session's, or (live) the one the note is about; null for the opening of a file's
     * connection, which only needs its {@link #key}.
     */
    TcpConnection connection() {
        return session != null ? session.session().connection() : note != null ? note.session().connection() : null;
    }

    boolean opened() {
        return !finished() && (note == null || note instanceof Opened);
    }

    boolean before(ShardItem o) {
        if (frame != o.frame) {
            return frame < o.frame;
        }
        if (phase != o.phase) {
            return phase < o.phase;
        }
        return tie < o.tie;
    }
}
