package io.mailscope.pipeline;

import io.mailscope.dissect.Session;
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
 *       reports what is still open in the order the connections opened; and the same at frame {@code frame}, phase
 *       {@link #BEFORE_SEGMENT}, when the file it begins goes back in time ({@link SegmentBatch#TIME_WENT_BACK}).</li>
 * </ul>
 *
 * <p>Items cross to the merge in {@link ItemBatch}es, as rows of flat arrays; this record is one item where it
 * must wait on its own (live capture's items while the merge's batches are all taken).
 *
 * @param kind   {@link ItemBatch#OPENED}, {@link ItemBatch#SESSION}, {@link ItemBatch#PREPARED} or {@link ItemBatch#NOTE}
 * @param local  the connection's number in its worker (the numbers a worker's reassembler gives in the order its
 *               connections open), by which the merge numbers a file's connections in the run
 * @param weight a finished session's weight in {@link ShardWorker#waitingEvents}
 * @param key    live capture: the connection's open key ({@link TcpConnection#openKey()}); null for files
 * @param value  the finished session, as it is or as its worker prepared it ({@link SessionOutput#prepare}), or
 *               (live) the note; null for a file's opening
 */
record ShardItem(byte kind, long frame, int phase, long tie, long local, long weight, Object key, Object value) {
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
}
