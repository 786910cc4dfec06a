package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;

/**
 * A connection that has sent only SYNs and had no answer, kept as its own map key: the 4-tuple, its number, the
 * first and last SYN and how many. A port scan, or a server that went away, keeps up to {@code --max-connections}
 * of these open at once, and the whole state of one (flow, halves, Zeek tracker, {@link TcpConnection}, session,
 * analyzers, the SYN event) cost about 1 KB; this is about 130 bytes with its map entry.
 *
 * <p>Only a plain SYN qualifies (no ACK, FIN or RST, no payload, a window that is not zero, outside any tunnel):
 * then everything the whole state would have recorded follows from these fields, and {@link TcpReassembler} makes
 * it whole by replaying the first and last SYN (at the connection's first other packet, or when it is reported),
 * with exactly the results it would have had. A retransmitted SYN (same ISN, same qualities) only moves the last.
 */
final class SynOnly extends FlowKey implements Open {
    private final long id;
    final long firstFrame;
    final long firstNanos;
    long lastFrame;
    long lastNanos;
    /** The client's ISN (unsigned 32 bits). */
    final int isn;
    /** SYNs seen (the first and its retransmissions). */
    int count = 1;
    /** The first SYN's flags (a SYN may carry ECE, CWR, PSH or URG). */
    final byte flags;
    /**
     * The window replayed: a SYN qualifies only with a window that is not zero, and that is all of it anything
     * reads (Zeek's W letter), so the value itself is not kept.
     */
    private static final int NONZERO_WINDOW = 65_535;

    /** @param probe loaded with {@code syn}, which came from the lower or higher endpoint as {@code probe} says */
    SynOnly(FlowKey probe, long id, TcpSegment syn) {
        super(probe);
        this.id = id;
        this.firstFrame = syn.frame;
        this.firstNanos = syn.timeNanos;
        this.lastFrame = syn.frame;
        this.lastNanos = syn.timeNanos;
        this.isn = (int) syn.seq;
        this.flags = (byte) syn.flags;
    }

    /** A segment that opens a connection which can be kept this way (see the class comment). */
    static boolean qualifies(TcpSegment seg) {
        return (seg.flags & (TcpSegment.SYN | TcpSegment.ACK | TcpSegment.FIN | TcpSegment.RST)) == TcpSegment.SYN
                && seg.wireLength == 0 && seg.window != 0 && seg.tunnel.depth() == 0;
    }

    /** A retransmission of the first SYN from the same side that changes nothing but the last SYN and the count. */
    boolean absorbs(TcpSegment seg, boolean sourceIsLow) {
        return sourceIsLow == sourceIsLow() && qualifies(seg) && (int) seg.seq == isn;
    }

    void retransmitted(TcpSegment seg) {
        lastFrame = seg.frame;
        lastNanos = seg.timeNanos;
        count++;
    }

    /** Loads {@code seg} with the first SYN ({@code last} false) or the last, as captured. */
    TcpSegment replay(TcpSegment seg, boolean last) {
        writeTo(seg, sourceIsLow());
        seg.frame = last ? lastFrame : firstFrame;
        seg.timeNanos = last ? lastNanos : firstNanos;
        seg.seq = isn & 0xffffffffL;
        seg.ack = 0;
        seg.flags = flags & 0xff;
        seg.window = NONZERO_WINDOW;
        seg.data = null;
        seg.dataOffset = 0;
        seg.capturedLength = 0;
        seg.wireLength = 0;
        return seg;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public long lastActivityNanos() {
        return lastNanos;
    }

    @Override
    public long lastFrame() {
        return lastFrame;
    }
}
