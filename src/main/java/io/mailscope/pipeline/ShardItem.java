package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.tcp.TcpConnection;

/**
 * What a worker tells the merge, in the order it happened there: a connection opened (to number it in the run's
 * order) or a session finished. The key (frame, phase, tie) says where a single analysis would have done the same:
 *
 * <ul>
 *   <li>{@link #BEFORE_SEGMENT}: idle connections expired when the reader's clock looked at frame {@code frame},
 *       before its segment; every worker may have some, ordered as one reassembler's least-recently-active list
 *       would be, by the frame that last touched them ({@code tie} = last frame);</li>
 *   <li>{@link #SEGMENT}: what frame {@code frame}'s segment did (open, port reuse, RST, FIN, evictions), all in
 *       the one worker that owns its connection, in the order they happened there ({@code tie} = a counter);</li>
 *   <li>{@link #AFTER_FRAME}: live capture's clock expired idle connections after frame {@code frame}
 *       ({@code tie} = last frame);</li>
 *   <li>end of input: {@code frame} = {@link Long#MAX_VALUE}, {@code tie} = the first frame, as one reassembler
 *       reports what is still open in the order the connections opened.</li>
 * </ul>
 *
 * <p>{@code key} identifies the connection from its opening to its session ({@link TcpConnection#openKey()}: the
 * connection, or the compact record it was kept as while it had only sent SYNs).
 */
record ShardItem(long frame, int phase, long tie, Object key, AnalyzedSession session) {
    static final int BEFORE_SEGMENT = 0;
    static final int SEGMENT = 1;
    static final int AFTER_FRAME = 2;

    /** The finished session's connection (null for an opening). */
    TcpConnection connection() {
        return session == null ? null : session.session().connection();
    }

    boolean opened() {
        return session == null;
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
