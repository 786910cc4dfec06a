package io.mailscope.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code bench live} that need neither root nor tcpreplay: what it reads back, and where it may send. */
class LiveBenchTest {
    @TempDir
    Path dir;

    @Test
    void readsWhatTcpreplaySent() {
        String out = """
                Warning in sendpacket.c:sendpacket_open_pf() line 952:
                Unsupported physical layer type 0x0304 on lo.  Maybe it works, maybe it won't.  See tickets #123/318
                Actual: 100000 packets (88040554 bytes) sent in 2.26 seconds
                Rated: 38844619.8 Bps, 310.75 Mbps, 44121.28 pps
                Flows: 800 flows, 352.97 fps, 100000 unique flow packets, 0 unique non-flow packets
                """;
        assertEquals(new LiveBench.Sent(100_000, 2.26), LiveBench.parseTcpreplay(out));
        assertNull(LiveBench.parseTcpreplay("tcpreplay: command not found"));
    }

    @Test
    void countsSessionsAndReadsLibpcapsCountsFromLiveJson() throws Exception {
        Path out = dir.resolve("live.jsonl");
        Files.writeString(out, String.join("\n",
                "{\"type\":\"progress\",\"session\":1,\"text\":\"server: {\\\"type\\\":\\\"session\\\"\"}",
                " {\"type\":\"session\",\"id\":1}",
                " {\"type\":\"finding\",\"session\":2}",
                " {\"type\":\"session\",\"id\":2}",
                " {\"type\":\"capture\",\"interface\":\"lo\",\"frames\":4247,\"received\":200000,\"dropped\":191501,\"if_dropped\":3}",
                " {\"type\":\"summary\",\"sessions\":2,\"dropped\":{\"evicted_idle\":0}}", ""));
        assertEquals(new LiveBench.LiveOutput(2, 4247, 200_000, 191_501, 3), LiveBench.readLiveOutput(out));
    }

    @Test
    void noCaptureLineMeansLiveDidNotFinish() throws Exception {
        Path out = dir.resolve("live.jsonl");
        Files.writeString(out, " {\"type\":\"session\",\"id\":1}\n");
        assertNull(LiveBench.readLiveOutput(out));
    }

    @Test
    void readsPeakRssAndCpuFromGnuTimesLastLine() throws Exception {
        Path time = dir.resolve("t");
        Files.writeString(time, "Command terminated by signal 15\n430148 1.48 1.32\n");
        assertArrayEquals(new long[] {430_148L * 1024, 2_800_000_000L}, LiveBench.readGnuTime(time));
        assertArrayEquals(new long[] {-1, -1}, LiveBench.readGnuTime(dir.resolve("missing")));
    }

    @Test
    void sendsOnlyOnLoopback() {
        assumeTrue(Files.exists(Path.of("/sys/class/net/lo")), "no /sys/class/net (not Linux)");
        assertTrue(LiveBench.isLoopback("lo"));
        assertFalse(LiveBench.isLoopback("../lo"));
        assertFalse(LiveBench.isLoopback("no-such-interface"));
        try (var ifaces = Files.list(Path.of("/sys/class/net"))) {
            ifaces.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lo")).findFirst()
                    .ifPresent(other -> assertThrows(IllegalArgumentException.class,
                            () -> new LiveBench(List.of("mailscope"), other, 10, dir, null), other + " is not loopback"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThrows(IllegalArgumentException.class, () -> new LiveBench(List.of("mailscope"), "no-such-interface", 10, dir, null));
    }

    @Test
    void keptUpOnlyWhenNothingWasLostAnywhere() {
        LiveBench.Measured all = measured(1000, 1000, 0, 4);
        assertTrue(all.keptUp());
        assertFalse(measured(1000, 1000, 1, 4).keptUp(), "libpcap dropped one");
        assertFalse(measured(1000, 999, 0, 4).keptUp(), "one frame not analysed");
        assertFalse(measured(1000, 1000, 0, 3).keptUp(), "one session not reported");
        assertEquals(500, all.sentPps(), 1e-9);
    }

    @Test
    void generatedCaptureHasRateTimesSecondsPacketsInLongSessions() {
        assertEquals(2_000, LiveBench.connections(500_000));
        assertEquals(1, LiveBench.connections(10));
    }

    private static LiveBench.Measured measured(long sent, long frames, long dropped, long sessions) {
        return new LiveBench.Measured(500, LiveBench.Method.IN_PROCESS, sent, 4, sent, 2.0, frames, 2 * sent, dropped, 0,
                sessions, 1, 1, "listening", null);
    }
}
