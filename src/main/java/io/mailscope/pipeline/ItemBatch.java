package io.mailscope.pipeline;

import java.util.Arrays;

/**
 * What a worker tells the merge, many items at a time: a run of {@link ShardItem}s in key order, in flat arrays. A
 * batch goes round between a worker and the merge (filled, handed over, read, given back through the worker's
 * return queue, cleared), as {@link SegmentBatch}es go round between the reader and a worker.
 *
 * <p>Why not one queue entry per item: on a scan (one SYN per connection) every connection crossed to the merge
 * twice, opened and finished, as an object through the queue, each a queue operation on both sides and often a
 * wake-up; the items waiting in the queue were young objects that the collector copied. A file's opening is now a
 * row of primitives here (no object at all), and a batch is handed over and woken for once.
 */
final class ItemBatch {
    /** A connection opened: {@link #local} is its number in its worker (live: {@link #value} is the note). */
    static final byte OPENED = 0;
    /** A session finished, handed on whole ({@link #value} is the {@code AnalyzedSession}). */
    static final byte SESSION = 1;
    /**
     * A session finished, prepared by its worker ({@link #value} is what {@link SessionOutput#prepare} made; what it
     * wrote into {@link #bytes} is at {@link #from}, {@link #length}).
     */
    static final byte PREPARED = 2;
    /** Live capture: what the worker's watch said about an open session ({@link #value} is the note). */
    static final byte NOTE = 3;

    /** Items a batch holds. */
    final int capacity;
    final byte[] kind;
    final long[] frame;
    final byte[] phase;
    final long[] tie;
    /** The connection's number in its worker (opened and finished items of files). */
    final long[] local;
    /** A finished session's weight in {@link ShardWorker#waitingEvents}. */
    final long[] weight;
    /** Live capture: the connection's open key ({@code TcpConnection.openKey()}); null for files. */
    final Object[] key;
    /** The session, the prepared session or the note; null for a file's opening. */
    final Object[] value;
    /** A prepared session's run in {@link #bytes}: where it starts, and how long it is (0: nothing written there). */
    final int[] from;
    final int[] length;
    /** What the batch's prepared sessions wrote, for the merge (files; live capture prepares without it). */
    final ItemBytes bytes;

    int size;
    /** The merge's place: the next item to hand on. */
    int read;

    /** @param bytes the size of {@link #bytes}: the batch is full when its prepared sessions' runs fill it */
    ItemBatch(int capacity, int bytes) {
        this.capacity = capacity;
        kind = new byte[capacity];
        frame = new long[capacity];
        phase = new byte[capacity];
        tie = new long[capacity];
        local = new long[capacity];
        weight = new long[capacity];
        key = new Object[capacity];
        value = new Object[capacity];
        from = new int[capacity];
        length = new int[capacity];
        this.bytes = new ItemBytes(bytes);
    }

    /** No room for another item: every row taken, or the prepared sessions' bytes near their limit. */
    boolean full() {
        return size == capacity || bytes.full();
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Everything handed on. */
    boolean exhausted() {
        return read == size;
    }

    void add(byte kind, long frame, int phase, long tie, long local, long weight, Object key, Object value) {
        add(kind, frame, phase, tie, local, weight, key, value, 0, 0);
    }

    /** An item whose prepared session wrote {@code [from, from + length)} of {@link #bytes}. */
    void add(byte kind, long frame, int phase, long tie, long local, long weight, Object key, Object value, int from,
             int length) {
        int i = size++;
        this.from[i] = from;
        this.length[i] = length;
        this.kind[i] = kind;
        this.frame[i] = frame;
        this.phase[i] = (byte) phase;
        this.tie[i] = tie;
        this.local[i] = local;
        this.weight[i] = weight;
        this.key[i] = key;
        this.value[i] = value;
    }

    void add(ShardItem item) {
        add(item.kind(), item.frame(), item.phase(), item.tie(), item.local(), item.weight(), item.key(), item.value());
    }

    /** Whether the next item to hand on comes before {@code o}'s (the order {@link ShardItem} describes). */
    boolean before(ItemBatch o) {
        int i = read;
        int j = o.read;
        if (frame[i] != o.frame[j]) {
            return frame[i] < o.frame[j];
        }
        if (phase[i] != o.phase[j]) {
            return phase[i] < o.phase[j];
        }
        return tie[i] < o.tie[j];
    }

    /** Ready to be filled again; drops the references so what was handed on can go. */
    void clear() {
        if (size > 0) {
            Arrays.fill(key, 0, size, null);
            Arrays.fill(value, 0, size, null);
        }
        size = 0;
        read = 0;
        bytes.clear();
    }
}
