package io.mailscope.pipeline;

import io.mailscope.capture.RawFrame;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.Session;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.explain.LiveWatch;
import io.mailscope.tcp.ReassemblyLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live capture's watch inside the sharded pipeline, with a fake clock: each worker watches its own open sessions at
 * the ticks that come through its batches, and the merge says what they found. The same lines as one thread's
 * watch, numbered alike; only the order of lines from different sessions at one tick may differ.
 */
class ShardedLiveWatchTest {
    private static final long T0 = 1_700_000_000_000_000_000L;
    private static final long STALL = 3_000_000_000L;
    private static final int RAW = 101;

    /** Frames of the scenario, in capture order, and where the clock ticks between them. */
    private final List<byte[]> frames = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();

    /** The lines a live run says: opened, finding, progress, and each session's end, one string each. */
    /** What the report would print, as lines; the sharded runs hand it to the workers' watch as their sink. */
    private static class Lines implements LiveSink {
        final List<String> all = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void opened(Session s) {
            all.add("#" + s.connection().id() + " opened " + s.connection().client() + " -> " + s.connection().server());
        }

        @Override
        public void finding(Session s, Finding f, long time) {
            all.add("#" + s.connection().id() + " finding " + f.code() + " at +" + (time - T0) / 1_000_000_000L + "s");
        }

        @Override
        public void progress(Session s, String line, long time) {
            all.add("#" + s.connection().id() + " progress " + line + " at +" + (time - T0) / 1_000_000_000L + "s");
        }

        void ended(AnalyzedSession s) {
            all.add("#" + s.session().connection().id() + " ended " + s.session().connection().endReason() + " "
                    + s.diagnosis().findings().stream().map(Finding::code).collect(Collectors.joining(",")));
        }

        /** The lines of each session, in their order, by session number. */
        Map<String, List<String>> bySession() {
            Map<String, List<String>> m = new LinkedHashMap<>();
            for (String l : all) {
                m.computeIfAbsent(l.substring(0, l.indexOf(' ')), k -> new ArrayList<>()).add(l);
            }
            return m;
        }
    }

    /** The scenario: silent clients on 993, refused plaintext logins on 143, one session that ends between ticks. */
    private void scenario() {
        for (int i = 0; i < 6; i++) {
            handshake(40000 + i, 993, T0 + i * 1_000_000L);
        }
        for (int i = 0; i < 4; i++) {
            int port = 41000 + i;
            long t = T0 + 10_000_000L + i * 1_000_000L;
            handshake(port, 143, t);
            String greeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n";
            String login = "a1 LOGIN alice secret\r\n";
            data(port, 143, false, 5001, 1001, greeting, t + 100_000);
            data(port, 143, true, 1001, 5001 + greeting.length(), login, t + 200_000);
            data(port, 143, false, 5001 + greeting.length(), 1001 + login.length(),
                    "a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed.\r\n", t + 300_000);
        }
    }

    private void handshake(int clientPort, int serverPort, long t) {
        frames.add(segment(clientPort, serverPort, true, 1000, 0, 0x02, ""));
        times.add(t);
        frames.add(segment(clientPort, serverPort, false, 5000, 1001, 0x12, ""));
        times.add(t + 10_000);
        frames.add(segment(clientPort, serverPort, true, 1001, 5001, 0x10, ""));
        times.add(t + 20_000);
    }

    private void data(int clientPort, int serverPort, boolean fromClient, long seq, long ack, String payload, long t) {
        frames.add(segment(clientPort, serverPort, fromClient, seq, ack, 0x18, payload));
        times.add(t);
    }

    /** The first 993 client closes (after the first tick). */
    private void closeFirst() {
        frames.add(segment(40000, 993, true, 1001, 5001, 0x11, ""));
        times.add(T0 + 2_000_000_000L);
        frames.add(segment(40000, 993, false, 5001, 1002, 0x11, ""));
        times.add(T0 + 2_000_100_000L);
    }

    /** One thread, as {@code mailscope live --threads 1} drives it. */
    private Lines oneThread(long[] ticks) {
        Lines lines = new Lines();
        Analysis a = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L, lines::ended);
        a.tracker().onOpen(lines::opened);
        long[] now = new long[1];
        LiveWatch watch = new LiveWatch(STALL, (s, f) -> lines.finding(s, f, now[0]));
        watch.onProgress((s, l) -> lines.progress(s, l, now[0]));
        drive(a, ticks, t -> {
            now[0] = t;
            watch.tick(a.tracker().openSessions(), t);
            a.expireIdle(t);
        });
        return lines;
    }

    private Lines sharded(int workers, long[] ticks) {
        Lines lines = new Lines();
        ShardedAnalysis a = new ShardedAnalysis(workers, PortRoles.defaults(), ReassemblyLimits.DEFAULT, true,
                2_000_000_000L, lines::ended, 1_000_000);
        a.watchLive(STALL, lines);
        drive(a, ticks, a::liveTick);
        return lines;
    }

    /** The scenario's frames, a tick at +1 s, the close, then the later ticks, then the end. */
    private void drive(FrameAnalysis a, long[] ticks, java.util.function.LongConsumer tick) {
        frames.clear();
        times.clear();
        scenario();
        int opened = frames.size();
        closeFirst();
        for (int i = 0; i < opened; i++) {
            a.frame(i + 1, times.get(i), RAW, frames.get(i), 0, frames.get(i).length, frames.get(i).length);
        }
        tick.accept(ticks[0]);
        for (int i = opened; i < frames.size(); i++) {
            a.frame(i + 1, times.get(i), RAW, frames.get(i), 0, frames.get(i).length, frames.get(i).length);
        }
        for (int k = 1; k < ticks.length; k++) {
            tick.accept(ticks[k]);
        }
        a.finish();
    }

    private static final long[] TICKS = {T0 + 1_000_000_000L, T0 + 4_000_000_000L, T0 + 9_000_000_000L, T0 + 400_000_000_000L};

    @Test
    @Timeout(60)
    void workersSayWhatOneThreadSaysEachSessionInItsOrder() {
        Lines one = oneThread(TICKS);
        assertTrue(one.all.contains("#2 finding implicit-tls-mutual-wait at +4s"), one.all.toString());
        assertTrue(one.all.stream().noneMatch(l -> l.startsWith("#1 finding implicit-tls-mutual-wait")),
                "the first client closed before the stall time: " + one.all);
        assertTrue(one.all.contains("#7 finding login-before-starttls at +1s"), one.all.toString());
        for (int workers = 2; workers <= 3; workers++) {
            Lines many = sharded(workers, TICKS);
            List<String> a = new ArrayList<>(one.all);
            List<String> b = new ArrayList<>(many.all);
            Collections.sort(a);
            Collections.sort(b);
            assertEquals(a, b, workers + " workers say the same lines");
            assertEquals(one.bySession(), many.bySession(), workers + " workers: each session's lines in the same order");
        }
    }

    @Test
    @Timeout(60)
    void theStallIsSaidAtTheTickThatRevealsItOnceAndBeforeTheSessionEnds() {
        Lines many = sharded(3, TICKS);
        Map<String, List<String>> by = many.bySession();
        for (int n = 2; n <= 6; n++) {
            List<String> lines = by.get("#" + n);
            assertEquals(1, lines.stream().filter(l -> l.contains("finding implicit-tls-mutual-wait")).count(), lines.toString());
            assertTrue(lines.contains("#" + n + " finding implicit-tls-mutual-wait at +4s"), lines.toString());
            assertTrue(lines.get(0).startsWith("#" + n + " opened 10.0.0.1:" + (40000 + n - 1)), lines.toString());
            assertTrue(lines.get(lines.size() - 1).startsWith("#" + n + " ended IDLE"), "released by the +400 s tick: " + lines);
        }
        List<String> first = by.get("#1");
        assertTrue(first.get(first.size() - 1).startsWith("#1 ended"), first.toString());
        assertTrue(first.stream().noneMatch(l -> l.contains("finding")), first.toString());
    }

    @Test
    @Timeout(60)
    void linesOfOneTickComeBeforeWhatLaterFramesDo() {
        Lines many = sharded(2, TICKS);
        int refusal = many.all.indexOf("#7 finding login-before-starttls at +1s");
        int firstEnd = many.all.indexOf(many.all.stream().filter(l -> l.startsWith("#1 ended")).findFirst().orElseThrow());
        assertTrue(refusal >= 0 && refusal < firstEnd, "the +1 s tick's findings come before the close that followed it: " + many.all);
    }

    @Test
    @Timeout(60)
    void aReportThatFallsBehindDoesNotStopTheWorkers() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Lines lines = new Lines() {
            @Override
            public void opened(Session s) {
                try {
                    release.await(); // the terminal froze (a paused pager, a full pipe)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.opened(s);
            }
        };
        ShardedAnalysis a = new ShardedAnalysis(2, PortRoles.defaults(), ReassemblyLimits.DEFAULT, true,
                2_000_000_000L, lines::ended, 1_000_000);
        a.watchLive(STALL, lines);
        frames.clear();
        times.clear();
        scenario();
        for (int i = 0; i < frames.size(); i++) {
            a.frame(i + 1, times.get(i), RAW, frames.get(i), 0, frames.get(i).length, frames.get(i).length);
        }
        // Each tick hands a round over, and a round needs every worker's batch back: with workers waiting for the
        // report, the fifth would wait for ever (a worker has 4 batches).
        for (int k = 0; k < 50; k++) {
            a.liveTick(T0 + 4_000_000_000L + k);
        }
        assertTrue(lines.all.isEmpty(), "the report is still frozen: " + lines.all);
        release.countDown();
        a.finish();
        assertEquals(10, lines.all.stream().filter(l -> l.contains(" opened ")).count(), lines.all.toString());
        assertEquals(6, lines.all.stream().filter(l -> l.contains("finding implicit-tls-mutual-wait at +4s")).count(),
                "the watch went on while the report was frozen: " + lines.all);
    }

    /** A raw IPv4/TCP frame between 10.0.0.1:clientPort and 10.0.0.2:serverPort. */
    private static byte[] segment(int clientPort, int serverPort, boolean fromClient, long seq, long ack, int flags, String payload) {
        return RawFrame.ipv4Tcp(clientPort, serverPort, fromClient, seq, ack, flags, payload);
    }
}
