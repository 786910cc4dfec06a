package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.mailscope.capture.PcapWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Captures real traffic on the loopback interface. Needs libpcap and CAP_NET_RAW (root); skipped otherwise. */
class LiveCaptureTest {
    /** Matches nothing anybody sends (other tests may run on loopback at the same time): an idle capture. */
    private static final String NOTHING = "udp port 9 and host 127.0.0.254";
    private static final long STOP_BOUND_MILLIS = 1500;

    @TempDir
    Path dir;

    @BeforeEach
    void needsCapture() {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
    }

    private static LiveOptions lo() {
        return LiveOptions.defaults().withInterface("lo");
    }

    @Test
    void imapExchangeOnLoopbackReachesTheSinkWithItsPorts() throws Exception {
        try (LoopbackImapExchange imap = new LoopbackImapExchange();
             LiveCapture capture = LiveCapture.open(lo().withFilter("tcp port " + imap.port()))) {
            RecordingSink sink = new RecordingSink();
            long before = System.currentTimeMillis() * 1_000_000L;
            capture.start(sink);
            int clientPort = imap.runClient();
            waitFor(() -> sink.sawPayload(imap.port(), "a1 OK LOGOUT"), Duration.ofSeconds(5));
            LiveStats stats = capture.stop();
            long after = System.currentTimeMillis() * 1_000_000L;

            List<RecordingSink.Frame> frames = sink.frames();
            assertTrue(frames.size() >= 6, "handshake, greeting, logout, bye at least: " + frames.size());
            assertTrue(sink.sawPayload(imap.port(), "* OK test ready"), "greeting captured");
            assertTrue(sink.sawPayload(imap.port(), "a1 LOGOUT"), "LOGOUT captured");
            for (int i = 0; i < frames.size(); i++) {
                RecordingSink.Frame f = frames.get(i);
                assertEquals(i + 1, f.number(), "frames numbered from 1 without gaps");
                assertEquals(1, f.linkType(), "loopback is Ethernet on Linux");
                assertTrue(f.isTcpV4(), "frame " + f.number() + " is TCP/IPv4");
                assertTrue((f.srcPort() == imap.port() && f.dstPort() == clientPort)
                        || (f.srcPort() == clientPort && f.dstPort() == imap.port()),
                        "frame " + f.number() + " is between client and server");
                assertTrue(f.timeNanos() >= before - 1_000_000_000L && f.timeNanos() <= after + 1_000_000_000L,
                        "timestamp is wall-clock time");
                assertEquals(f.data().length, f.origLen(), "whole packets under the default snaplen");
                assertTrue(f.threadName().startsWith("mailscope-capture-lo"), "sink runs on the capture thread");
            }
            assertTrue(frames.stream().anyMatch(f -> f.dstPort() == imap.port())
                    && frames.stream().anyMatch(f -> f.srcPort() == imap.port()), "both directions");
            assertEquals(frames.size(), stats.frames());
            assertTrue(stats.libpcapCountsKnown());
            assertTrue(stats.received() >= frames.size(), stats.summaryLine());
            assertEquals(0, stats.dropped(), stats.summaryLine());
            assertEquals(StopReason.STOPPED, capture.endReason());
            assertNull(imap.serverError());
        }
    }

    @Test
    void stopReturnsQuicklyWhenNoPacketEverArrives() throws Exception {
        LiveCapture capture = LiveCapture.open(lo().withFilter(NOTHING));
        RecordingSink sink = new RecordingSink();
        capture.start(sink);
        Thread.sleep(400); // let the capture thread block in its read
        long start = System.nanoTime();
        LiveStats stats = capture.stop();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < STOP_BOUND_MILLIS, "stop took " + tookMillis + " ms");
        assertEquals(0, stats.frames());
        assertEquals(StopReason.STOPPED, capture.endReason());
    }

    @Test
    void stopWakesABlockedReadEvenWithALongReadTimeout() throws Exception {
        // libpcap >= 1.10 on Linux wakes a read blocked in poll() on pcap_breakloop; older ones wait for the timeout.
        LiveCapture capture = LiveCapture.open(lo().withFilter(NOTHING).withReadTimeoutMillis(30_000));
        capture.start(new RecordingSink());
        Thread.sleep(400);
        long start = System.nanoTime();
        capture.stop();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assumeTrue(tookMillis < 25_000, "this libpcap does not wake a blocked read on breakloop");
        assertTrue(tookMillis < STOP_BOUND_MILLIS, "stop took " + tookMillis + " ms");
    }

    @Test
    void stopBeforeStartClosesTheHandle() throws Exception {
        LiveCapture capture = LiveCapture.open(lo().withFilter(NOTHING));
        LiveStats stats = capture.stop();
        assertEquals(0, stats.frames());
        assertTrue(capture.awaitEnd(Duration.ZERO));
        assertThrows(IllegalStateException.class, () -> capture.start(new RecordingSink()));
    }

    @Test
    void stopTwiceReturnsTheSameCounts() throws Exception {
        LiveCapture capture = LiveCapture.open(lo().withFilter(NOTHING));
        capture.start(new RecordingSink());
        LiveStats first = capture.stop();
        assertEquals(first, capture.stop());
    }

    @Test
    void frameLimitStopsTheCaptureByItself() throws Exception {
        try (LoopbackImapExchange imap = new LoopbackImapExchange();
             LiveCapture capture = LiveCapture.open(lo().withFilter("tcp port " + imap.port()).withMaxFrames(3))) {
            RecordingSink sink = new RecordingSink();
            capture.start(sink);
            imap.runClient();
            imap.runClient();
            assertTrue(capture.awaitEnd(Duration.ofSeconds(5)), "ended by itself");
            assertEquals(StopReason.FRAME_LIMIT, capture.endReason());
            assertEquals(3, sink.frames().size(), "no frame after the limit");
            assertEquals(3, capture.stop().frames());
        }
    }

    @Test
    void durationLimitStopsAnIdleCapture() throws Exception {
        LiveCapture capture = LiveCapture.open(lo().withFilter(NOTHING).withMaxDuration(Duration.ofMillis(300)));
        long start = System.nanoTime();
        capture.start(new RecordingSink());
        assertTrue(capture.awaitEnd(Duration.ofSeconds(3)), "ended by itself");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(StopReason.DURATION_LIMIT, capture.endReason());
        assertTrue(tookMillis >= 290 && tookMillis < 300 + STOP_BOUND_MILLIS, "ended after " + tookMillis + " ms");
        capture.stop();
    }

    @Test
    void writtenPcapHoldsTheCapturedFramesWithMagicAndLinkType() throws Exception {
        Path file = dir.resolve("live.pcap");
        try (LoopbackImapExchange imap = new LoopbackImapExchange();
             LiveCapture capture = LiveCapture.open(lo().withFilter("tcp port " + imap.port()))) {
            RecordingSink seen = new RecordingSink();
            PcapWriter writer = PcapWriter.create(file, PcapWriter.Format.PCAP_NANOS, capture.linkType(), capture.snaplen());
            capture.start(new Tee(writer, seen));
            imap.runClient();
            waitFor(() -> seen.sawPayload(imap.port(), "a1 OK LOGOUT"), Duration.ofSeconds(5));
            capture.stop();
            writer.close();

            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0xa1b23c4d, b.getInt(), "nanosecond pcap magic");
            assertEquals(2, b.getShort());
            assertEquals(4, b.getShort());
            b.getInt();
            b.getInt();
            assertEquals(LiveOptions.DEFAULT_SNAPLEN, b.getInt());
            assertEquals(1, b.getInt(), "link type of lo");
            List<RecordingSink.Frame> frames = seen.frames();
            for (RecordingSink.Frame f : frames) {
                long sec = Integer.toUnsignedLong(b.getInt());
                long nanos = Integer.toUnsignedLong(b.getInt());
                assertEquals(f.timeNanos(), sec * 1_000_000_000L + nanos, "timestamp of frame " + f.number());
                int capLen = b.getInt();
                assertEquals(f.origLen(), b.getInt());
                byte[] data = new byte[capLen];
                b.get(data);
                assertArrayEquals(f.data(), data, "bytes of frame " + f.number());
            }
            assertFalse(b.hasRemaining(), "one record per frame, nothing else");
            assertEquals(frames.size(), writer.frames());
        }
    }

    @Test
    void writerClosedWhileFramesArriveLeavesACompleteFile() throws Exception {
        // What Ctrl-C does: a shutdown hook closes the file while the capture thread is still delivering.
        Path file = dir.resolve("interrupted.pcap");
        try (LoopbackImapExchange imap = new LoopbackImapExchange();
             LiveCapture capture = LiveCapture.open(lo().withFilter("tcp port " + imap.port()))) {
            PcapWriter writer = PcapWriter.create(file, PcapWriter.Format.PCAP_NANOS, capture.linkType(), capture.snaplen());
            AtomicInteger delivered = new AtomicInteger();
            capture.start((n, t, l, buf, off, cap, orig) -> {
                writer.frame(n, t, l, buf, off, cap, orig);
                delivered.incrementAndGet();
            });
            imap.runClient();
            waitFor(() -> delivered.get() >= 3, Duration.ofSeconds(5));
            writer.close();
            imap.runClient();
            waitFor(() -> writer.framesAfterClose() > 0, Duration.ofSeconds(5));
            capture.stop();

            assertEquals(writer.frames(), countRecords(file), "file ends on a record boundary");
            assertTrue(writer.frames() >= 3);
        }
    }

    @Test
    void sinkThatThrowsStopsTheCaptureAndSaysWhichFrame() throws Exception {
        try (LoopbackImapExchange imap = new LoopbackImapExchange();
             LiveCapture capture = LiveCapture.open(lo().withFilter("tcp port " + imap.port()))) {
            capture.start((n, t, l, buf, off, cap, orig) -> {
                throw new IllegalStateException("boom");
            });
            imap.runClient();
            assertTrue(capture.awaitEnd(Duration.ofSeconds(5)));
            assertEquals(StopReason.FAILED, capture.endReason());
            LiveCaptureException e = assertThrows(LiveCaptureException.class, capture::stop);
            assertTrue(e.getMessage().contains("frame 1") && e.getMessage().contains("boom"), e.getMessage());
        }
    }

    @Test
    void badFilterIsAClearError() {
        LiveCaptureException e = assertThrows(LiveCaptureException.class,
                () -> LiveCapture.open(lo().withFilter("tcp port banana")));
        assertTrue(e.getMessage().startsWith("bad capture filter 'tcp port banana': "), e.getMessage());
        assertFalse(e.getMessage().contains("Error occurred"), "pcap4j's prefix removed: " + e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void unknownInterfaceListsTheKnownOnes() {
        LiveCaptureException e = assertThrows(LiveCaptureException.class,
                () -> LiveCapture.open(LiveOptions.defaults().withInterface("nosuch0")));
        assertTrue(e.getMessage().startsWith("no interface named 'nosuch0'; known interfaces: "), e.getMessage());
        assertTrue(e.getMessage().contains("lo"), e.getMessage());
    }

    @Test
    void defaultInterfaceIsNotLoopback() throws Exception {
        List<InterfaceInfo> all = InterfaceLister.list();
        assumeTrue(InterfaceLister.defaultInterface(all).isPresent(), "only loopback is up on this machine");
        try (LiveCapture capture = LiveCapture.open(LiveOptions.defaults().withFilter(NOTHING))) {
            assertEquals(InterfaceLister.defaultInterface(all).get().name(), capture.interfaceName());
            assertFalse(capture.interfaceName().equals("lo"));
        }
    }

    @Test
    void timestampsAreNanosecondPrecision() throws Exception {
        try (LiveCapture capture = LiveCapture.open(lo().withFilter(NOTHING))) {
            assertTrue(capture.nanosecondTimestamps(), "libpcap >= 1.5 on Linux gives nanoseconds");
        }
    }

    @Test
    void withoutImmediateModeFramesStillArriveAndStopIsBounded() throws Exception {
        try (LoopbackImapExchange imap = new LoopbackImapExchange();
             LiveCapture capture = LiveCapture.open(lo().withFilter("tcp port " + imap.port()).withImmediate(false))) {
            RecordingSink sink = new RecordingSink();
            capture.start(sink);
            imap.runClient();
            waitFor(() -> sink.sawPayload(imap.port(), "a1 OK LOGOUT"), Duration.ofSeconds(5));
            Thread.sleep(400);
            long start = System.nanoTime();
            capture.stop();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < STOP_BOUND_MILLIS, "stop took " + tookMillis + " ms");
        }
    }

    private static long countRecords(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(PcapWriter.PCAP_FILE_HEADER_BYTES);
        long n = 0;
        while (b.remaining() >= PcapWriter.PCAP_RECORD_BYTES) {
            b.position(b.position() + 8);
            int capLen = b.getInt();
            b.getInt();
            assertTrue(b.remaining() >= capLen, "record " + (n + 1) + " is whole");
            b.position(b.position() + capLen);
            n++;
        }
        assertEquals(0, b.remaining(), "no partial record header");
        return n;
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + max);
            }
            Thread.sleep(10);
        }
    }
}
