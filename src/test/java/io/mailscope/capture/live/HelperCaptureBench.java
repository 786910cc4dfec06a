package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Capture through the helper versus in process, the table in docs/live.md ("Speed", "Through the helper"):
 * UDP datagrams from 127.0.0.1 to a port of our own for 2 s at a target rate (0: as fast as possible), a sink
 * that only counts. As root, excluded from the normal run:
 * {@code mvn -B test -Dtest=HelperCaptureBench -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class HelperCaptureBench {
    private static final long[] RATES = {100_000, 0};
    private static final int RUNS = 4;

    @Test
    void helperVersusInProcess() throws Exception {
        Path helper = HelperBuild.require(HelperBuild.PLAIN);
        assumeTrue(LiveTestSupport.mayCapture() && LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_PRIVILEGE);
        for (int run = 0; run < RUNS; run++) {
            for (boolean throughHelper : new boolean[] {true, false}) {
                for (long pps : RATES) {
                    System.out.println(once(throughHelper ? helper : null, pps));
                }
            }
        }
    }

    private static String once(Path helper, long pps) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket rx = new DatagramSocket(0, lo); DatagramSocket tx = new DatagramSocket()) {
            int port = rx.getLocalPort();
            LiveOptions o = LiveOptions.defaults().withInterface("lo").withBufferBytes(128 << 20)
                    .withFilter("udp and dst port " + port);
            LiveSource source = helper != null ? HelperCapture.open(helper, o) : LiveCapture.open(o);
            AtomicLong frames = new AtomicLong();
            source.start((f, t, l, b, off, cap, orig) -> frames.incrementAndGet());
            DatagramPacket datagram = new DatagramPacket(new byte[32], 32, lo, port);
            long sent = 0;
            long t0 = System.nanoTime();
            long end = t0 + 2_000_000_000L;
            while (System.nanoTime() < end) {
                if (pps <= 0 || sent < (System.nanoTime() - t0) * pps / 1_000_000_000L) {
                    tx.send(datagram);
                    sent++;
                }
            }
            long last = -1;
            while (frames.get() != last) {
                last = frames.get();
                Thread.sleep(300);
            }
            LiveStats s = source.stop();
            return String.format("| %s | %s | %d | %d | %d | %d |", helper != null ? "helper" : "in process",
                    pps <= 0 ? "max" : pps, sent / 2, s.frames(), s.received(), s.dropped());
        }
    }
}
