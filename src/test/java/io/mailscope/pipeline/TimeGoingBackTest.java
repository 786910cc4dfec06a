package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.explain.Finding;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.TcpConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files read as one run whose capture time goes back: a file dated before the time the run reached ends what was
 * open (reported as at the end of a capture, before the earlier file's own sessions), and idle expiry goes on in
 * each file's own time; one thread and any number of workers give the same sessions in the same order. Real
 * recordings: no-answer-port-reuse.pcap moved a week ahead (as it was recorded, captures/README 17c), then
 * no-answer.pcap a week earlier, then pop3/certificate-rejected.pcap a week after that.
 */
class TimeGoingBackTest {
    private static final long WEEK_SECONDS = 661_723L;

    @TempDir
    Path tmp;

    private List<String> files() throws Exception {
        Path weekAhead = ShiftedRecording.write(Captures.path("no-answer-port-reuse.pcap"), WEEK_SECONDS,
                tmp.resolve("no-answer-port-reuse-week-ahead.pcap"));
        return List.of(weekAhead.toString(), Captures.path("no-answer.pcap").toString(),
                Captures.path("pop3/certificate-rejected.pcap").toString());
    }

    private static String line(AnalyzedSession s) {
        TcpConnection c = s.session().connection();
        return "#" + c.id() + " " + c.client() + " -> " + c.server().port() + " " + c.endReason() + " frames "
                + c.firstFrame() + ".." + c.endFrame() + " " + s.diagnosis().outcome() + " "
                + s.diagnosis().findings().stream().map(Finding::code).collect(Collectors.joining(","));
    }

    private static List<AnalyzedSession> run(int workers, List<String> files) throws Exception {
        List<AnalyzedSession> out = new ArrayList<>();
        FrameAnalysis a = workers == 1
                ? new Analysis(Captures.ROLES, ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add, Long.MAX_VALUE)
                : new ShardedAnalysis(workers, Captures.ROLES, ReassemblyLimits.DEFAULT, true, 2_000_000_000L,
                        out::add, Long.MAX_VALUE);
        for (String f : files) {
            a.read(f, a);
        }
        a.finish();
        return out;
    }

    @Test
    @Timeout(60)
    void aFileDatedEarlierEndsWhatWasOpenAndAnIdleConnectionInItIsReleasedWhenTimeMovesOnAgain() throws Exception {
        List<String> files = files();
        List<AnalyzedSession> one = run(1, files);
        assertEquals(List.of(
                "#1 127.0.0.1:40000 -> 993 PORT_REUSED frames 1..1 STALLED no-answer",
                "#3 127.0.0.1:40001 -> 993 PORT_REUSED frames 5..5 STALLED no-answer",
                "#5 127.0.0.1:40002 -> 993 PORT_REUSED frames 9..9 STALLED no-answer",
                // no-answer.pcap starts a week earlier: the second attempts' capture ended
                "#2 127.0.0.1:40000 -> 993 CAPTURE_END frames 2..4 STALLED no-answer",
                "#4 127.0.0.1:40001 -> 993 CAPTURE_END frames 6..8 STALLED no-answer",
                "#6 127.0.0.1:40002 -> 993 CAPTURE_END frames 10..12 STALLED no-answer",
                // pop3/certificate-rejected.pcap a week later still: no-answer.pcap's SYN is idle
                "#7 127.0.0.1:49106 -> 10143 IDLE frames 13..16 STALLED no-answer"),
                one.subList(0, 7).stream().map(TimeGoingBackTest::line).toList());
        // watched until the last frame of their file (frame 12, the last SYN from port 40002)
        long weekAheadEnd = one.get(5).session().connection().lastActivityNanos();
        for (AnalyzedSession s : one.subList(3, 6)) {
            assertEquals(weekAheadEnd, s.session().connection().releasedNanos(), line(s));
        }
        for (int workers : new int[] {2, 3}) {
            assertEquals(one.stream().map(TimeGoingBackTest::line).toList(),
                    run(workers, files).stream().map(TimeGoingBackTest::line).toList(), workers + " workers");
        }
    }

    /**
     * The same recordings spliced into one file ({@code mergecap -a}): time going back inside a file ends nothing,
     * the connections dated a week ahead are not idle at any later look, and the earlier SYN is idle all the same.
     */
    @Test
    @Timeout(60)
    void inOneFileSplicedFromTheSameRecordingsTheEarlierConnectionIsIdleAndWhatIsDatedLaterStaysOpen() throws Exception {
        Path spliced = ShiftedRecording.splice(tmp.resolve("spliced.pcap"),
                Captures.path("no-answer-port-reuse.pcap"), WEEK_SECONDS, Captures.path("no-answer.pcap"), 0L,
                Captures.path("pop3/certificate-rejected.pcap"), 0L);
        List<AnalyzedSession> one = run(1, List.of(spliced.toString()));
        List<String> lines = one.stream().map(TimeGoingBackTest::line).toList();
        assertEquals("#7 127.0.0.1:49106 -> 10143 IDLE frames 13..16 STALLED no-answer", lines.get(3));
        assertEquals(List.of(
                "#2 127.0.0.1:40000 -> 993 CAPTURE_END frames 2..4 STALLED no-answer",
                "#4 127.0.0.1:40001 -> 993 CAPTURE_END frames 6..8 STALLED no-answer",
                "#6 127.0.0.1:40002 -> 993 CAPTURE_END frames 10..12 STALLED no-answer"),
                lines.subList(lines.size() - 3, lines.size()));
        for (int workers : new int[] {2, 3}) {
            assertEquals(lines, run(workers, List.of(spliced.toString())).stream().map(TimeGoingBackTest::line).toList(),
                    workers + " workers");
        }
    }

    @Test
    @Timeout(60)
    void theSessionsOfAFileDatedLaterThanTheNextEndAsTheyDoWhenItIsReadAlone() throws Exception {
        List<String> files = files();
        List<String> alone = run(1, files.subList(0, 1)).stream().map(TimeGoingBackTest::outcome).toList();
        List<String> together = run(1, files).stream().map(TimeGoingBackTest::outcome).toList();
        assertEquals(alone, together.subList(0, alone.size()));
    }

    /** A session's end and whole diagnosis (its messages too), without its number and frames (which depend on the run). */
    private static String outcome(AnalyzedSession s) {
        TcpConnection c = s.session().connection();
        return c.client() + " -> " + c.server().port() + " " + c.endReason() + " watched until "
                + c.releasedNanos() + " " + s.diagnosis();
    }
}
