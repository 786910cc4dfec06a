package io.mailscope.dissect;

/**
 * How many events all open sessions of one analysis keep between them, and how many bytes their dissectors hold in
 * lines and handshake messages in progress. Each session is bounded ({@link Session}, the line and message caps), but
 * a busy capture has thousands of connections open at once: the analysis watches these totals and reports the least
 * recently active connection early when they are over its budget. Single-threaded, like the analysis.
 */
public final class EventTally {
    private long kept;
    private long retainedBytes;

    /** Events kept by sessions not yet {@linkplain Session#released() released}. */
    public long kept() {
        return kept;
    }

    void add(long n) {
        kept += n;
    }

    /** Bytes the dissectors of sessions not yet released hold ({@link EventSink#retained}). */
    public long retainedBytes() {
        return retainedBytes;
    }

    void addBytes(long n) {
        retainedBytes += n;
    }
}
