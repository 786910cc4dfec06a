package io.mailscope.tcp;

import io.mailscope.capture.SegmentSink;
import io.mailscope.capture.TcpSegment;

import java.util.function.IntPredicate;

/**
 * Reassembles both directions of every TCP connection and hands ordered bytes to each connection's
 * {@link StreamConsumer}. Bounded in memory by {@link ReassemblyLimits}. (Stub: filled in by the TCP work.)
 */
public final class TcpReassembler implements SegmentSink {
    private final ConnectionListener listener;
    private final ReassemblyLimits limits;
    private final IntPredicate serverPort;

    /**
     * @param serverPort tells which port is a server's when the capture starts mid-connection (no SYN seen);
     *                   when neither or both ports match, the lower port is taken as the server's
     */
    public TcpReassembler(ConnectionListener listener, ReassemblyLimits limits, IntPredicate serverPort) {
        this.listener = listener;
        this.limits = limits;
        this.serverPort = serverPort;
    }

    @Override
    public void segment(TcpSegment segment) {
    }

    /** Reports and releases connections idle since before {@code nowNanos - idleTimeout} (capture time). */
    public void expireIdle(long nowNanos) {
    }

    /** End of input: reports every connection still open (end reason CAPTURE_END) and releases it. */
    public void finish() {
    }

    public ReassemblyStats stats() {
        return new ReassemblyStats(0, 0, 0, 0, 0, 0, 0);
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
