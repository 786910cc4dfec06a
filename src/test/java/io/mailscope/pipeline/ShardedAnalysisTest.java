package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.explain.Finding;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.ReassemblyStats;
import io.mailscope.tcp.TcpConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parallel pipeline gives what one thread gives: the same sessions, numbered alike, in the same order, with
 * the same counts; and an error on any of its threads ends the run with that error instead of a hang.
 */
class ShardedAnalysisTest {
    @TempDir
    static Path tmp;

    /**
     * Every real capture, read as one run: frame numbers continue, capture time jumps back and forth between files.
     * After no-answer-port-reuse.pcap comes a copy of it moved a week ahead (as it was recorded, captures/README 17c):
     * the connections its original left open are idle at the copy's first packet, those the copy leaves open end
     * when the next file goes back a week, and then the rest of the run is dated before them.
     */
    private static List<String> allCaptures() throws Exception {
        List<String> files;
        try (Stream<Path> s = Files.walk(Captures.DIR)) {
            files = new ArrayList<>(s.map(Path::toString).filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng"))
                    .sorted().toList());
        }
        Path reuse = Captures.path("no-answer-port-reuse.pcap");
        Path weekAhead = tmp.resolve("no-answer-port-reuse-week-ahead.pcap");
        if (!Files.exists(weekAhead)) {
            ShiftedRecording.write(reuse, 661_723L, weekAhead);
        }
        files.add(files.indexOf(reuse.toString()) + 1, weekAhead.toString());
        return files;
    }

    /** What a session is, as far as order and numbering go. */
    private static String line(AnalyzedSession s) {
        TcpConnection c = s.session().connection();
        return "#" + c.id() + " " + c.client() + " -> " + c.server() + " " + c.endReason() + " frames " + c.firstFrame()
                + ".." + c.endFrame() + " " + s.diagnosis().outcome() + " "
                + s.diagnosis().findings().stream().map(Finding::code).collect(Collectors.joining(","));
    }

    private record Run(List<String> sessions, ReassemblyStats stats, long frames) {
    }

    private static Run run(FrameAnalysis a, List<String> sessions, List<String> files) {
        for (String f : files) {
            try {
                a.read(f, a);
            } catch (Exception e) {
                throw new AssertionError(f, e);
            }
        }
        a.finish();
        return new Run(sessions, a.reassemblyStats(), a.captureStats().frames());
    }

    private static Run run(int workers, ReassemblyLimits limits, List<String> files) {
        List<String> out = new ArrayList<>();
        FrameAnalysis a = workers == 1
                ? new Analysis(Captures.ROLES, limits, true, 2_000_000_000L, s -> out.add(line(s)), Long.MAX_VALUE)
                : new ShardedAnalysis(workers, Captures.ROLES, limits, true, 2_000_000_000L, s -> out.add(line(s)), Long.MAX_VALUE);
        return run(a, out, files);
    }

    @Test
    @Timeout(120)
    void oneRunOfEveryCaptureGivesTheSameSessionsInTheSameOrderWithAnyNumberOfWorkers() throws Exception {
        List<String> files = allCaptures();
        Run one = run(1, ReassemblyLimits.DEFAULT, files);
        assertTrue(one.sessions().size() > 50, "sessions: " + one.sessions().size());
        assertTrue(one.stats().evictedIdle() > 0, "files hours apart: idle expiry is part of the order");
        List<String> ends = one.sessions().stream().map(l -> l.contains(" CAPTURE_END ") ? "end" : "other").toList();
        assertTrue(ends.indexOf("end") < ends.lastIndexOf("other"),
                "files going back in time: what was open ends there, before the run ends, which is part of the order too");
        for (int workers : new int[] {2, 3, 5}) {
            Run n = run(workers, ReassemblyLimits.DEFAULT, files);
            assertEquals(String.join("\n", one.sessions()), String.join("\n", n.sessions()), workers + " workers");
            assertEquals(one.stats().connections(), n.stats().connections());
            assertEquals(one.stats().evictedIdle(), n.stats().evictedIdle());
            assertEquals(one.stats().lateSegments(), n.stats().lateSegments());
            assertEquals(one.frames(), n.frames());
        }
    }

    @Test
    @Timeout(60)
    void theConnectionLimitHoldsForAllWorkersTogetherAndItsEvictionsAreCounted() throws Exception {
        List<String> files = allCaptures();
        ReassemblyLimits two = new ReassemblyLimits(1 << 20, 300_000_000_000L, 2);
        Run sharded = run(2, two, files);
        assertTrue(sharded.stats().evictedForSpace() > 0, "2 workers with one connection each must evict");
        Run unlimited = run(2, ReassemblyLimits.DEFAULT, files);
        assertEquals(0, unlimited.stats().evictedForSpace());
        assertTrue(sharded.sessions().size() >= unlimited.sessions().size(), "an evicted connection's later packets make a new session");
    }

    @Test
    @Timeout(30)
    void aReportThatFailsEndsTheRunWithItsErrorNotAHang() throws Exception {
        List<String> files = allCaptures();
        ShardedAnalysis a = new ShardedAnalysis(3, Captures.ROLES, ReassemblyLimits.DEFAULT, true, 2_000_000_000L, s -> {
            throw new IllegalStateException("the report broke");
        }, Long.MAX_VALUE);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            for (String f : files) {
                a.read(f, a);
            }
            a.finish();
        });
        assertEquals("the report broke", e.getMessage());
    }

    /**
     * An output that prepares on the workers ({@link SessionOutput}): every session is prepared on a worker's thread,
     * never on the merge's, without its run-wide number, and delivered on the merge's thread in one thread's order
     * with that number; one thread (Analysis) just hands each session to accept.
     */
    @Test
    @Timeout(120)
    void anOutputThatPreparesOnTheWorkersGetsTheSessionsInOrderWithTheirRunWideNumbers() throws Exception {
        List<String> files = allCaptures();
        Run one = run(1, ReassemblyLimits.DEFAULT, files);
        List<String> delivered = new ArrayList<>();
        java.util.Set<String> preparedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<String> deliveredOn = new java.util.HashSet<>();
        SessionOutput<String> output = new SessionOutput<>() {
            @Override
            public String prepare(AnalyzedSession s) {
                preparedOn.add(Thread.currentThread().getName());
                String l = line(s);
                return l.substring(l.indexOf(' ')); // everything but the worker's own number
            }

            @Override
            public void deliver(String rest, long id) {
                deliveredOn.add(Thread.currentThread().getName());
                delivered.add("#" + id + rest);
            }

            @Override
            public void accept(AnalyzedSession s) {
                throw new AssertionError("several workers prepare and deliver");
            }
        };
        run(new ShardedAnalysis(3, Captures.ROLES, ReassemblyLimits.DEFAULT, true, 2_000_000_000L, output, Long.MAX_VALUE),
                delivered, files);
        assertEquals(String.join("\n", one.sessions()), String.join("\n", delivered));
        assertEquals(java.util.Set.of("mailscope-merge"), deliveredOn);
        assertTrue(preparedOn.stream().allMatch(n -> n.startsWith("mailscope-worker-")), preparedOn.toString());
    }
}
