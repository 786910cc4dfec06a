package io.mailscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.SplittableRandom;

class DecimalsTest {
    @Test
    void secondsWithThreeDecimalsAreWhatStringFormatGives() {
        SplittableRandom rnd = new SplittableRandom(7);
        long[] edges = {0, 1, 499_999, 500_000, 500_001, 999_999, 1_000_000, 1_000_500_000, -1, -500_000, -499_999,
                -1_000_500_000, 59_999_999_999L, 86_400_000_000_000L};
        for (long n : edges) {
            assertEquals(String.format(Locale.ROOT, "%.3f", n / 1e9), Decimals.fixed3(n), "nanos " + n);
        }
        for (int i = 0; i < 200_000; i++) {
            long n = rnd.nextLong(-3_600_000_000_000L, 864_000_000_000_000L);
            if (i % 3 == 0) {
                n = n / 500_000 * 500_000; // on the rounding edge
            }
            assertEquals(String.format(Locale.ROOT, "%.3f", n / 1e9), Decimals.fixed3(n), "nanos " + n);
        }
    }

    @Test
    void padLeftRightAlignsLikeAWidthInAFormat() {
        StringBuilder sb = new StringBuilder();
        Decimals.padLeft("42", 7, sb);
        assertEquals(String.format("%7s", "42"), sb.toString());
        sb.setLength(0);
        Decimals.padLeft("123456789", 7, sb);
        assertEquals("123456789", sb.toString());
    }
}
