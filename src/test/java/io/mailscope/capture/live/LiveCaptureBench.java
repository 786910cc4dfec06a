package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.mailscope.capture.FrameSink;
import io.mailscope.capture.PcapWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How many packets per second live capture keeps up with on loopback before libpcap drops any.
 * Not part of the normal test run (surefire excludes the "bench" group); run it with
 * {@code mvn -B test -Dtest=LiveCaptureBench -DexcludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}
 * as root. Prints a Markdown table and writes it to target/live-bench.md.
 *
 * <p>Method: a sender thread in this JVM sends small UDP datagrams (32-byte payload, 74-byte frames) from
 * 127.0.0.1 to 127.0.0.1:port, paced to a target rate with a spin on System.nanoTime, for a fixed time; the
 * capture on "lo" has the BPF filter "udp and dst port PORT", so every packet it should see is one we sent.
 * The sink counts frames (or also writes them with PcapWriter). After sending, we wait until no frame has
 * arrived for 300 ms, stop, and read libpcap's received/dropped counters. UDP rather than TCP so the number of
 * packets on the wire is exactly the number sent (no ACKs, no coalescing); the capture path does not depend on
 * the protocol.
 */
@Tag("bench")
class LiveCaptureBench {
    private static final int PAYLOAD = 32;
    private static final Duration SEND_TIME = Duration.ofSeconds(2);

    record Config(int snaplen, int bufferMiB, boolean immediate, boolean write) {
        String mode() {
            return (immediate ? "immediate" : "V3 blocks") + (write ? ", -w" : "");
        }
    }

    record Row(int snaplen, int bufferMiB, String sink, long targetPps, long sent, double sentPps, long frames,
               long received, long dropped) {
        String markdown() {
            return String.format("| %d | %d MiB | %s | %s | %d | %.0f | %d | %d | %d | %s |", snaplen, bufferMiB, sink,
                    targetPps == 0 ? "max" : Long.toString(targetPps), sent, sentPps, frames, received, dropped,
                    frames == sent && dropped == 0 ? "yes" : "no");
        }
    }

    @Test
    void loopbackCapacity() throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
        List<Row> rows = new ArrayList<>();
        long[] rates = {25_000, 50_000, 100_000, 200_000, 0};
        List<Config> configs = List.of(
                new Config(262_144, 2, true, false), new Config(262_144, 32, true, false),
                new Config(65_535, 2, true, false), new Config(65_535, 32, true, false),
                new Config(262_144, 128, true, false), new Config(262_144, 32, true, true),
                new Config(262_144, 2, false, false), new Config(262_144, 32, false, false));
        for (Config config : configs) {
            for (long rate : rates) {
                rows.add(measure(config, rate));
                System.out.println(rows.get(rows.size() - 1).markdown());
            }
        }
        report(rows, "live-bench.md");
    }

    /** The comparison behind the recommendation in docs/live.md: each run three times, as the machine is shared. */
    @Test
    void immediateVersusBlockMode() throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
        List<Row> rows = new ArrayList<>();
        List<Config> configs = List.of(new Config(262_144, 32, true, false), new Config(262_144, 128, true, false),
                new Config(262_144, 32, false, false), new Config(262_144, 32, false, true));
        for (long rate : new long[] {25_000, 50_000, 100_000, 0}) {
            for (Config config : configs) {
                for (int rep = 0; rep < 3; rep++) {
                    rows.add(measure(config, rate));
                    System.out.println(rows.get(rows.size() - 1).markdown());
                }
            }
        }
        report(rows, "live-bench-modes.md");
    }

    private static void report(List<Row> rows, String name) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("| snaplen | buffer | mode | target pps | sent | sent pps | frames captured | libpcap received"
                + " | libpcap dropped | kept up |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            md.append(r.markdown()).append('\n');
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", name), md);
        System.out.println(md);
    }

    private Row measure(Config config, long targetPps) throws Exception {
        int snaplen = config.snaplen();
        try (DatagramChannel receiver = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
             DatagramChannel sender = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
            LiveOptions options = LiveOptions.defaults().withInterface("lo").withSnaplen(snaplen)
                    .withImmediate(config.immediate()).withBufferBytes(config.bufferMiB() * 1024 * 1024).withFilter("udp and dst port " + port);
            AtomicLong frames = new AtomicLong();
            Path file = Files.createTempFile("live-bench", ".pcap");
            try (LiveCapture capture = LiveCapture.open(options);
                 PcapWriter writer = PcapWriter.create(file, PcapWriter.Format.PCAP_NANOS, 1, snaplen)) {
                FrameSink count = (n, t, l, b, o, c, ol) -> frames.lazySet(n);
                capture.start(config.write() ? new Tee(writer, count) : count);
                long[] sent = send(sender, new InetSocketAddress("127.0.0.1", port), targetPps);
                long last = -1;
                while (frames.get() != last) {
                    last = frames.get();
                    Thread.sleep(300);
                }
                LiveStats stats = capture.stop();
                double seconds = sent[1] / 1e9;
                return new Row(snaplen, config.bufferMiB(), config.mode(), targetPps, sent[0], sent[0] / seconds, stats.frames(),
                        stats.received(), stats.dropped());
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Sends for SEND_TIME at the target rate (0: as fast as possible); returns {packets, nanoseconds}. */
    private static long[] send(DatagramChannel ch, InetSocketAddress to, long targetPps) throws IOException {
        ByteBuffer payload = ByteBuffer.allocateDirect(PAYLOAD);
        long start = System.nanoTime();
        long end = start + SEND_TIME.toNanos();
        long sent = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            if (targetPps > 0 && sent >= (now - start) * targetPps / 1_000_000_000L) {
                Thread.onSpinWait();
                continue;
            }
            payload.clear();
            ch.send(payload, to);
            sent++;
        }
        return new long[] {sent, System.nanoTime() - start};
    }
}
