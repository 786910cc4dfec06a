package io.mailscope.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How `bench e2e` turns rows measured with different --threads into a speed-up and an extrapolation. */
class ThreadScalingTest {
    private static EndToEnd.Measured row(String label, double seconds) {
        long n = Math.round(seconds * 1e9);
        return new EndToEnd.Measured(new EndToEnd.Command(label, List.of(), true), List.of(n, n, n), List.of(), List.of(2 * n), null);
    }

    private static EndToEnd.Results results(EndToEnd.Measured... rows) {
        return new EndToEnd.Results("f.pcap", 1, 1, 3, "test", List.of(rows));
    }

    @Test
    void rowsDifferingOnlyInThreadsFormOneSeriesAgainstOneThread() {
        List<ThreadScaling> s = ThreadScaling.of(results(row("mailscope analyze", 1.0),
                row("mailscope analyze --threads 1", 2.0), row("mailscope analyze --threads 2", 1.25),
                row("mailscope analyze --json --threads 1", 3.0), row("mailscope analyze --json --threads 2", 2.0),
                row("mailscope analyze --summary --threads 2", 1.0)));
        assertEquals(2, s.size(), "a series needs its one-thread row: --summary has none");
        assertEquals("mailscope analyze", s.get(0).command());
        assertEquals(1.6, s.get(0).speedup(2), 1e-9);
        assertEquals("mailscope analyze --json", s.get(1).command());
        assertEquals(1.5, s.get(1).speedup(2), 1e-9);
    }

    @Test
    void theSerialFractionIsKarpFlattsAndTheExtrapolationAmdahls() {
        // 1.6x on 2 workers: e = (1/1.6 - 1/2) / (1 - 1/2) = 0.25; on 4 workers 1 / (0.25 + 0.75/4) = 2.2857x
        ThreadScaling s = ThreadScaling.of(results(row("mailscope analyze --threads 1", 2.0),
                row("mailscope analyze --threads 2", 1.25))).get(0);
        assertEquals(0.25, s.serialFraction(), 1e-9);
        assertEquals(2.2857, ThreadScaling.amdahl(s.serialFraction(), 4), 1e-4);
        assertEquals(1.0, ThreadScaling.amdahl(1.3, 8), 1e-9, "slower with more threads: no speed-up, never below 1x");
        assertEquals(8.0, ThreadScaling.amdahl(0, 8), 1e-9);
    }

    @Test
    void theReportPrintsTheSpeedupAndTheExtrapolation() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        EndToEndReport.text(results(row("mailscope analyze --threads 1", 2.0), row("mailscope analyze --threads 2", 1.25)),
                new PrintStream(b, true, StandardCharsets.UTF_8));
        String text = b.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("`analyze` by --threads: 1: 2.000 s wall, 4.00 s CPU (1.00x), 2: 1.250 s wall, 2.50 s CPU (1.60x)"), text);
        assertTrue(text.contains("serial fraction 0.25 measured at 2 threads by Karp-Flatt): 4: 2.29x, 8: 2.91x, 16: 3.37x, 32: 3.66x; limit 4.00x"), text);
    }
}
