package io.mailscope.report;

import io.mailscope.dissect.Session;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;

/** Where finished sessions and the run's summary go: text, JSON Lines, HTML. */
public interface Report extends AutoCloseable {
    void session(AnalyzedSession session);

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
