package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;


/**
 * The reassembler's private state for one open connection: its two {@link HalfStream}s, the Zeek tracker and the
 * consumer. The public {@link TcpConnection} keeps only the counters; this object is dropped when it is reported,
 * which frees every buffer.
 *
 * <p>Consumer calls are guarded: a consumer that throws a RuntimeException is not called again for this connection
 * (its failure is kept in {@link TcpConnection#consumerFailure()} and counted), while reassembly and the
 * connection's counters go on.
 */
final class Flow implements HalfStream.Output, Open {
    /** Totals shared by all flows of one reassembler. */
    static final class Totals {
        long bufferedNow;
        long peakBuffered;
        long droppedBytes;
        long consumerFailures;
        /** {@link ReassemblyLimits#maxTotalOutOfOrderBytes()}. */
        long maxBuffered = Long.MAX_VALUE;
    }

    final FlowKey key;
    final TcpConnection conn;
    /** The client is the lower endpoint of the key: a segment's direction is whether it came from that side. */
    private final boolean clientIsLow;
    private final int maxOutOfOrderBytes;
    /**
     * Made at the first segment that needs them: a SYN that is never answered (a scan) never gets the server's
     * half (each half is about 100 bytes, and a scan keeps 100,000 such connections open at once).
     */
    private HalfStream toServer;
    private HalfStream toClient;
    private final ZeekTracker zeek;
    private final Totals totals;
    private StreamConsumer consumer = StreamConsumer.IGNORE;
    private boolean consumerBroken;
    private boolean clientEndReported;
    private boolean serverEndReported;
    private boolean clientIsnKnown;
    private long clientIsn;
    private long serverIsn;
    /** A SYN-ACK repeated with another ISN (a server that restarted its handshake): its ISN, until decided. */
    private boolean otherServerIsnSeen;
    private long otherServerIsn;
    private Direction firstFin;

    Flow(FlowKey key, TcpConnection conn, TcpSegment first, boolean senderIsClient, ReassemblyLimits limits,
         Totals totals) {
        this.key = key;
        this.conn = conn;
        this.totals = totals;
        this.clientIsLow = senderIsClient == key.sourceIsLow();
        this.maxOutOfOrderBytes = limits.maxOutOfOrderBytes();
        this.zeek = new ZeekTracker(conn.history);
        if (!senderIsClient) {
            zeek.flipped();
        }
    }

    @Override
    public long id() {
        return conn.id;
    }

    @Override
    public long lastActivityNanos() {
        return conn.lastActivityNanos;
    }

    @Override
    public long lastFrame() {
        return conn.lastFrame;
    }

    void consumer(StreamConsumer c) {
        this.consumer = c == null ? StreamConsumer.IGNORE : c;
    }

    /** @param sourceIsLow the segment came from the key's lower endpoint ({@link FlowKey#sourceIsLow()}) */
    Direction directionOf(boolean sourceIsLow) {
        return sourceIsLow == clientIsLow ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
    }

    /**
     * True when a SYN (without ACK) means the 4-tuple is being reused by a new connection: the SYN does not repeat
     * the client's ISN, and this connection is closing (a FIN or RST was seen) or was never answered (a new
     * attempt from the same port).
     */
    boolean reusedBy(TcpSegment seg, boolean sourceIsLow) {
        if (clientIsnKnown && seg.seq == clientIsn && directionOf(sourceIsLow).fromClient()) {
            return false; // a retransmitted SYN
        }
        boolean closing = firstFin != null || zeek.orig() == ZeekTracker.Ep.CLOSED
                || zeek.resp() == ZeekTracker.Ep.CLOSED || zeek.orig() == ZeekTracker.Ep.RESET
                || zeek.resp() == ZeekTracker.Ep.RESET;
        boolean unanswered = clientIsnKnown && conn.serverPackets == 0;
        return closing || unanswered;
    }

    /** Updates state and counters for one segment (before its data is delivered). */
    Direction account(TcpSegment seg, boolean sourceIsLow) {
        Direction d = directionOf(sourceIsLow);
        boolean isOrig = d.fromClient();
        boolean syn = seg.has(TcpSegment.SYN);
        boolean ack = seg.has(TcpSegment.ACK);
        boolean fin = seg.has(TcpSegment.FIN);
        boolean rst = seg.has(TcpSegment.RST);
        int wire = Math.max(0, seg.wireLength);
        conn.lastFrame = seg.frame;
        conn.lastActivityNanos = seg.timeNanos;
        if (isOrig) {
            conn.clientPackets++;
        } else {
            conn.serverPackets++;
        }
        if (syn && !ack && isOrig && conn.synFrame == 0) {
            conn.synFrame = seg.frame;
            conn.synNanos = seg.timeNanos;
            clientIsnKnown = true;
            clientIsn = seg.seq;
        }
        if (syn && ack && !isOrig) {
            if (conn.synAckFrame == 0) {
                conn.synAckFrame = seg.frame;
                conn.synAckNanos = seg.timeNanos;
                serverIsn = seg.seq;
            } else if (seg.seq != serverIsn) {
                otherServerIsnSeen = true;
                otherServerIsn = seg.seq;
            }
        }
        if (isOrig && ack && !syn && conn.synAckFrame != 0 && conn.establishedNanos == 0) {
            conn.establishedNanos = seg.timeNanos;
        }
        HalfStream h = half(d);
        if (syn) {
            h.start(seg.seq + 1);
        } else {
            h.startMidstream(seg.seq);
        }
        boolean keepAlive = !syn && !fin && !rst && h.isKeepAlive(seg.seq, wire);
        zeek.letters(isOrig, seg.flags, keepAlive ? 0 : wire, seg.window);
        zeek.update(isOrig, seg.flags, wire);
        if (wire > 0 && !rst && !keepAlive && conn.firstSpeaker == null) {
            conn.firstSpeaker = d;
            conn.firstPayloadFrame = seg.frame;
            conn.firstPayloadNanos = seg.timeNanos;
        }
        if (fin) {
            h.fin(seg.seq + (syn ? 1 : 0) + wire);
            if (firstFin == null) {
                firstFin = d;
            }
        }
        updateState();
        return d;
    }

    /** Reassembles the segment's payload and applies its ACK; reports directions that reached their FIN. */
    void deliver(TcpSegment seg, Direction d) {
        boolean syn = seg.has(TcpSegment.SYN);
        boolean rst = seg.has(TcpSegment.RST);
        int wire = Math.max(0, seg.wireLength);
        HalfStream h = half(d);
        // RST payloads (diagnostic text) are not stream data; keep-alives are not data either.
        if (wire > 0 && !rst && !(!syn && !seg.has(TcpSegment.FIN) && h.isKeepAlive(seg.seq, wire))) {
            if (seg.truncated()) {
                conn.trouble().truncatedSegments++;
            }
            // Never trust lengths beyond the array (bad input must not throw out of the reassembler).
            int available = seg.data == null || seg.dataOffset < 0 ? 0
                    : Math.max(0, seg.data.length - seg.dataOffset);
            int captured = Math.max(0, Math.min(Math.min(seg.capturedLength, wire), available));
            HalfStream.Fate fate = h.data(syn ? seg.seq + 1 : seg.seq, seg.data, seg.dataOffset, captured, wire,
                    seg.frame, seg.timeNanos);
            if (fate == HalfStream.Fate.OLD) {
                zeek.retransmission(d.fromClient());
            }
        }
        if (seg.has(TcpSegment.ACK) && !rst) {
            if (otherServerIsnSeen && isOrigAckOf(d, seg, otherServerIsn)) {
                // The client acknowledged the other SYN-ACK: its ISN wins (the server's data will follow it).
                if (half(Direction.SERVER_TO_CLIENT).restartAt(seg.ack)) {
                    serverIsn = otherServerIsn;
                }
                otherServerIsnSeen = false;
            }
            half(d.opposite()).acked(seg.ack, seg.frame, seg.timeNanos);
        }
        endIfFinReached(toServer, seg.frame, seg.timeNanos);
        endIfFinReached(toClient, seg.frame, seg.timeNanos);
        updateState();
    }

    private static boolean isOrigAckOf(Direction d, TcpSegment seg, long isn) {
        return d.fromClient() && seg.ack == ((isn + 1) & 0xffffffffL);
    }

    boolean bothFinished() {
        return toServer != null && toClient != null
                && toServer.ended() && toClient.ended() && toServer.finSeen() && toClient.finSeen();
    }

    Direction firstFin() {
        return firstFin;
    }

    /**
     * Delivers what is left (buffered data, gaps for holes), ends both directions and fills the end fields.
     * Frees the buffers; the caller then tells the listener.
     */
    void end(TcpConnection.EndReason reason, Direction closedBy, long frame, long time) {
        if (toServer != null) {
            toServer.flushAll(frame, time);
        }
        if (toClient != null) {
            toClient.flushAll(frame, time);
        }
        notifyEnd(Direction.CLIENT_TO_SERVER, frame, time);
        notifyEnd(Direction.SERVER_TO_CLIENT, frame, time);
        if (toServer != null) {
            toServer.close();
        }
        if (toClient != null) {
            toClient.close();
        }
        conn.endReason = reason;
        conn.closedBy = closedBy;
        updateState();
    }

    private void endIfFinReached(HalfStream h, long frame, long time) {
        if (h != null && h.reachedFin()) {
            notifyEnd(h == toServer ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, frame, time);
        }
    }

    private void notifyEnd(Direction d, long frame, long time) {
        if (d.fromClient() ? clientEndReported : serverEndReported) {
            return;
        }
        if (d.fromClient()) {
            clientEndReported = true;
        } else {
            serverEndReported = true;
        }
        if (!consumerBroken) {
            try {
                consumer.onEnd(d, frame, time);
            } catch (RuntimeException e) {
                consumerFailed(e);
            }
        }
    }

    private void updateState() {
        conn.state = zeek.connState(conn.clientBytes + conn.clientGapBytes(), conn.serverBytes + conn.serverGapBytes());
    }

    /** A direction's half, made at its first use. */
    private HalfStream half(Direction d) {
        if (d.fromClient()) {
            if (toServer == null) {
                toServer = new HalfStream(Direction.CLIENT_TO_SERVER, this, maxOutOfOrderBytes);
            }
            return toServer;
        }
        if (toClient == null) {
            toClient = new HalfStream(Direction.SERVER_TO_CLIENT, this, maxOutOfOrderBytes);
        }
        return toClient;
    }

    private void consumerFailed(RuntimeException e) {
        consumerBroken = true;
        conn.trouble().consumerFailure = e;
        totals.consumerFailures++;
    }

    @Override
    public void data(Direction d, byte[] a, int off, int len, long frame, long time) {
        if (d.fromClient()) {
            conn.clientBytes += len;
        } else {
            conn.serverBytes += len;
        }
        if (!consumerBroken) {
            try {
                consumer.onData(d, a, off, len, frame, time);
            } catch (RuntimeException e) {
                consumerFailed(e);
            }
        }
    }

    @Override
    public void gap(Direction d, long len, long frame, long time) {
        TcpConnection.Trouble t = conn.trouble();
        t.gaps++;
        if (d.fromClient()) {
            t.clientGapBytes += len;
        } else {
            t.serverGapBytes += len;
        }
        zeek.gap(d.fromClient());
        if (!consumerBroken) {
            try {
                consumer.onGap(d, len, frame, time);
            } catch (RuntimeException e) {
                consumerFailed(e);
            }
        }
    }

    @Override
    public void buffered(int delta) {
        totals.bufferedNow += delta;
        if (totals.bufferedNow > totals.peakBuffered) {
            totals.peakBuffered = totals.bufferedNow;
        }
    }

    @Override
    public boolean overTotalLimit() {
        return totals.bufferedNow > totals.maxBuffered;
    }

    @Override
    public void conflict() {
        conn.trouble().conflictingOverlaps++;
    }

    @Override
    public void dropped(long bytes) {
        conn.trouble().droppedOutOfOrderBytes += bytes;
        totals.droppedBytes += bytes;
    }
}
