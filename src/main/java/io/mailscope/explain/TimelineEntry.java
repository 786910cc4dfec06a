package io.mailscope.explain;

/**
 * One line of a session's timeline.
 *
 * @param from      "client", "server", or "none" for notes about both (silences, capture limits)
 * @param kind      tcp, imap, tls, note, problem, silence
 * @param text      what happened, one line, credentials already redacted
 * @param insideTls seen inside TLS: decrypted with a key log
 */
public record TimelineEntry(long frame, long timeNanos, String from, String kind, String text, boolean insideTls) {
    public TimelineEntry(long frame, long timeNanos, String from, String kind, String text) {
        this(frame, timeNanos, from, kind, text, false);
    }
}
