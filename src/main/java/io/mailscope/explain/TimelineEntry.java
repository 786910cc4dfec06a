package io.mailscope.explain;

/**
 * One line of a session's timeline.
 *
 * @param from  "client", "server", or "none" for notes about both (silences, capture limits)
 * @param kind  tcp, imap, tls, note, problem, silence
 * @param text  what happened, one line, credentials already redacted
 */
public record TimelineEntry(long frame, long timeNanos, String from, String kind, String text) {
}
