package io.mailscope.pipeline;

import io.mailscope.capture.TcpSegment;
import io.mailscope.capture.TunnelStack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the reading thread hands one analysis worker at a time: a run of records (segments and clock marks) in
 * frame order, in flat arrays. A batch is an arena that goes round between the reader and its worker (filled,
 * handed over, read, given back through the worker's return queue, cleared), so in steady state handing a segment
 * to another thread allocates nothing: its fields go into the arrays, its payload is copied into one byte array
 * (the reader's buffer is refilled under it), and a tunnelled segment's {@link TunnelStack} into a reused one.
 */
final class SegmentBatch {
    /** A decoded segment for the worker's reassembler. */
    static final byte SEGMENT = 0;
    /** Look for idle connections at this capture time (the reader's clock: {@link io.mailscope.tcp.IdleClock}). */
    static final byte EXPIRE = 1;
    /** A new input file begins: the session clock's base may move ({@link SessionTracker#fileStarts()}). */
    static final byte FILE_STARTS = 2;
    /** Times are relative to this capture time ({@link SessionTracker#captureStart(long)}). */
    static final byte CAPTURE_START = 3;
    /** End of input: report every connection still open. The batch's last record. */
    static final byte FINISH = 4;
    /** Live clock: look for idle connections after the last frame ({@link ShardedAnalysis#expireIdle}). */
    static final byte EXPIRE_AFTER = 5;
    /**
     * Live clock: the worker's watch looks at its open sessions at this wall-clock time, after the last frame
     * ({@link ShardedAnalysis#liveTick}); followed by an {@link #EXPIRE_AFTER} at the same time.
     */
    static final byte TICK = 6;
    /**
     * A file dated before the time the run reached begins at this frame ({@link RunTime}): report every connection
     * still open as at the end of input, watched until this record's time (the frame before's).
     */
    static final byte TIME_WENT_BACK = 7;

    /** Records per batch; a round is handed over before any batch overflows. */
    final int capacity;
    /** Payload bytes a batch is meant to hold; one more frame may go beyond it (the array then grows once). */
    final int payloadSoftLimit;

    final byte[] kind;
    final long[] frame;
    final long[] time;
    final long[] seq;
    final long[] ack;
    final int[] ports;       // source port << 16 | destination port
    final int[] flags;
    final int[] window;
    final byte[] ipVersion;
    final int[] payloadOffset;
    final int[] capturedLength;
    final int[] wireLength;
    final short[] tunnel;    // index into tunnels, -1 for none
    final byte[] addresses;  // 32 bytes a record: source then destination
    byte[] payload;
    private final List<TunnelStack> tunnels = new ArrayList<>();
    private int tunnelsUsed;

    int size;
    int payloadUsed;
    /** Every record for frames up to this one, for this worker, is in this batch or an earlier one. */
    long upToFrame;

    SegmentBatch(int capacity, int payloadSoftLimit) {
        this.capacity = capacity;
        this.payloadSoftLimit = payloadSoftLimit;
        kind = new byte[capacity];
        frame = new long[capacity];
        time = new long[capacity];
        seq = new long[capacity];
        ack = new long[capacity];
        ports = new int[capacity];
        flags = new int[capacity];
        window = new int[capacity];
        ipVersion = new byte[capacity];
        payloadOffset = new int[capacity];
        capturedLength = new int[capacity];
        wireLength = new int[capacity];
        tunnel = new short[capacity];
        addresses = new byte[capacity * 32];
        payload = new byte[payloadSoftLimit];
    }

    /** Room for one more frame's records (a segment and the clock marks that may precede it: at most 4)? */
    boolean hasRoom() {
        return size + 5 <= capacity && payloadUsed < payloadSoftLimit;
    }

    void clear() {
        size = 0;
        payloadUsed = 0;
        tunnelsUsed = 0;
        upToFrame = 0;
    }

    void mark(byte what, long frameNumber, long timeNanos) {
        int i = size++;
        kind[i] = what;
        frame[i] = frameNumber;
        time[i] = timeNanos;
    }

    void add(TcpSegment s) {
        int i = size++;
        kind[i] = SEGMENT;
        frame[i] = s.frame;
        time[i] = s.timeNanos;
        seq[i] = s.seq;
        ack[i] = s.ack;
        ports[i] = s.srcPort << 16 | s.dstPort;
        flags[i] = s.flags;
        window[i] = s.window;
        ipVersion[i] = (byte) s.ipVersion;
        int len = s.addressLength();
        System.arraycopy(s.src, 0, addresses, i * 32, len);
        System.arraycopy(s.dst, 0, addresses, i * 32 + 16, len);
        int n = Math.max(0, s.capturedLength);
        if (payloadUsed + n > payload.length) {
            payload = Arrays.copyOf(payload, Math.max(payload.length * 2, payloadUsed + n));
        }
        if (n > 0) {
            System.arraycopy(s.data, s.dataOffset, payload, payloadUsed, n);
        }
        payloadOffset[i] = payloadUsed;
        capturedLength[i] = s.capturedLength;
        wireLength[i] = s.wireLength;
        payloadUsed += n;
        if (s.tunnel.depth() == 0) {
            tunnel[i] = -1;
        } else {
            if (tunnelsUsed == tunnels.size()) {
                tunnels.add(new TunnelStack());
            }
            tunnels.get(tunnelsUsed).copyFrom(s.tunnel);
            tunnel[i] = (short) tunnelsUsed++;
        }
    }

    /** Loads record {@code i} (a {@link #SEGMENT}) into the worker's reused segment. */
    void load(int i, TcpSegment s, TunnelStack none) {
        s.frame = frame[i];
        s.timeNanos = time[i];
        s.seq = seq[i];
        s.ack = ack[i];
        s.srcPort = ports[i] >>> 16;
        s.dstPort = ports[i] & 0xffff;
        s.flags = flags[i];
        s.window = window[i];
        s.ipVersion = ipVersion[i];
        int len = s.addressLength();
        System.arraycopy(addresses, i * 32, s.src, 0, len);
        System.arraycopy(addresses, i * 32 + 16, s.dst, 0, len);
        s.data = payload;
        s.dataOffset = payloadOffset[i];
        s.capturedLength = capturedLength[i];
        s.wireLength = wireLength[i];
        s.tunnel.copyFrom(tunnel[i] < 0 ? none : tunnels.get(tunnel[i]));
    }
}
