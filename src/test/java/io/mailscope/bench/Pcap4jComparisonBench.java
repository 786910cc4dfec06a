package io.mailscope.bench;

import io.mailscope.capture.CaptureReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

import java.io.EOFException;
import java.io.File;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * Why files are read by our own reader and not through libpcap: the same file read by CaptureReader and by pcap4j's
 * three ways (loop with a raw listener, getNextRawPacketEx, getNextPacketEx which decodes into Packet objects).
 * Not a unit test (tagged "bench", excluded by default). Run:
 * <pre>
 * mvn -q test -DexcludedGroups= -Dtest=Pcap4jComparisonBench -Dbench.file=/tmp/bench-1g.pcap
 * </pre>
 * Add {@code -Dmaven.test.additionalClasspath=.../pcap4j-packetfactory-static-1.8.2.jar} to make getNextPacketEx
 * decode the headers (without it every packet is an UnknownPacket).
 */
@Tag("bench")
class Pcap4jComparisonBench {
    private static final int RUNS = 3;

    @FunctionalInterface
    private interface Pass {
        long run(String file) throws Exception;
    }

    @Test
    void compareWithPcap4j() throws Exception {
        String file = System.getProperty("bench.file", "");
        Assumptions.assumeTrue(new File(file).isFile(), "set -Dbench.file=CAPTURE");
        System.out.printf(Locale.ROOT, "%s: %,d bytes%n", file, new File(file).length());
        time("mailscope CaptureReader", file, Pcap4jComparisonBench::ours);
        time("pcap4j loop(RawPacketListener)", file, Pcap4jComparisonBench::pcap4jLoop);
        time("pcap4j getNextRawPacketEx", file, Pcap4jComparisonBench::pcap4jNextRaw);
        time("pcap4j getNextPacketEx", file, Pcap4jComparisonBench::pcap4jNextPacket);
        // Without pcap4j-packetfactory-static on the class path pcap4j decodes nothing (every packet an UnknownPacket).
        System.out.println("pcap4j getNextPacketEx made " + firstPacket);
    }

    private static volatile String firstPacket;

    private static void time(String label, String file, Pass pass) throws Exception {
        long frames = pass.run(file); // warm-up
        long best = Long.MAX_VALUE;
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            frames = pass.run(file);
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf(Locale.ROOT, "%-34s %8.3f s  %,12.0f packets/s  (%,d packets, best of %d)%n", label,
                best / 1e9, frames / (best / 1e9), frames, RUNS);
    }

    private static long ours(String file) throws Exception {
        long[] bytes = new long[1];
        try (CaptureReader r = CaptureReader.open(file)) {
            return r.readFrames((n, t, l, b, o, c, w) -> bytes[0] += c);
        }
    }

    private static long pcap4jLoop(String file) throws Exception {
        long[] n = new long[2];
        PcapHandle h = Pcaps.openOffline(file, PcapHandle.TimestampPrecision.NANO);
        try {
            RawPacketListener l = p -> {
                n[0]++;
                n[1] += p.length;
            };
            h.loop(-1, l);
        } finally {
            h.close();
        }
        return n[0];
    }

    private static long pcap4jNextRaw(String file) throws Exception {
        long n = 0;
        PcapHandle h = Pcaps.openOffline(file, PcapHandle.TimestampPrecision.NANO);
        try {
            while (true) {
                try {
                    h.getNextRawPacketEx();
                    n++;
                } catch (EOFException e) {
                    return n;
                } catch (TimeoutException e) {
                    // not for files
                }
            }
        } finally {
            h.close();
        }
    }

    private static long pcap4jNextPacket(String file) throws Exception {
        long n = 0;
        PcapHandle h = Pcaps.openOffline(file, PcapHandle.TimestampPrecision.NANO);
        try {
            while (true) {
                try {
                    org.pcap4j.packet.Packet p = h.getNextPacketEx();
                    if (n++ == 0) {
                        firstPacket = p.getClass().getSimpleName() + (p.getPayload() == null ? ""
                                : " > " + p.getPayload().getClass().getSimpleName());
                    }
                } catch (EOFException e) {
                    return n;
                } catch (TimeoutException e) {
                    // not for files
                }
            }
        } finally {
            h.close();
        }
    }
}
