package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reassembler's per-packet flow lookup alone: {@link FlowKey#set} on the probe, then a get on an access-ordered
 * map of 256 open connections (the long benchmark capture's concurrency), in a random order as that capture
 * interleaves them. Prints CPU nanoseconds per packet (docs/performance.md "The per-packet flow lookup"). Excluded
 * from normal builds; run with {@code mvn test -Dtest=FlowLookupBenchmarkTest -DexcludedGroups=none} (the test JVM
 * compiles with C2; the launcher stops at C1, where the same loop costs more).
 */
@Tag("bench")
class FlowLookupBenchmarkTest {
    private static final int OPEN = 256;
    private static final int PACKETS = 1_300_000;

    @Test
    void lookupOfOneOf256OpenConnectionsPerPacket() {
        LinkedHashMap<FlowKey, FlowKey> flows = new LinkedHashMap<>(1024, 0.75f, true);
        TcpSegment[] segs = new TcpSegment[OPEN];
        for (int i = 0; i < OPEN; i++) {
            TcpSegment s = new TcpSegment();
            s.ipVersion = 4;
            s.src[0] = 10;
            s.src[2] = (byte) (i >> 8);
            s.src[3] = (byte) i;
            s.dst[0] = (byte) 192;
            s.dst[3] = (byte) (10 + i % 4);
            s.srcPort = 32768 + (i * 7919) % 28232;
            s.dstPort = 993;
            segs[i] = s;
            FlowKey k = new FlowKey().set(s).copy();
            flows.put(k, k);
        }
        SplittableRandom rnd = new SplittableRandom(1);
        int[] order = new int[PACKETS];
        for (int i = 0; i < PACKETS; i++) {
            order[i] = rnd.nextInt(OPEN);
        }
        FlowKey probe = new FlowKey();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long best = Long.MAX_VALUE;
        for (int pass = 0; pass < 8; pass++) {
            long found = 0;
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < PACKETS; i++) {
                if (flows.get(probe.set(segs[order[i]])) != null) {
                    found++;
                }
            }
            best = Math.min(best, threads.getCurrentThreadCpuTime() - t0);
            assertEquals(PACKETS, found);
        }
        System.out.printf("flow lookup (set + get), %d open: %.1f ns per packet (best of 8 passes, CPU time)%n",
                OPEN, best / (double) PACKETS);
    }
}
