package io.mailscope.tcp;

import io.mailscope.capture.SegmentSink;
import io.mailscope.capture.TcpSegment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Reassembles both directions of every TCP connection and hands ordered bytes to each connection's
 * {@link StreamConsumer}. Bounded in memory by {@link ReassemblyLimits}.
 *
 * <p>For each segment, in this order: the connection's state, counters and history are updated;
 * {@link ConnectionListener#segment} is called; then the bytes the segment makes contiguous are delivered
 * ({@code onData}/{@code onGap}), the peer's ACK is applied (an ACK past a hole turns it into a gap at once), and
 * a direction whose FIN is reached gets {@code onEnd}. A connection is reported ({@code onEnd} for each direction
 * not yet ended, then {@link ConnectionListener#closed}) and released as soon as it is over: at a RST, or when
 * both FINs were seen and all data before them delivered. Missing bytes always become {@code onGap}, never a
 * silent skip.
 *
 * <p>Segments for a connection closed by FIN/RST in the last {@link #LINGER_NANOS} (the final ACK, a
 * retransmitted FIN) are counted as late and ignored; a SYN on that 4-tuple starts a new connection.
 *
 * <p>A consumer that throws is not called again for that connection (see {@link TcpConnection#consumerFailure()});
 * exceptions from the listener itself are not caught.
 *
 * <p>Not thread-safe: one capture thread feeds it. The in-order path allocates nothing per segment; memory grows
 * only with open connections and, per direction, with out-of-order data (at most
 * {@link ReassemblyLimits#maxOutOfOrderBytes()}).
 */
public final class TcpReassembler implements SegmentSink {
    /** How long a 4-tuple closed by FIN/RST absorbs late segments: 2 MSL as in RFC 793's TIME-WAIT. */
    static final long LINGER_NANOS = 240L * 1_000_000_000L;
    /** At most this many recently closed 4-tuples are remembered. */
    static final int MAX_RECENTLY_CLOSED = 65_536;
    /**
     * Idle connections are looked for at the first segment, then whenever capture time moved on this much (or back)
     * since the last look. Public so that a caller driving {@link #expireIdle} itself can keep the same rhythm.
     */
    public static final long EXPIRY_CHECK_INTERVAL = 1_000_000_000L;

    private final ConnectionListener listener;
    private final ReassemblyLimits limits;
    private final IntPredicate serverPort;

    /** Access-ordered: the least recently active connection is first (idle expiry and eviction stop early). */
    private final LinkedHashMap<FlowKey, Flow> flows = new LinkedHashMap<>(1024, 0.75f, true);
    /** 4-tuple to close time, insertion-ordered (roughly by close time), bounded. */
    private final LinkedHashMap<FlowKey, Long> recentlyClosed = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<FlowKey, Long> eldest) {
            return size() > MAX_RECENTLY_CLOSED;
        }
    };
    private final FlowKey probe = new FlowKey();
    private final EndpointCache endpoints = new EndpointCache();
    private final Flow.Totals totals = new Flow.Totals();

    private long nextId = 1;
    private boolean expiryChecked;
    private boolean expiryByCaller;
    private long lastExpiryCheck;
    private long evictedIdle;
    private long evictedForSpace;
    private long lateSegments;

    /**
     * @param serverPort tells which port is a server's when the capture starts mid-connection (no SYN seen);
     *                   when neither or both ports match, the lower port is taken as the server's
     */
    public TcpReassembler(ConnectionListener listener, ReassemblyLimits limits, IntPredicate serverPort) {
        this.listener = listener;
        this.limits = limits;
        this.serverPort = serverPort;
        totals.maxBuffered = limits.maxTotalOutOfOrderBytes();
    }

    @Override
    public void segment(TcpSegment seg) {
        long now = seg.timeNanos;
        if (!expiryByCaller && (!expiryChecked || now - lastExpiryCheck >= EXPIRY_CHECK_INTERVAL || now < lastExpiryCheck)) {
            expiryChecked = true;
            lastExpiryCheck = now;
            expireIdle(now);
        }
        probe.set(seg);
        boolean newSyn = seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK);
        Flow flow = flows.get(probe);
        if (flow != null && newSyn && flow.reusedBy(seg, probe.sourceIsLow())) {
            // Port reuse: the old connection is over, the SYN starts a new one. It ended with its FIN if it
            // sent one; an unanswered attempt is reported as IDLE (it was given up).
            flows.remove(flow.key);
            Direction finBy = flow.firstFin();
            report(flow, finBy != null ? TcpConnection.EndReason.FIN : TcpConnection.EndReason.IDLE, finBy,
                    flow.conn.lastFrame, flow.conn.lastActivityNanos);
            flow = null;
        }
        if (flow == null) {
            Long closedAt = recentlyClosed.get(probe);
            if (closedAt != null) {
                if (!newSyn && now - closedAt <= LINGER_NANOS) {
                    lateSegments++;
                    return;
                }
                recentlyClosed.remove(probe);
            }
            flow = open(seg);
        }
        Direction d = flow.account(seg, probe.sourceIsLow());
        listener.segment(flow.conn, d, seg);
        flow.deliver(seg, d);
        if (seg.has(TcpSegment.RST)) {
            flows.remove(flow.key);
            report(flow, TcpConnection.EndReason.RST, d, seg.frame, seg.timeNanos);
            rememberClosed(flow.key, now);
        } else if (flow.bothFinished()) {
            flows.remove(flow.key);
            report(flow, TcpConnection.EndReason.FIN, flow.firstFin(), seg.frame, seg.timeNanos);
            rememberClosed(flow.key, now);
        }
    }

    /**
     * From now on segments do not trigger idle expiry: the caller calls {@link #expireIdle} itself. The parallel
     * pipeline gives each worker one shard of the connections; the reader, which sees every segment, decides when
     * to look (with {@link #EXPIRY_CHECK_INTERVAL}) so every shard expires at the frame a single reassembler would.
     */
    public void expiryDrivenByCaller() {
        expiryByCaller = true;
    }

    /** Reports and releases connections idle since before {@code nowNanos - idleTimeout} (capture time). */
    public void expireIdle(long nowNanos) {
        long cutoff = nowNanos - limits.idleTimeoutNanos();
        List<Flow> idle = null;
        Iterator<Flow> it = flows.values().iterator();
        while (it.hasNext()) {
            Flow f = it.next();
            if (f.conn.lastActivityNanos >= cutoff) {
                break;
            }
            it.remove();
            if (idle == null) {
                idle = new ArrayList<>();
            }
            idle.add(f);
        }
        if (idle != null) {
            for (Flow f : idle) {
                evictedIdle++;
                report(f, TcpConnection.EndReason.IDLE, null, f.conn.lastFrame, f.conn.lastActivityNanos);
            }
        }
        Iterator<Long> closed = recentlyClosed.values().iterator();
        while (closed.hasNext() && closed.next() < nowNanos - LINGER_NANOS) {
            closed.remove();
        }
    }

    /** End of input: reports every connection still open (end reason CAPTURE_END) and releases it. */
    public void finish() {
        List<Flow> open = new ArrayList<>(flows.values());
        flows.clear();
        open.sort(Comparator.comparingLong(f -> f.conn.id));
        for (Flow f : open) {
            report(f, TcpConnection.EndReason.CAPTURE_END, null, f.conn.lastFrame, f.conn.lastActivityNanos);
        }
    }

    /**
     * Reports the least recently active connection early (end reason MEMORY_LIMIT, counted in evictedForSpace) and
     * releases it; its later packets, if any, start a new (mid-stream) connection.
     *
     * @return false when no connection is open
     */
    public boolean evictLeastRecentlyActive() {
        Iterator<Flow> it = flows.values().iterator();
        if (!it.hasNext()) {
            return false;
        }
        Flow victim = it.next();
        it.remove();
        evictedForSpace++;
        report(victim, TcpConnection.EndReason.MEMORY_LIMIT, null, victim.conn.lastFrame,
                victim.conn.lastActivityNanos);
        return true;
    }

    public ReassemblyStats stats() {
        return new ReassemblyStats(nextId - 1, flows.size(), totals.droppedBytes, evictedIdle, evictedForSpace,
                lateSegments, totals.peakBuffered, totals.consumerFailures);
    }

    private Flow open(TcpSegment seg) {
        if (flows.size() >= Math.max(1, limits.maxConnections())) {
            evictLeastRecentlyActive();
        }
        boolean senderIsClient = senderIsClient(seg);
        boolean midstream = !seg.has(TcpSegment.SYN);
        int len = seg.addressLength();
        Endpoint src = endpoints.endpoint(seg.src, len, seg.srcPort);
        Endpoint dst = endpoints.endpoint(seg.dst, len, seg.dstPort);
        TcpConnection conn = senderIsClient ? new TcpConnection(nextId++, src, dst)
                : new TcpConnection(nextId++, dst, src);
        conn.midstream = midstream;
        conn.tunnel = Tunnel.of(seg.tunnel);
        conn.startNanos = seg.timeNanos;
        conn.firstFrame = seg.frame;
        FlowKey key = probe.copy();
        Flow flow = new Flow(key, conn, seg, senderIsClient, limits, totals);
        flows.put(key, flow);
        flow.consumer(listener.opened(conn));
        return flow;
    }

    /**
     * The SYN sender is the client and the SYN-ACK sender the server; without a SYN the {@code serverPort}
     * predicate decides, and when it cannot, the lower port is the server's.
     */
    private boolean senderIsClient(TcpSegment seg) {
        if (seg.has(TcpSegment.SYN)) {
            return !seg.has(TcpSegment.ACK);
        }
        boolean dstServer = serverPort.test(seg.dstPort);
        boolean srcServer = serverPort.test(seg.srcPort);
        if (dstServer != srcServer) {
            return dstServer;
        }
        return seg.dstPort <= seg.srcPort;
    }

    private void report(Flow f, TcpConnection.EndReason reason, Direction closedBy, long frame, long time) {
        f.end(reason, closedBy, frame, time);
        listener.closed(f.conn);
    }

    private void rememberClosed(FlowKey key, long now) {
        recentlyClosed.remove(key);
        recentlyClosed.put(key, now);
    }

    ConnectionListener listener() {
        return listener;
    }

    ReassemblyLimits limits() {
        return limits;
    }

    IntPredicate serverPort() {
        return serverPort;
    }
}
