package io.mailscope.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

class EvidenceTest {
    @Test
    void durationsAreSpelledExactlyAsStringFormatSpellsThem() {
        SplittableRandom rnd = new SplittableRandom(11);
        long[] edges = {0, 1, 499_999, 500_000, 500_001, 9_999_499_999L, 9_999_500_000L, 9_999_999_999L,
                10_000_000_000L, 10_049_999_999L, 10_050_000_000L, -1, -500_000, -50_000_000, 86_400_000_000_000L,
                999_999_999_999_999L, 1_000_000_000_000_000L, 5_000_000_000_000_000L, -2_000_000_000_000_000L};
        for (long n : edges) {
            assertEquals(viaFormat(n), Evidence.duration(n), "nanos " + n);
        }
        for (int i = 0; i < 200_000; i++) {
            long n = rnd.nextLong(-3_600_000_000_000L, 999_999_999_999_999L);
            if (i % 3 == 0) {
                n = n / 50_000_000 * 50_000_000; // on a rounding edge of one decimal or three
            } else if (i % 3 == 1) {
                n = n % 60_000_000_000L; // most durations are short
            }
            assertEquals(viaFormat(n), Evidence.duration(n), "nanos " + n);
            assertEquals(String.format(Locale.ROOT, "%.3f", n / 1e9), Evidence.fixed(n, 3), "nanos " + n);
        }
    }

    private static String viaFormat(long nanos) {
        double s = nanos / 1e9;
        return s >= 10 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%.3f s", s);
    }
}
