package io.mailscope.dissect;

/**
 * How many events all open sessions of one analysis keep between them. Each session's events are bounded
 * ({@link Session}), but a busy capture has thousands of long conversations open at once, each keeping up to a few
 * thousand events: the analysis watches this total and reports the least recently active connection early when it
 * is over its budget. Single-threaded, like the analysis.
 */
public final class EventTally {
    private long kept;

    /** Events kept by sessions not yet {@linkplain Session#released() released}. */
    public long kept() {
        return kept;
    }

    void add(long n) {
        kept += n;
    }
}
