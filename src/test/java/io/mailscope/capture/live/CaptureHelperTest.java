package io.mailscope.capture.live;

import static io.mailscope.capture.live.HelperProcess.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.InterfaceListener;
import io.mailscope.capture.InterfaceStatistics;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * native/mailscope-capture, the privilege-separated capture helper, run as a real process: what it captures on
 * lo (read back by our reader, tshark and tcpdump), that it holds no privilege once capturing (also as user
 * nobody with the file capability the package gives it), how it ends (SIGTERM, SIGINT, a closed pipe) and its
 * failures. Every test runs on the hardened build and on the AddressSanitizer/UBSan build; argument fuzzing
 * is in {@link CaptureHelperArgumentsTest}.
 */
class CaptureHelperTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final String ALL_ZERO = "0000000000000000";

    @TempDir
    Path dir;

    private static void assumeMayCapture() {
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
    }

    private static void assumeRootWithSetcap() {
        assumeTrue(HelperBuild.isRoot() && LiveTestSupport.mayCapture(), "needs root to set file capabilities and switch to nobody");
        assumeTrue(HelperBuild.hasTool("setcap") && HelperBuild.hasTool("setpriv"),
                "setcap (libcap2-bin) and setpriv (util-linux) are needed");
    }

    private static void assumeTool(String name) {
        assumeTrue(HelperBuild.hasTool(name), name + " is not installed: that cross-check is skipped");
    }

    /** A few TCP connections to a port of our own on lo, each sending a line: traffic only this test makes. */
    private static void connections(ServerSocket server, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 Socket accepted = server.accept()) {
                s.getOutputStream().write(("hello " + i + "\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                accepted.getInputStream().readNBytes(("hello " + i + "\r\n").length());
            }
        }
    }

    /** What our reader makes of a helper's stream. */
    record Stream(long frames, int linkType, long snaplen, String name, int tsresol, InterfaceStatistics stats,
                  long firstNanos, long lastNanos, int lastBlockType) {
    }

    static Stream read(byte[] pcapng) throws Exception {
        long[] described = {-1, -1, -1};
        String[] name = {null};
        InterfaceStatistics[] stats = {null};
        long[] times = {Long.MAX_VALUE, Long.MIN_VALUE};
        long frames;
        try (CaptureReader r = CaptureReader.open("helper output", new ByteArrayInputStream(pcapng))) {
            r.onInterfaces(new InterfaceListener() {
                @Override
                public void described(long id, int linkType, long snaplen, String ifName, int tsresol) {
                    described[0] = linkType;
                    described[1] = snaplen;
                    described[2] = tsresol;
                    name[0] = ifName;
                }

                @Override
                public void statistics(long id, InterfaceStatistics s) {
                    stats[0] = s;
                }
            });
            frames = r.readFrames((frame, time, link, buf, off, cap, orig) -> {
                times[0] = Math.min(times[0], time);
                times[1] = Math.max(times[1], time);
            });
        }
        return new Stream(frames, (int) described[0], described[1], name[0], (int) described[2], stats[0],
                times[0], times[1], lastBlockType(pcapng));
    }

    private static int lastBlockType(byte[] pcapng) {
        ByteBuffer b = ByteBuffer.wrap(pcapng).order(ByteOrder.nativeOrder());
        int at = 0;
        int type = -1;
        while (at + 12 <= pcapng.length) {
            type = b.getInt(at);
            at += b.getInt(at + 4);
        }
        return type;
    }

    private static List<String> capture(Path helper, String filter) {
        return List.of(helper.toString(), "-i", "lo", "-f", filter);
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void capturesLoopbackAsPcapngThatOurReaderTsharkAndTcpdumpAllRead(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        assumeMayCapture();
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             HelperProcess h = HelperProcess.start(capture(helper, "tcp port " + server.getLocalPort()))) {
            long before = System.currentTimeMillis() * 1_000_000L;
            h.awaitListening(START);
            connections(server, 5);
            Thread.sleep(300);
            h.signal("TERM");
            assertEquals(0, h.awaitExit(Duration.ofSeconds(5)), h.stderr());
            long after = System.currentTimeMillis() * 1_000_000L;
            assertEquals("", h.stderr().trim());

            Stream s = read(h.stdout());
            assertEquals(1, s.linkType(), "lo is Ethernet-framed on Linux");
            assertEquals("lo", s.name());
            assertEquals(262144, s.snaplen());
            assertEquals(9, s.tsresol(), "nanosecond timestamps");
            assertTrue(s.frames() >= 5 * 6, "at least SYN, SYN-ACK, ACK, data, ACK and a FIN per connection: " + s);
            assertTrue(s.firstNanos() >= before - 1_000_000_000L && s.lastNanos() <= after, "timestamps are now: " + s);
            assertEquals(5, s.lastBlockType(), "the stream ends with the statistics block");
            assertNotNull(s.stats());
            assertEquals(s.frames(), s.stats().delivered(), "isb_usrdeliv counts what was written");
            assertTrue(s.stats().received() >= s.frames(), "isb_ifrecv is libpcap's ps_recv: " + s.stats());
            assertEquals(0, s.stats().osDropped(), s.stats().toString());

            Path file = dir.resolve("helper.pcapng");
            Files.write(file, h.stdout());
            assumeTool("tshark");
            List<String> tshark = lines(run(List.of("tshark", "-r", file.toString(), "-T", "fields", "-e", "tcp.port")));
            assertEquals(s.frames(), tshark.size(), "tshark reads the same frames");
            assertTrue(tshark.stream().allMatch(l -> l.contains(String.valueOf(server.getLocalPort()))), tshark.toString());
            assumeTool("tcpdump");
            assertEquals(s.frames(), lines(run(List.of("tcpdump", "-n", "-r", file.toString()))).size(),
                    "tcpdump reads the same frames");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void runByRootItBecomesNobodyWithNoCapabilityBeforeTheFirstPacket(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        assumeMayCapture();
        assumeTrue(HelperBuild.isRoot(), "the switch to nobody is what the helper does when root runs it");
        try (HelperProcess h = HelperProcess.start(capture(helper, "tcp port 9"))) {
            h.awaitListening(START);
            String status = h.procStatus();
            assertNoPrivilege(status);
            assertEquals("65534\t65534\t65534\t65534", field(status, "Uid"), status);
            assertEquals("65534\t65534\t65534\t65534", field(status, "Gid"), status);
            assertEquals("", field(status, "Groups"), "no supplementary groups");
            assertEquals(ALL_ZERO, field(status, "CapBnd"), "root may empty the bounding set too");
            h.signal("TERM");
            assertEquals(0, h.awaitExit(Duration.ofSeconds(5)), h.stderr());
        }
    }

    private static void assertNoPrivilege(String status) {
        for (String set : List.of("CapEff", "CapPrm", "CapInh", "CapAmb")) {
            assertEquals(ALL_ZERO, field(status, set), set + " while capturing:\n" + status);
        }
        assertEquals("1", field(status, "NoNewPrivs"), status);
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void userNobodyCapturesThroughTheFileCapabilityAndHoldsNoneOfItWhileCapturing(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        assumeRootWithSetcap();
        Path withCap = HelperBuild.copyForNobody(helper, dir, true);
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             HelperProcess h = HelperProcess.start(HelperBuild.asNobody(capture(withCap, "tcp port " + server.getLocalPort())))) {
            h.awaitListening(START);
            String status = h.procStatus();
            assertNoPrivilege(status);
            assertEquals("65534\t65534\t65534\t65534", field(status, "Uid"), status);
            connections(server, 3);
            Thread.sleep(300);
            h.signal("TERM");
            assertEquals(0, h.awaitExit(Duration.ofSeconds(5)), h.stderr());
            Stream s = read(h.stdout());
            assertTrue(s.frames() >= 3 * 6, s.toString());
            assertEquals(s.frames(), s.stats().delivered());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void withoutTheCapabilityItSaysNoPermissionAndExitsWith4(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        assumeRootWithSetcap();
        Path noCap = HelperBuild.copyForNobody(helper, dir, false);
        try (HelperProcess h = HelperProcess.start(HelperBuild.asNobody(capture(noCap, "tcp port 9")))) {
            assertEquals(4, h.awaitExit(Duration.ofSeconds(20)), h.stderr());
            assertEquals("mailscope-capture: no permission to capture on lo (socket: Operation not permitted)",
                    h.stderr().trim());
            assertEquals(0, h.stdout().length, "nothing on standard output");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void sigtermAndSigintEndItAtOnceWithTheCountsLast(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        assumeMayCapture();
        for (String signal : List.of("TERM", "INT")) {
            // A filter nothing matches: the helper is blocked in poll with no traffic at all.
            try (HelperProcess h = HelperProcess.start(capture(helper, "tcp port 9 and tcp port 7"))) {
                h.awaitListening(START);
                long t0 = System.nanoTime();
                h.signal(signal);
                assertEquals(0, h.awaitExit(Duration.ofSeconds(5)), signal + ": " + h.stderr());
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(millis < 1500, "SIG" + signal + " ended it in " + millis + " ms");
                Stream s = read(h.stdout());
                assertEquals(0, s.frames());
                assertEquals(5, s.lastBlockType(), "SIG" + signal + ": the statistics block is written last");
                assertEquals(0, s.stats().delivered());
                assertEquals("", h.stderr().trim());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void aReaderThatGoesAwayEndsItQuietlyEvenWithoutTraffic(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        assumeMayCapture();
        ProcessBuilder pb = new ProcessBuilder(capture(helper, "tcp port 9 and tcp port 7"));
        pb.redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        try {
            InputStream out = p.getInputStream();
            byte[] header = out.readNBytes(28);
            assertEquals(28, header.length, "the section header arrives");
            out.close(); // the pipe's read end is gone: like `mailscope-capture ... | head -c 28`
            long t0 = System.nanoTime();
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), "the helper noticed the closed pipe");
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, p.exitValue());
            assertTrue(millis < 1500, "ended " + millis + " ms after the pipe closed, without a packet to write");
            assertEquals("", Files.readString(dir.resolve("err.txt")).trim(), "no message: a closed pipe is a normal end");
        } finally {
            p.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void unknownInterfaceAndBadFilterAreOneLineWithTheirOwnExitCodes(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        assumeMayCapture();
        try (HelperProcess h = HelperProcess.start(List.of(helper.toString(), "-i", "nosuch0"))) {
            assertEquals(3, h.awaitExit(Duration.ofSeconds(20)), h.stderr());
            assertTrue(h.stderr().startsWith("mailscope-capture: no such interface: nosuch0"), h.stderr());
        }
        try (HelperProcess h = HelperProcess.start(capture(helper, "tcp prot 143"))) {
            assertEquals(5, h.awaitExit(Duration.ofSeconds(20)), h.stderr());
            assertEquals("mailscope-capture: bad filter: can't parse filter expression: syntax error", h.stderr().trim());
            assertEquals(0, h.stdout().length);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void listsInterfacesWithoutAnyPrivilege(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        try (HelperProcess h = HelperProcess.start(List.of(helper.toString(), "-D"))) {
            assertEquals(0, h.awaitExit(Duration.ofSeconds(20)), h.stderr());
            List<InterfaceInfo> all = HelperInterfaces.parse(new String(h.stdout(), StandardCharsets.UTF_8));
            InterfaceInfo lo = all.stream().filter(i -> i.name().equals("lo")).findFirst()
                    .orElseThrow(() -> new AssertionError("no lo in " + all));
            assertTrue(lo.loopback() && lo.up(), lo.toString());
            assertTrue(lo.addresses().contains("127.0.0.1/8"), lo.toString());
            if (LiveTestSupport.libpcapLoads()) {
                assertEquals(InterfaceLister.names(InterfaceLister.list()), InterfaceLister.names(all),
                        "the same interfaces, in the same order, as libpcap lists them in process");
            }
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), command + ": " + out);
        return out;
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                out.add(l);
            }
        }
        assertFalse(out.isEmpty(), "no output");
        return out;
    }
}
