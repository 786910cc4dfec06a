package io.mailscope.report;

import io.mailscope.dissect.Session;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;

import java.io.OutputStream;

/** Where finished sessions and the run's summary go: text, JSON Lines, HTML. */
public interface Report extends AutoCloseable {
    void session(AnalyzedSession session);

    /**
     * The part of {@link #session} that depends on this session alone, done ahead on any thread (a worker of the
     * sharded pipeline, concurrently with others); {@link #deliver} finishes it in order. The default keeps the
     * session for {@link #session}. Must not read the connection's number: {@code deliver} gives the run-wide one.
     */
    default Object prepare(AnalyzedSession session) {
        return session;
    }

    /** {@link #session} of what {@link #prepare} made, numbered {@code id} in the run: the same output. */
    default void deliver(Object prepared, long id) {
        AnalyzedSession s = (AnalyzedSession) prepared;
        s.session().connection().renumber(id);
        session(s);
    }

    /**
     * {@link #prepare(AnalyzedSession)}, free to write what it renders into {@code bytes} (appending only, valid
     * during this call) instead of keeping it in what it returns: the sharded pipeline hands such bytes to the merge
     * in a buffer it reuses. {@link #deliver(Object, long, byte[], int, int)} gets them back.
     */
    default Object prepare(AnalyzedSession session, OutputStream bytes) {
        return prepare(session);
    }

    /**
     * {@link #deliver(Object, long)} of what {@link #prepare(AnalyzedSession, OutputStream)} made, with the bytes it
     * wrote: {@code [from, from + length)} of {@code bytes}.
     */
    default void deliver(Object prepared, long id, byte[] bytes, int from, int length) {
        deliver(prepared, id);
    }

    void summary(RunSummary summary);

    /** Live capture: a connection has just opened. */
    default void opened(Session session) {
    }

    /** Live capture: a finding about a session still open, the moment it is known. */
    default void liveFinding(Session session, Finding finding, long timeNanos) {
    }

    /** Live capture: a step of a session still open (who spoke first, STARTTLS, the TLS version chosen...). */
    default void progress(Session session, String line, long timeNanos) {
    }

    /** Live capture: libpcap's counts at the end, one line. */
    default void captureStats(String interfaceName, long frames, long received, long dropped, long ifDropped) {
    }

    @Override
    void close();
}
