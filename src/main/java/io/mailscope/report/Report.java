package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;

/** Where finished sessions and the run's summary go: text, JSON Lines, HTML. */
public interface Report extends AutoCloseable {
    void session(AnalyzedSession session);

    void summary(RunSummary summary);

    @Override
    void close();
}
