package io.mailscope.dissect;

/**
 * How many events all open sessions of one analysis keep between them, and how many bytes their dissectors hold in
 * lines and handshake messages in progress. Each session is bounded ({@link Session}, the line and message caps), but
 * a busy capture has thousands of connections open at once: the analysis watches these totals and reports the least
 * recently active connection early when they are over its budget. Single-threaded, like the analysis.
 */
public final class EventTally {
    /** Rough heap cost of one kept event with its strings (jmap: 350 bytes for an IMAP response), rounded up. */
    public static final long BYTES_PER_EVENT = 512;

    private final long budget;
    private long kept;
    private long retainedBytes;

    /** A tally without a budget. */
    public EventTally() {
        this(Long.MAX_VALUE);
    }

    /** @param budget events (retained bytes counted as events of {@value #BYTES_PER_EVENT} bytes) beyond which sessions stop growing */
    public EventTally(long budget) {
        this.budget = budget;
    }

    /** Events kept plus retained bytes in events. */
    public long load() {
        return kept + retainedBytes / BYTES_PER_EVENT;
    }

    /** Over the budget, sessions stop growing ({@link Session#add}). */
    public boolean overBudget() {
        return load() > budget;
    }

    /** Events kept by sessions not yet {@linkplain Session#released() released}. */
    public long kept() {
        return kept;
    }

    void add(long n) {
        kept += n;
    }

    /**
     * Counts (or, with a negative {@code n}, stops counting) the one event a connection kept as a compact SYN-only
     * record stands for: the SYN its session would keep. The budget then sees such connections as it saw them when
     * each had its session, so the same connections are evicted for it.
     */
    public void addCompact(long n) {
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
