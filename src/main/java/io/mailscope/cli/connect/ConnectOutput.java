package io.mailscope.cli.connect;

import io.mailscope.explain.Finding;

import java.util.List;

/** Where a connect run's transcript, TLS facts, findings and summary go: the terminal, or JSON Lines. */
interface ConnectOutput {
    /** The endpoints, once connected (JSON findings carry them, as live's do). */
    default void connected(String client, String server) {
    }

    void line(TranscriptLine line);

    /** mailscope's own remark (what it did for the user, what it waits for). */
    void note(String text, long timeNanos);

    void tls(TlsFacts facts, long timeNanos);

    /** @param lines the transcript lines that prove it */
    void finding(Finding finding, List<Integer> lines, long timeNanos);

    void summary(ConnectSummary summary);

    default void close() {
    }
}
