package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throughput and per-segment allocation of the in-order path (the common case). Excluded from normal builds;
 * run with {@code mvn test -Dtest=ReassemblyBenchmarkTest -DexcludedGroups=none}.
 */
@Tag("bench")
class ReassemblyBenchmarkTest {
    private static final int CONNECTIONS = 2_000;
    private static final int PAYLOAD = 1_400;

    @Test
    void inOrderSegmentsAcrossManyConnections() {
        long[] delivered = {0};
        StreamConsumer counting = new StreamConsumer() {
            @Override
            public void onData(Direction d, byte[] data, int offset, int length, long frame, long timeNanos) {
                delivered[0] += length;
            }

            @Override
            public void onGap(Direction d, long length, long frame, long timeNanos) {
            }

            @Override
            public void onEnd(Direction d, long frame, long timeNanos) {
            }
        };
        ConnectionListener l = new ConnectionListener() {
            @Override
            public StreamConsumer opened(TcpConnection connection) {
                return counting;
            }

            @Override
            public void closed(TcpConnection connection) {
            }
        };
        TcpReassembler r = new TcpReassembler(l, ReassemblyLimits.DEFAULT, p -> p == 993);
        TcpSegment seg = new TcpSegment();
        seg.ipVersion = 4;
        seg.data = new byte[PAYLOAD + 54];
        seg.dataOffset = 54;
        seg.window = 65535;

        run(r, seg, 200); // warm-up: opens the connections, JIT
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long alloc0 = mx.getThreadAllocatedBytes(tid);
        long t0 = System.nanoTime();
        int rounds = 1_000;
        run(r, seg, rounds);
        long elapsed = System.nanoTime() - t0;
        long allocated = mx.getThreadAllocatedBytes(tid) - alloc0;
        long segments = (long) rounds * CONNECTIONS * 2;
        System.out.printf("tcp reassembly: %d segments in %.2f s = %.2f M segments/s, %.1f MB/s payload, "
                        + "%.2f bytes allocated per segment%n", segments, elapsed / 1e9, segments / (elapsed / 1e3),
                segments / 2.0 * PAYLOAD / (elapsed / 1e9) / 1e6, (double) allocated / segments);
        r.finish();
        assertEquals(CONNECTIONS, r.stats().connections());
        assertTrue((double) allocated / segments < 8, "in-order path should not allocate per segment");
    }

    /** Each round: every connection's client sends one data segment and the server acknowledges it. */
    private static long seqBase = 0;

    private void run(TcpReassembler r, TcpSegment seg, int rounds) {
        for (int round = 0; round < rounds; round++) {
            long seq = 1 + seqBase * PAYLOAD;
            for (int c = 0; c < CONNECTIONS; c++) {
                client(seg, c);
                seg.frame++;
                seg.timeNanos += 1_000;
                seg.seq = seq;
                seg.ack = 1;
                seg.flags = TcpSegment.ACK | TcpSegment.PSH;
                seg.capturedLength = seg.wireLength = PAYLOAD;
                r.segment(seg);

                server(seg, c);
                seg.frame++;
                seg.timeNanos += 1_000;
                seg.seq = 1;
                seg.ack = seq + PAYLOAD;
                seg.flags = TcpSegment.ACK;
                seg.capturedLength = seg.wireLength = 0;
                r.segment(seg);
            }
            seqBase++;
        }
    }

    private static void client(TcpSegment seg, int c) {
        seg.src[0] = 10; seg.src[1] = 1; seg.src[2] = (byte) (c >> 8); seg.src[3] = (byte) c;
        seg.dst[0] = 10; seg.dst[1] = 0; seg.dst[2] = 0; seg.dst[3] = 2;
        seg.srcPort = 40_000 + c % 20_000;
        seg.dstPort = 993;
    }

    private static void server(TcpSegment seg, int c) {
        seg.dst[0] = 10; seg.dst[1] = 1; seg.dst[2] = (byte) (c >> 8); seg.dst[3] = (byte) c;
        seg.src[0] = 10; seg.src[1] = 0; seg.src[2] = 0; seg.src[3] = 2;
        seg.dstPort = 40_000 + c % 20_000;
        seg.srcPort = 993;
    }
}
