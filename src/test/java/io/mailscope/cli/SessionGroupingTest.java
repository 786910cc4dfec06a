package io.mailscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The text report folds 10 or more alike sessions into one paragraph; JSON and picked sessions are never folded. */
class SessionGroupingTest {
    @TempDir
    Path dir;

    private String scan(int connections) {
        String file = dir.resolve("scan-" + connections + ".pcap").toString();
        assertEquals(0, Main.run("bench", "generate", "--workload", "scan", "--connections", Integer.toString(connections),
                "-o", file));
        return file;
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void tenAlikeSessionsBecomeOneParagraphWithCountTimesAndSources() {
        CliRun r = CliRun.of("analyze", "--color", "never", scan(30_000));
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(0, count(r.out(), "^#\\d+ "), "no session paragraph of its own:\n" + r.out());
        assertTrue(r.out().startsWith("30000 sessions -> 192.0.2.25:993  imaps  STALLED  none\n"), r.out());
        assertTrue(r.out().contains("first #1 at 0.000 s, last #30000 at 1.500 s"), r.out());
        // the generator gives 28,232 ports to 10.0.0.1, then moves on to 10.0.0.2
        assertTrue(r.out().contains("sources: 10.0.0.1 (28232), 10.0.0.2 (1768)\n"), r.out());
        assertTrue(r.out().contains("ERROR no-answer: The server never answered"), r.out());
        assertTrue(r.out().contains("Summary: 30000 sessions"), r.out());
    }

    @Test
    void fewerThanTenAlikeSessionsArePrintedOneByOneInOrder() {
        CliRun r = CliRun.of("analyze", "--color", "never", scan(9));
        assertEquals(9, count(r.out(), "^#\\d+ "), r.out());
        assertTrue(r.out().indexOf("#1 10.0.0.1:32768") < r.out().indexOf("#9 10.0.0.1:32776"), r.out());
        assertTrue(!r.out().contains("grouped"), r.out());
    }

    @Test
    void summaryGroupsTooButJsonWritesEverySession() {
        String file = scan(12);
        CliRun summary = CliRun.of("analyze", "--summary", "--color", "never", file);
        assertTrue(summary.out().startsWith("12 sessions -> 192.0.2.25:993"), summary.out());
        CliRun json = CliRun.of("analyze", "--json", file);
        assertEquals(12, count(json.out(), "\"type\":\"session\""), json.out());
    }

    @Test
    void sessionsPickedByIdAreNeverGrouped() {
        String file = scan(12);
        CliRun r = CliRun.of("analyze", "--color", "never", "--session", "1,2,3,4,5,6,7,8,9,10,11,12", file);
        assertEquals(12, count(r.out(), "^#\\d+ "), r.out());
    }
}
