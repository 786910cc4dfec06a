package io.mailscope.pipeline;

import io.mailscope.capture.LinkTypes;
import io.mailscope.capture.TcpSegment;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.report.JsonReport;
import io.mailscope.report.Style;
import io.mailscope.report.TextReport;
import io.mailscope.tcp.ReassemblyLimits;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection that has only sent SYNs is kept as a compact record (TcpReassembler.compactSynOnly) until it says
 * more or is reported; the sessions that come out are exactly those of following it in full from its SYN: the same
 * JSON and text, byte for byte, whatever happens next (an answer, a refusal, retransmissions, a new ISN on the same
 * ports, eviction for space, idle expiry, the end of the capture), on one thread or sharded.
 */
class CompactSynOnlyTest {
    private static final long T0 = 1_764_115_200_000_000_000L;
    private static final long MS = 1_000_000L;

    /** Raw IP frames (link type RAW), each with its time. */
    private static final class Traffic {
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> times = new ArrayList<>();

        void tcp(long time, byte[] src, int srcPort, byte[] dst, int dstPort, long seq, long ack, int flags, int window,
                 byte[] payload) {
            ByteBuffer t = ByteBuffer.allocate(20 + payload.length);
            t.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack)
                    .put((byte) (5 << 4)).put((byte) flags).putShort((short) window).putShort((short) 0)
                    .putShort((short) 0).put(payload);
            byte[] tcp = t.array();
            ByteBuffer ip;
            if (src.length == 4) {
                ip = ByteBuffer.allocate(20 + tcp.length);
                ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + tcp.length)).putShort((short) 1)
                        .putShort((short) 0).put((byte) 64).put((byte) 6).putShort((short) 0).put(src).put(dst).put(tcp);
            } else {
                ip = ByteBuffer.allocate(40 + tcp.length);
                ip.putInt(0x60000000).putShort((short) tcp.length).put((byte) 6).put((byte) 64).put(src).put(dst).put(tcp);
            }
            frames.add(ip.array());
            times.add(time);
        }

        void syn(long time, byte[] client, int port, byte[] server, int serverPort, long isn) {
            tcp(time, client, port, server, serverPort, isn, 0, TcpSegment.SYN, 64_240, new byte[0]);
        }
    }

    private static byte[] v4(int a, int b) {
        return new byte[] {10, 0, (byte) a, (byte) b};
    }

    private static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }

    /** Every story a SYN-only connection can go on to, interleaved with a scan that keeps many of them open. */
    private static Traffic stories() {
        Traffic t = new Traffic();
        byte[] server = {(byte) 192, 0, 2, 25};
        byte[] server6 = v6(0x25);
        Random r = new Random(11);
        long now = T0;
        int[] ports = {993, 143, 110, 25, 587, 80};
        for (int i = 0; i < 400; i++) {
            now += 50_000L + r.nextInt(2_000_000);
            byte[] client = v4(i / 200, 1 + i % 200);
            int cport = 30_000 + i;
            int sport = ports[i % ports.length];
            long isn = r.nextInt() & 0xffffffffL;
            switch (i % 14) {
                case 0 -> { // answered later: handshake, greeting, close
                    t.syn(now, client, cport, server, sport, isn);
                    t.syn(now + 1000 * MS, client, cport, server, sport, isn);
                    long sisn = 7_000 + i;
                    t.tcp(now + 1500 * MS, server, sport, client, cport, sisn, isn + 1, TcpSegment.SYN | TcpSegment.ACK, 65_000, new byte[0]);
                    t.tcp(now + 1501 * MS, client, cport, server, sport, isn + 1, sisn + 1, TcpSegment.ACK, 65_000, new byte[0]);
                    byte[] hello = "* OK ready\r\n".getBytes(StandardCharsets.US_ASCII);
                    t.tcp(now + 1502 * MS, server, sport, client, cport, sisn + 1, isn + 1, TcpSegment.ACK | TcpSegment.PSH, 65_000, hello);
                    t.tcp(now + 1503 * MS, client, cport, server, sport, isn + 1, sisn + 1 + hello.length, TcpSegment.ACK | TcpSegment.FIN, 65_000, new byte[0]);
                    t.tcp(now + 1504 * MS, server, sport, client, cport, sisn + 1 + hello.length, isn + 2, TcpSegment.ACK | TcpSegment.FIN, 65_000, new byte[0]);
                }
                case 1 -> { // refused
                    t.syn(now, client, cport, server, sport, isn);
                    t.tcp(now + 2 * MS, server, sport, client, cport, 0, isn + 1, TcpSegment.RST | TcpSegment.ACK, 0, new byte[0]);
                }
                case 2 -> { // retransmitted, never answered (ECN dropped on the retries, as Linux does)
                    t.tcp(now, client, cport, server, sport, isn, 0, TcpSegment.SYN | TcpSegment.ECE | TcpSegment.CWR, 64_240, new byte[0]);
                    t.syn(now + 1000 * MS, client, cport, server, sport, isn);
                    t.syn(now + 3000 * MS, client, cport, server, sport, isn);
                    t.syn(now + 7000 * MS, client, cport, server, sport, isn);
                }
                case 3 -> { // a new attempt from the same port with another ISN
                    t.syn(now, client, cport, server, sport, isn);
                    t.syn(now + 2000 * MS, client, cport, server, sport, isn + 99_999);
                }
                case 4 -> t.tcp(now, client, cport, server, sport, isn, 0, TcpSegment.SYN, 0, new byte[0]); // zero window
                case 5 -> t.tcp(now, client, cport, server, sport, isn, 0, TcpSegment.SYN, 64_240, // TFO-like data
                        "a1 CAPABILITY\r\n".getBytes(StandardCharsets.US_ASCII));
                case 6 -> t.syn(now, v6(1 + i % 50), cport, server6, sport, isn); // IPv6
                case 7 -> { // the client gives up with a FIN
                    t.syn(now, client, cport, server, sport, isn);
                    t.tcp(now + 3000 * MS, client, cport, server, sport, isn + 1, 0, TcpSegment.FIN, 64_240, new byte[0]);
                }
                case 8 -> { // simultaneous open: a SYN from the other side too
                    t.syn(now, client, cport, server, sport, isn);
                    t.syn(now + MS, server, sport, client, cport, 5_000 + i);
                }
                case 9 -> { // a retransmission carrying a byte, then silence
                    t.syn(now, client, cport, server, sport, isn);
                    t.tcp(now + 900 * MS, client, cport, server, sport, isn, 0, TcpSegment.SYN, 64_240, new byte[] {'x'});
                }
                case 10 -> { // a SYN with FIN set
                    t.tcp(now, client, cport, server, sport, isn, 0, TcpSegment.SYN | TcpSegment.FIN, 64_240, new byte[0]);
                }
                default -> t.syn(now, client, cport, server, sport, isn); // plain scan
            }
        }
        // a late straggler, after the idle timeout of the runs below
        t.syn(now + 400_000 * MS, v4(9, 9), 40_000, server, 993, 1234);
        return t;
    }

    private static void feed(FrameAnalysis a, Traffic t) {
        // frames in time order (the stories above overlap): a stable sort by time
        Integer[] order = new Integer[t.frames.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Long.compare(t.times.get(x), t.times.get(y)));
        long frame = 1;
        for (int i : order) {
            byte[] f = t.frames.get(i);
            a.frame(frame++, t.times.get(i), LinkTypes.RAW, f, 0, f.length, f.length);
        }
        a.finish();
    }

    private record Rendered(String json, String text) {
    }

    private static Rendered render(int workers, boolean compact, ReassemblyLimits limits, Traffic t) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        JsonReport jr = new JsonReport(json, false);
        TextReport tr = new TextReport(new PrintStream(text, true, StandardCharsets.UTF_8), Style.plain(),
                TextReport.Detail.FULL, false);
        Consumer<AnalyzedSession> out = s -> {
            jr.session(s);
            tr.session(s);
        };
        FrameAnalysis a;
        if (workers == 1) {
            Analysis one = new Analysis(Captures.ROLES, limits, true, 2_000_000_000L, out, 5_000);
            a = one.compactSynOnly(compact);
        } else {
            a = new ShardedAnalysis(workers, Captures.ROLES, limits, true, 2_000_000_000L, out, 5_000);
        }
        feed(a, t);
        jr.close();
        return new Rendered(json.toString(StandardCharsets.UTF_8), text.toString(StandardCharsets.UTF_8));
    }

    private static final ReassemblyLimits ROOMY = new ReassemblyLimits(1 << 20, 300_000 * MS, 100_000);
    /** Few connections at once: the scan evicts, so compact records are reported for space. */
    private static final ReassemblyLimits TIGHT = new ReassemblyLimits(1 << 20, 300_000 * MS, 37);
    /** A short idle timeout: compact records expire. */
    private static final ReassemblyLimits IDLE = new ReassemblyLimits(1 << 20, 500 * MS, 100_000);

    @Test
    void compactRecordsGiveTheSameSessionsAsFollowingEveryConnectionInFull() {
        Traffic t = stories();
        for (ReassemblyLimits limits : List.of(ROOMY, TIGHT, IDLE)) {
            Rendered full = render(1, false, limits, t);
            Rendered compact = render(1, true, limits, t);
            assertTrue(full.json().contains("\"code\":\"no-answer\""), "the stories include unanswered SYNs");
            assertTrue(full.json().contains("\"code\":\"connection-refused\""), "and refused ones");
            assertEquals(full.json(), compact.json(), "JSON, limits " + limits);
            assertEquals(full.text(), compact.text(), "text, limits " + limits);
        }
    }

    @Test
    void shardedWorkersNumberCompactRecordsAsOneThreadDoes() {
        Traffic t = stories();
        for (ReassemblyLimits limits : List.of(ROOMY, IDLE)) {
            Rendered one = render(1, true, limits, t);
            for (int workers : new int[] {2, 3}) {
                Rendered n = render(workers, true, limits, t);
                assertEquals(one.json(), n.json(), workers + " workers, limits " + limits);
            }
        }
    }

    @Test
    void liveCaptureSeesAnUnansweredSynOpenAtOnceAndFilesOnlyWhenItIsReported() {
        Traffic t = new Traffic();
        t.syn(T0, v4(0, 1), 40_000, new byte[] {(byte) 192, 0, 2, 25}, 993, 1000);
        for (boolean live : new boolean[] {true, false}) {
            List<String> seen = new ArrayList<>();
            FrameAnalysis a = FrameAnalysis.create(1, Captures.ROLES, ROOMY, true, 2_000_000_000L,
                    s -> seen.add("reported"), live);
            ((Analysis) a).tracker().onOpen(s -> seen.add("opened"));
            byte[] f = t.frames.get(0);
            a.frame(1, T0, LinkTypes.RAW, f, 0, f.length, f.length);
            // live shows the session as it opens and its watch judges it while open: it must exist at the SYN
            assertEquals(live ? List.of("opened") : List.of(), seen, "live " + live);
            assertEquals(live ? 1 : 0, countOpen(((Analysis) a).tracker()), "open sessions, live " + live);
            a.finish();
            assertEquals(live ? List.of("opened", "reported") : List.of("reported"), seen, "live " + live);
        }
    }

    private static int countOpen(SessionTracker tracker) {
        int n = 0;
        for (var ignored : tracker.openSessions()) {
            n++;
        }
        return n;
    }

    @Test
    void theWaitOfAnEvictedUnansweredSynIsHowLongItWasFollowed() {
        Traffic t = new Traffic();
        byte[] server = {(byte) 192, 0, 2, 25};
        for (int i = 0; i < 3; i++) {
            t.syn(T0 + i * 2_500 * MS, v4(0, 1 + i), 40_000 + i, server, 993, 1000 + i);
        }
        ReassemblyLimits two = new ReassemblyLimits(1 << 20, 300_000 * MS, 2);
        String json = render(1, true, two, t).json();
        // #1 was followed until #3 needed its place (5 s later); #2 and #3 until the capture ended at 5 s
        assertTrue(json.contains("nothing came back in the 5.000 s before mailscope stopped following it (memory limit)"), json);
        assertTrue(json.contains("nothing came back in the 2.500 s until the capture ended"), json);
        assertTrue(json.contains("nothing came back in the 0.000 s until the capture ended"), json);
        assertTrue(!json.contains("within 0.000 s"), json);
    }
}
