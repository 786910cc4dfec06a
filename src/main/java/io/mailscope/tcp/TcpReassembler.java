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
 * <p><b>Idle expiry</b> ({@link #expireIdle}): a connection is idle when the time looked at is more than the idle
 * timeout past its last packet, and that alone decides, whatever order connections were last active in. Capture
 * time can go back (frames of two interfaces a little out of order, or files recorded at different times read as
 * one run): a connection whose last packet is later than the time looked at is not idle, and one active earlier
 * behind it in the least-recently-active order is still released. So the connections released never depend on
 * which other connections share the reassembler, and N workers release exactly what one would. When a whole file
 * goes back in time the caller ends the stretch first ({@link #timeWentBack}).
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

    private final ConnectionListener listener;
    private final ReassemblyLimits limits;
    private final IntPredicate serverPort;

    /**
     * Access-ordered: the least recently active connection is first (idle expiry and eviction stop early). A
     * {@link SynOnly} is its own key.
     */
    private final LinkedHashMap<FlowKey, Open> flows = new LinkedHashMap<>(1024, 0.75f, true);
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
    /** A compact record's SYNs are replayed through this when it is made whole (never the caller's segment). */
    private final TcpSegment replay = new TcpSegment();
    private boolean compactSynOnly;
    /** The time of the latest segment: when an eviction for space happens. */
    private long clockNanos;

    private long nextId = 1;
    private boolean expiryByCaller;
    private final IdleClock idleClock = new IdleClock();
    /**
     * The latest segment time since connections were last all gone, and how far any segment since then came
     * before it: the least-recently-active order is that of this latest time, so a connection's last packet is
     * at most this much earlier than the order says, and {@link #expireIdle} knows where it may stop looking.
     */
    private long latestNanos;
    private long stepBackNanos;
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

    /**
     * With {@code on}, from now on a connection that opens with a plain SYN is kept as a compact record
     * ({@link SynOnly}) until it says more: the listener hears {@link ConnectionListener#openedCompact} at once and
     * {@link ConnectionListener#opened} (with the SYNs replayed) only then, or only {@link ConnectionListener#closed}
     * when it is reported as it is. Results are the same; what changes is when the listener learns of such a
     * connection, so a caller that shows sessions as they open or watches open ones (live capture) leaves it off
     * (the default). Records already kept stay until they are made whole or reported.
     */
    public void compactSynOnly(boolean on) {
        compactSynOnly = on;
    }

    @Override
    public void segment(TcpSegment seg) {
        long now = seg.timeNanos;
        clockNanos = now;
        if (!expiryByCaller && idleClock.due(now)) {
            expireIdle(now);
        }
        if (flows.isEmpty()) {
            latestNanos = now;
            stepBackNanos = 0;
        } else if (now > latestNanos) {
            latestNanos = now;
        } else if (latestNanos - now > stepBackNanos) {
            stepBackNanos = latestNanos - now;
        }
        probe.set(seg);
        boolean newSyn = seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK);
        Open known = flows.get(probe);
        if (known instanceof SynOnly s) {
            if (s.absorbs(seg, probe.sourceIsLow())) {
                s.retransmitted(seg);
                return;
            }
            known = whole(s, true);
        }
        Flow flow = (Flow) known;
        if (flow != null && newSyn && flow.reusedBy(seg, probe.sourceIsLow())) {
            // Port reuse: the old connection is over, the SYN starts a new one. It ended with its FIN if it
            // sent one; otherwise as PORT_REUSED (an unanswered attempt the client gave up for a new one, or a
            // connection whose end was not captured), which the explanations tell apart from idle expiry.
            flows.remove(flow.key);
            Direction finBy = flow.firstFin();
            report(flow, finBy != null ? TcpConnection.EndReason.FIN : TcpConnection.EndReason.PORT_REUSED, finBy,
                    flow.conn.lastFrame, flow.conn.lastActivityNanos, now);
            flow = null;
        }
        if (flow == null) {
            Long closedAt = recentlyClosed.get(probe);
            if (closedAt != null) {
                if (!newSyn && Math.abs(now - closedAt) <= LINGER_NANOS) {
                    lateSegments++;
                    return;
                }
                recentlyClosed.remove(probe);
            }
            makeRoom();
            if (compactSynOnly && SynOnly.qualifies(seg)) {
                SynOnly compact = new SynOnly(probe, nextId++, seg);
                flows.put(compact, compact);
                listener.openedCompact(compact);
                return;
            }
            flow = open(seg);
        }
        Direction d = flow.account(seg, probe.sourceIsLow());
        listener.segment(flow.conn, d, seg);
        flow.deliver(seg, d);
        if (seg.has(TcpSegment.RST)) {
            flows.remove(flow.key);
            report(flow, TcpConnection.EndReason.RST, d, seg.frame, seg.timeNanos, seg.timeNanos);
            rememberClosed(flow.key, now);
        } else if (flow.bothFinished()) {
            flows.remove(flow.key);
            report(flow, TcpConnection.EndReason.FIN, flow.firstFin(), seg.frame, seg.timeNanos, seg.timeNanos);
            rememberClosed(flow.key, now);
        }
    }

    /**
     * From now on segments do not trigger idle expiry: the caller calls {@link #expireIdle} itself. The parallel
     * pipeline gives each worker one shard of the connections; the reader, which sees every segment, decides when
     * to look (with an {@link IdleClock}) so every shard expires at the frame a single reassembler would.
     */
    public void expiryDrivenByCaller() {
        expiryByCaller = true;
    }

    /**
     * Reports and releases connections idle since before {@code nowNanos - idleTimeout} (capture time), in
     * least-recently-active order; a connection active later than that (even later than {@code nowNanos}) stays.
     */
    public void expireIdle(long nowNanos) {
        long cutoff = nowNanos - limits.idleTimeoutNanos();
        // Past a connection active at cutoff + stepBack or later, every one is active at cutoff or later: the
        // order is by latest time seen, which is never more than stepBack after a connection's last packet. With
        // time that never went back (stepBack 0) the first connection not idle ends the look, as it always did.
        long enough = cutoff + stepBackNanos;
        List<Open> idle = null;
        Iterator<Open> it = flows.values().iterator();
        while (it.hasNext()) {
            Open f = it.next();
            long last = f.lastActivityNanos();
            if (last >= cutoff) {
                if (last >= enough) {
                    break;
                }
                continue;
            }
            it.remove();
            if (idle == null) {
                idle = new ArrayList<>();
            }
            idle.add(f);
        }
        if (idle != null) {
            for (Open f : idle) {
                evictedIdle++;
                report(f, TcpConnection.EndReason.IDLE, null, f.lastFrame(), f.lastActivityNanos(), nowNanos);
            }
        }
        Iterator<Long> closed = recentlyClosed.values().iterator();
        while (closed.hasNext() && closed.next() < nowNanos - LINGER_NANOS) {
            closed.remove();
        }
    }

    /**
     * A file dated before the time the run had reached begins (capture time went back): what is still open is
     * reported as at the end of input ({@link #finish(long)}, watched until {@code endNanos}, the time of the frame
     * before), the 4-tuples recently closed are forgotten and idle expiry starts over. Whatever was open belongs to
     * a recording that ended; a file from earlier cannot continue it, and left open, connections dated after
     * everything that follows would never be idle (held to the end of the run, while the look for idle ones went
     * past them every time).
     */
    public void timeWentBack(long endNanos) {
        finish(endNanos);
        recentlyClosed.clear();
        idleClock.restart();
        stepBackNanos = 0;
    }

    /** End of input, the last segment seen being the capture's last frame: {@link #finish(long)}. */
    public void finish() {
        finish(clockNanos);
    }

    /**
     * End of input: reports every connection still open (end reason CAPTURE_END) and releases it.
     *
     * @param captureEndNanos the time of the capture's last frame (what each connection was watched until)
     */
    public void finish(long captureEndNanos) {
        List<Open> open = new ArrayList<>(flows.values());
        flows.clear();
        open.sort(Comparator.comparingLong(Open::id));
        for (Open f : open) {
            report(f, TcpConnection.EndReason.CAPTURE_END, null, f.lastFrame(), f.lastActivityNanos(), captureEndNanos);
        }
    }

    /**
     * Reports the least recently active connection early (end reason MEMORY_LIMIT, counted in evictedForSpace) and
     * releases it; its later packets, if any, start a new (mid-stream) connection.
     *
     * @return false when no connection is open
     */
    public boolean evictLeastRecentlyActive() {
        Iterator<Open> it = flows.values().iterator();
        if (!it.hasNext()) {
            return false;
        }
        Open victim = it.next();
        it.remove();
        evictedForSpace++;
        report(victim, TcpConnection.EndReason.MEMORY_LIMIT, null, victim.lastFrame(), victim.lastActivityNanos(),
                clockNanos);
        return true;
    }

    public ReassemblyStats stats() {
        return new ReassemblyStats(nextId - 1, flows.size(), totals.droppedBytes, evictedIdle, evictedForSpace,
                lateSegments, totals.peakBuffered, totals.consumerFailures);
    }

    /**
     * Makes every compact record whole now, in place (the listener's opened and segment calls for each, in map
     * order): for a listener whose state at the SYN matters to it later (a session's time base about to move).
     */
    public void makeCompactWhole() {
        for (Map.Entry<FlowKey, Open> e : flows.entrySet()) {
            if (e.getValue() instanceof SynOnly s) {
                e.setValue(whole(s, false));
            }
        }
    }

    /** Before a connection is added: at the limit, the least recently active one goes. */
    private void makeRoom() {
        if (flows.size() >= Math.max(1, limits.maxConnections())) {
            evictLeastRecentlyActive();
        }
    }

    private Flow open(TcpSegment seg) {
        FlowKey key = probe.copy();
        Flow flow = create(key, seg, senderIsClient(seg), nextId++, null);
        flows.put(key, flow);
        return flow;
    }

    private Flow create(FlowKey key, TcpSegment seg, boolean senderIsClient, long id, SynOnly compact) {
        boolean midstream = !seg.has(TcpSegment.SYN);
        int len = seg.addressLength();
        Endpoint src = endpoints.endpoint(seg.src, len, seg.srcPort);
        Endpoint dst = endpoints.endpoint(seg.dst, len, seg.dstPort);
        TcpConnection conn = senderIsClient ? new TcpConnection(id, src, dst) : new TcpConnection(id, dst, src);
        conn.midstream = midstream;
        conn.tunnel = Tunnel.of(seg.tunnel);
        conn.startNanos = seg.timeNanos;
        conn.firstFrame = seg.frame;
        conn.openedAs = compact;
        Flow flow = new Flow(key, conn, seg, senderIsClient, limits, totals);
        flow.consumer(listener.opened(conn));
        return flow;
    }

    /**
     * Makes a compact record whole: the connection as it would be had it been followed in full from its first SYN
     * (that SYN and the last retransmission replayed through the same steps as {@link #segment}, the ones between
     * only counted: they changed nothing else). The record stays the map's key (a {@link FlowKey} whose lower or
     * higher side is the client's, as a key copied at the SYN would be); with {@code keep} the flow replaces it as
     * the value, at the same place (the record was just looked up, so it is the most recently active).
     */
    private Flow whole(SynOnly s, boolean keep) {
        TcpSegment syn = s.replay(replay, false);
        Flow flow = create(s, syn, true, s.id(), s);
        replaySyn(flow, syn, s.sourceIsLow());
        if (s.count > 1) {
            replaySyn(flow, s.replay(replay, true), s.sourceIsLow());
            flow.conn.clientPackets += s.count - 2;
        }
        if (keep) {
            flows.put(s, flow);
        }
        return flow;
    }

    private void replaySyn(Flow flow, TcpSegment syn, boolean sourceIsLow) {
        Direction d = flow.account(syn, sourceIsLow);
        listener.segment(flow.conn, d, syn);
        flow.deliver(syn, d);
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

    /** @param released when mailscope stopped following it ({@link TcpConnection#releasedNanos()}) */
    private void report(Open o, TcpConnection.EndReason reason, Direction closedBy, long frame, long time,
                        long released) {
        if (o instanceof SynOnly s) {
            TcpConnection c = asReported(s);
            c.endReason = reason;
            c.closedBy = closedBy;
            c.releasedNanos = Math.max(released, c.lastActivityNanos);
            listener.closed(c);
            return;
        }
        Flow f = (Flow) o;
        f.end(reason, closedBy, frame, time);
        f.conn.releasedNanos = Math.max(released, f.conn.lastActivityNanos);
        listener.closed(f.conn);
    }

    /**
     * The connection of a compact record that is reported as it is: what following it in full would have given
     * (the client's SYNs counted, Zeek history S and state S0, nothing else), without the flow, its halves and
     * tracker, or the listener's opened and segment calls ({@link TcpConnection#synOnly()}). CompactSynOnlyTest
     * holds its sessions equal to those of the whole path.
     */
    private TcpConnection asReported(SynOnly s) {
        TcpSegment syn = s.replay(replay, false);
        int len = syn.addressLength();
        TcpConnection c = new TcpConnection(s.id(), endpoints.endpoint(syn.src, len, syn.srcPort),
                endpoints.endpoint(syn.dst, len, syn.dstPort));
        c.startNanos = s.firstNanos;
        c.firstFrame = s.firstFrame;
        c.synFrame = s.firstFrame;
        c.synNanos = s.firstNanos;
        c.lastFrame = s.lastFrame;
        c.lastActivityNanos = s.lastNanos;
        c.clientPackets = s.count;
        c.history.append('S');
        c.state = ConnState.S0;
        c.openedAs = s;
        c.synOnly = true;
        return c;
    }

    private void rememberClosed(FlowKey key, long now) {
        recentlyClosed.remove(key);
        // a connection made whole from a compact record has the record as its key: a plain key is all the
        // 65,536 remembered 4-tuples need (72 bytes, not 120)
        recentlyClosed.put(key instanceof SynOnly s ? new FlowKey(s) : key, now);
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
