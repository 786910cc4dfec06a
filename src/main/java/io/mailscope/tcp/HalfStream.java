package io.mailscope.tcp;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reassembly of one direction of a connection into an ordered byte stream.
 *
 * <p>Sequence numbers are mapped to 64-bit stream offsets relative to the next byte expected
 * ({@code offset = next + (int) (seq - nextSeq)}): all 32-bit wrap-around is handled in that one place and the
 * rest of the code compares plain longs.
 *
 * <p>In-order data with nothing buffered is delivered straight from the caller's array (no copy). Out-of-order
 * data is copied into a sorted map of non-overlapping chunks; the first copy of every byte wins. Bytes known to be
 * missing (cut by the snaplen) are held as chunks without data and delivered as gaps.
 *
 * <p>Overlaps are compared with buffered chunks exactly and with the last {@value #RECENT} delivered bytes (a
 * small ring taken on first delivery, reused from ended directions); overlaps with older delivered bytes cannot be
 * checked.
 */
final class HalfStream {
    /** What reassembly produces; implemented by the connection that owns the two halves. */
    interface Output {
        void data(Direction d, byte[] a, int off, int len, long frame, long time);

        void gap(Direction d, long len, long frame, long time);

        /** Change of the bytes held out of order (positive or negative), for memory accounting. */
        void buffered(int delta);

        void conflict();

        void dropped(long bytes);

        /** All connections together hold more out-of-order bytes than they may: give holes up. */
        default boolean overTotalLimit() {
            return false;
        }
    }

    static final int RECENT = 1024;
    /**
     * Rings of ended directions, kept for the next directions this thread starts (each worker reassembles on its own
     * thread). A ring is only read where this direction wrote it ({@code recentFill}), so an old one's bytes never
     * count. Without it every direction allocated a new 1 KiB ring that lived as long as its connection: on the
     * 1.09 GiB long-session capture 10 MB of the 22 MB that reading and reassembly allocated, each ring copied by
     * the young collections and promoted with its connection.
     */
    private static final ThreadLocal<ArrayDeque<byte[]>> SPARE_RINGS = ThreadLocal.withInitial(ArrayDeque::new);
    /** At most this many spare rings per thread (64 KiB): enough for the connections that end between two starts. */
    static final int MAX_SPARE_RINGS = 64;
    /**
     * Data or a FIN further ahead than this (the largest TCP window, 2^30) cannot be real: it is ignored rather
     * than allowed to turn everything before it into a gap.
     */
    static final long MAX_AHEAD = 1L << 30;
    /** An ACK number of 0 this far ahead is taken as broken, as Zeek's TOO_LARGE_SEQ_DELTA. */
    static final long BROKEN_ZERO_ACK = 1L << 20;

    /** A buffered run of bytes; {@code data == null} marks bytes known to be missing. */
    private static final class Chunk {
        final byte[] data;
        final int len;

        Chunk(byte[] data, int len) {
            this.data = data;
            this.len = len;
        }
    }

    /** Result of {@link #data}: whether the segment brought any byte not seen before. */
    enum Fate { NEW, OLD, IGNORED }

    private final Direction dir;
    private final Output out;
    private final int maxBuffered;
    /**
     * Each buffered chunk also costs bookkeeping (a map entry, a chunk object): their number is bounded too, so
     * a flood of 1-byte or snaplen-cut segments cannot grow memory while staying under the byte limit.
     */
    private final int maxChunks;

    private boolean started;
    private long next;
    private int nextSeq;
    private TreeMap<Long, Chunk> pending;
    private int bufferedBytes;
    private boolean finSeen;
    private long finAt;
    private boolean ended;
    private boolean ackSeen;
    private long ackedUpTo;
    /** The last range given up because the out-of-order buffer was full: late bytes in it count as dropped. */
    private long givenUpFrom;
    private long givenUpTo;

    private byte[] recent;
    private int recentFill;

    /** The peer acknowledged this sequence number before this direction sent anything the capture saw. */
    private boolean ackBeforeStart;
    private long ackBeforeStartSeq;
    /**
     * This direction was joined mid-stream at the peer's acknowledgement, before its first captured byte: a hole
     * there is either a reordered segment still to come or bytes sent before the capture began, never a loss to
     * report. Cleared by the first delivered byte.
     */
    private boolean softStart;
    /** How far before its first captured byte a mid-stream direction may start (a window of reordered data). */
    static final int SOFT_START_WINDOW = 1 << 20;

    HalfStream(Direction dir, Output out, int maxBuffered) {
        this.dir = dir;
        this.out = out;
        this.maxBuffered = Math.max(0, maxBuffered);
        this.maxChunks = Math.max(64, this.maxBuffered / 64);
    }

    boolean started() {
        return started;
    }

    boolean ended() {
        return ended;
    }

    boolean finSeen() {
        return finSeen;
    }

    int bufferedBytes() {
        return bufferedBytes;
    }

    /** The 32-bit sequence number of the next byte expected (valid once started). */
    long nextSeq() {
        return nextSeq & 0xffffffffL;
    }

    /** Starts the sequence space: the first data byte has sequence number {@code seq}. */
    void start(long seq) {
        if (!started) {
            started = true;
            next = 0;
            nextSeq = (int) seq;
        }
    }

    /**
     * Moves the start of a stream nothing was read from yet (no byte delivered or buffered, no FIN), so the first
     * data byte has sequence number {@code seq}: for a SYN-ACK retransmitted with another ISN, when the client
     * acknowledges that one. False when the stream is no longer untouched.
     */
    boolean restartAt(long seq) {
        if (!started || next != 0 || (pending != null && !pending.isEmpty()) || finSeen || ended) {
            return false;
        }
        nextSeq = (int) seq;
        ackSeen = false;
        ackedUpTo = 0;
        return true;
    }

    /**
     * Starts a direction whose first captured segment is not a SYN (the capture began mid-connection, or missed the
     * SYN): at the peer's acknowledgement when one came first and lies shortly before {@code seq}, so segments
     * reordered at the start of the capture are put back in order; else at {@code seq}.
     */
    void startMidstream(long seq) {
        if (started) {
            return;
        }
        int ahead = (int) seq - (int) ackBeforeStartSeq;
        if (ackBeforeStart && ahead > 0 && ahead <= SOFT_START_WINDOW) {
            start(ackBeforeStartSeq);
            softStart = true;
        } else {
            start(seq);
        }
    }

    long offsetOf(long seq) {
        return next + (int) ((int) seq - nextSeq);
    }

    /**
     * True for a keep-alive or a Linux-style zero-window probe: 0 or 1 byte just below the next byte expected,
     * after the peer acknowledged everything up to it. Not data, not a retransmission. (Without that ACK, a
     * 1-byte segment there is a real retransmission of the last byte.)
     */
    boolean isKeepAlive(long seq, int wireLen) {
        return started && wireLen <= 1 && offsetOf(seq) == next - 1
                && (wireLen == 0 || (ackSeen && ackedUpTo >= next));
    }

    /**
     * One segment's payload: {@code captured} bytes present in {@code a}, {@code wire} bytes sent.
     *
     * @return NEW when it brought at least one byte not seen before, OLD when all of it was already seen
     */
    Fate data(long seq, byte[] a, int off, int captured, int wire, long frame, long time) {
        if (!started || ended || wire <= 0) {
            return Fate.IGNORED;
        }
        captured = Math.max(0, Math.min(captured, wire));
        long start = offsetOf(seq);
        if (start - next > MAX_AHEAD) {
            return Fate.IGNORED;
        }
        long end = start + wire;
        if (start < next) {
            // Already delivered: compare what we still remember, count late bytes of a range given up on.
            compareWithRecent(start, a, off, captured);
            countLateGivenUp(start, Math.min(end, next));
            if (end <= next) {
                return Fate.OLD;
            }
            int skip = (int) (next - start);
            if (skip < captured) {
                off += skip;
                captured -= skip;
            } else {
                captured = 0;
            }
            wire -= skip;
            start = next;
        }
        if (start == next && (pending == null || pending.isEmpty())) {
            if (captured > 0) {
                deliver(a, off, captured, frame, time);
            }
            if (wire > captured) {
                gap(wire - captured, frame, time);
            }
            return Fate.NEW;
        }
        boolean fresh = insert(start, a, off, captured, wire);
        flush(frame, time);
        enforceLimit(frame, time);
        gapToAck(frame, time);
        return fresh ? Fate.NEW : Fate.OLD;
    }

    /** The FIN's sequence number (one past the last data byte). */
    void fin(long seq) {
        if (started && !finSeen && offsetOf(seq) - next <= MAX_AHEAD) {
            finSeen = true;
            finAt = Math.max(offsetOf(seq), next);
        }
    }

    /** True once all data before the FIN was delivered: the direction is over. Marks it ended. */
    boolean reachedFin() {
        if (!ended && finSeen && next >= finAt && (pending == null || pending.isEmpty())) {
            ended = true;
            return true;
        }
        return false;
    }

    /**
     * The peer acknowledged up to {@code ack}: bytes before it were on the wire. If they are missing here and data
     * after them is buffered (or the FIN is known), the hole becomes a gap at once.
     */
    void acked(long ack, long frame, long time) {
        if (!started) {
            ackBeforeStart = true;
            ackBeforeStartSeq = ack;
            return;
        }
        if (ended) {
            return;
        }
        long at = offsetOf(ack);
        if (at - next > MAX_AHEAD || (ack == 0 && at - next > BROKEN_ZERO_ACK)) {
            return; // cannot be real; an ACK of 0 far ahead is a broken stack's (Zeek ignores it too)
        }
        if (!ackSeen || at > ackedUpTo) {
            ackSeen = true;
            ackedUpTo = at;
        }
        gapToAck(frame, time);
    }

    /** The connection is over: buffered data and holes are delivered, then the hole before a known FIN. */
    void flushAll(long frame, long time) {
        if (!started || ended) {
            return;
        }
        while (pending != null && !pending.isEmpty()) {
            long first = pending.firstKey();
            if (first > next) {
                gap(first - next, frame, time);
            }
            flush(frame, time);
        }
        if (finSeen && finAt > next) {
            gap(finAt - next, frame, time);
        }
    }

    /** Marks the direction ended without delivering anything more; frees buffers. */
    void close() {
        ended = true;
        if (bufferedBytes != 0) {
            out.buffered(-bufferedBytes);
            bufferedBytes = 0;
        }
        pending = null;
        if (recent != null) {
            ArrayDeque<byte[]> spare = SPARE_RINGS.get();
            if (spare.size() < MAX_SPARE_RINGS) {
                spare.push(recent);
            }
            recent = null;
        }
    }

    private void gapToAck(long frame, long time) {
        while (ackSeen && ackedUpTo > next) {
            long boundary;
            if (pending != null && !pending.isEmpty()) {
                boundary = pending.firstKey();
            } else if (finSeen) {
                boundary = finAt;
            } else {
                return; // nothing known after the hole yet: the gap is declared when data after it arrives
            }
            long to = Math.min(ackedUpTo, boundary);
            if (to <= next) {
                return;
            }
            gap(to - next, frame, time);
            flush(frame, time);
        }
    }

    /** Gives up on holes while more than the limit (of this direction, or of all connections) is buffered. */
    private void enforceLimit(long frame, long time) {
        while (pending != null && !pending.isEmpty()
                && (bufferedBytes > maxBuffered || pending.size() > maxChunks || out.overTotalLimit())) {
            long first = pending.firstKey();
            if (first > next) {
                givenUpFrom = next;
                givenUpTo = first;
                gap(first - next, frame, time);
            }
            flush(frame, time);
        }
    }

    /** Delivers buffered chunks that are now contiguous. */
    private void flush(long frame, long time) {
        while (pending != null && !pending.isEmpty()) {
            Map.Entry<Long, Chunk> e = pending.firstEntry();
            long start = e.getKey();
            if (start > next) {
                return;
            }
            pending.pollFirstEntry();
            Chunk c = e.getValue();
            if (c.data != null) {
                bufferedBytes -= c.len;
                out.buffered(-c.len);
            }
            long end = start + c.len;
            if (end <= next) {
                continue;
            }
            int skip = (int) (next - start);
            if (c.data != null) {
                deliver(c.data, skip, c.len - skip, frame, time);
            } else {
                gap(c.len - skip, frame, time);
            }
        }
    }

    /** Adds the parts of [start, start+wire) not already buffered (first copy wins); true if any was new. */
    private boolean insert(long start, byte[] a, int off, int captured, int wire) {
        if (pending == null) {
            pending = new TreeMap<>();
        }
        long end = start + wire;
        long capEnd = start + captured;
        long pos = start;
        boolean fresh = false;
        boolean conflict = false;
        Map.Entry<Long, Chunk> e = pending.floorEntry(start);
        if (e == null || e.getKey() + e.getValue().len <= start) {
            e = pending.higherEntry(start);
        }
        while (pos < end) {
            long cStart = e == null ? Long.MAX_VALUE : e.getKey();
            if (cStart >= end) {
                cStart = end;
            }
            if (pos < cStart) {
                addNew(pos, cStart, capEnd, a, off - start);
                fresh = true;
                pos = cStart;
                continue;
            }
            // pos lies inside chunk e: the buffered copy wins; compare where both have bytes.
            Chunk c = e.getValue();
            long cEnd = e.getKey() + c.len;
            long to = Math.min(cEnd, end);
            if (c.data != null && !conflict) {
                long cmpEnd = Math.min(to, capEnd);
                for (long p = pos; p < cmpEnd; p++) {
                    if (c.data[(int) (p - e.getKey())] != a[(int) (off + p - start)]) {
                        conflict = true;
                        break;
                    }
                }
            }
            pos = to;
            e = pending.higherEntry(e.getKey());
        }
        if (conflict) {
            out.conflict();
        }
        return fresh;
    }

    /** Buffers [from, to): captured bytes as data, the rest (past capEnd) as a missing chunk. */
    private void addNew(long from, long to, long capEnd, byte[] a, long base) {
        long dataTo = Math.min(to, capEnd);
        if (from < dataTo) {
            int len = (int) (dataTo - from);
            byte[] copy = new byte[len];
            System.arraycopy(a, (int) (base + from), copy, 0, len);
            pending.put(from, new Chunk(copy, len));
            bufferedBytes += len;
            out.buffered(len);
        }
        long missFrom = Math.max(from, capEnd);
        if (missFrom < to) {
            pending.put(missFrom, new Chunk(null, (int) (to - missFrom)));
        }
    }

    private void deliver(byte[] a, int off, int len, long frame, long time) {
        softStart = false;
        remember(a, off, len);
        next += len;
        nextSeq += len;
        out.data(dir, a, off, len, frame, time);
    }

    private void gap(long len, long frame, long time) {
        recentFill = 0; // the ring must hold the bytes just before `next`
        next += len;
        nextSeq += (int) len;
        if (softStart) {
            softStart = false; // sent before the capture began (see softStart): not missing from it
            return;
        }
        out.gap(dir, len, frame, time);
    }

    /** Keeps the delivered bytes [next, next+len) in the ring; byte at offset p lives at {@code p & (RECENT-1)}. */
    private void remember(byte[] a, int off, int len) {
        if (recent == null) {
            byte[] ring = SPARE_RINGS.get().poll();
            recent = ring != null ? ring : new byte[RECENT];
        }
        if (len >= RECENT) {
            off += len - RECENT;
            long from = next + len - RECENT;
            copyIntoRing(a, off, from, RECENT);
            recentFill = RECENT;
            return;
        }
        copyIntoRing(a, off, next, len);
        recentFill = Math.min(RECENT, recentFill + len);
    }

    private void copyIntoRing(byte[] a, int off, long from, int len) {
        int at = (int) (from & (RECENT - 1));
        int first = Math.min(len, RECENT - at);
        System.arraycopy(a, off, recent, at, first);
        System.arraycopy(a, off + first, recent, 0, len - first);
    }

    /** Compares the part of an old segment that is still in the ring of recently delivered bytes. */
    private void compareWithRecent(long start, byte[] a, int off, int captured) {
        long from = Math.max(start, next - recentFill);
        long to = Math.min(start + captured, next);
        for (long p = from; p < to; p++) {
            if (recent[(int) (p & (RECENT - 1))] != a[(int) (off + p - start)]) {
                out.conflict();
                return;
            }
        }
    }

    private void countLateGivenUp(long from, long to) {
        long lo = Math.max(from, givenUpFrom);
        long hi = Math.min(to, givenUpTo);
        if (lo < hi) {
            out.dropped(hi - lo);
        }
    }
}
