package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;

import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Where finished sessions go, when that work splits in two: what depends on the session alone ({@link #prepare}:
 * filtering, counting, rendering its JSON line or paragraph), and what depends on the run's order ({@link #deliver}:
 * the run-wide number, grouping, the output stream).
 *
 * <p>{@link ShardedAnalysis} calls {@link #prepare} on the worker that finished the session, concurrently on every
 * worker, and {@link #deliver} on its merge thread, one at a time, in the single-thread order: the merge then only
 * orders and copies what the workers made, and a finished session's objects die young on the worker instead of
 * waiting in a queue. {@link Analysis} (one thread) calls {@link #accept}, which must give the same output as
 * {@code deliver(prepare(s), s.session().connection().id())}.
 *
 * <p>A prepared value must not read the connection's number ({@code TcpConnection.id()}): on a worker it is the
 * worker's own; the run-wide one is {@code deliver}'s {@code id}.
 *
 * <p>Bytes: for files, {@link ShardedAnalysis} prepares with {@link #prepare(AnalyzedSession, OutputStream)}, whose
 * output may write what it rendered into the stream given (a buffer that goes to the merge with the session, reused
 * for later sessions once delivered) instead of keeping it in the prepared value, and then delivers with
 * {@link #deliver(Object, long, byte[], int, int)} and those bytes. By default both do what the plain pair does.
 */
public interface SessionOutput<P> extends Consumer<AnalyzedSession> {
    /** On any worker's thread, concurrently: what {@code s} alone decides. */
    P prepare(AnalyzedSession s);

    /** On the merge thread, in order: the prepared session, numbered {@code id} in the run. */
    void deliver(P prepared, long id);

    /**
     * {@link #prepare(AnalyzedSession)}, free to write what it renders into {@code bytes} (appending only; the stream
     * is valid during this call only), which {@link #deliver(Object, long, byte[], int, int)} then gets back.
     */
    default P prepare(AnalyzedSession s, OutputStream bytes) {
        return prepare(s);
    }

    /**
     * {@link #deliver(Object, long)} of what {@link #prepare(AnalyzedSession, OutputStream)} made, with the bytes
     * it wrote: {@code [from, from + length)} of {@code bytes}, valid during this call only.
     */
    default void deliver(P prepared, long id, byte[] bytes, int from, int length) {
        deliver(prepared, id);
    }
}
