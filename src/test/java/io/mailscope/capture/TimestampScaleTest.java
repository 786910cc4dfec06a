package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimestampScaleTest {
    @Test
    void microsecondsByDefault() {
        assertEquals(1_500_000L, TimestampScale.MICROSECONDS.toNanos(1_500));
    }

    @Test
    void decimalResolutionsFinerThanNanosecondsRoundDown() {
        assertEquals(1_234L, TimestampScale.of(12, 0).toNanos(1_234_567));
    }

    @Test
    void decimalResolutionBeyondLongRangeIsZero() {
        assertEquals(0L, TimestampScale.of(40, 0).toNanos(Long.MAX_VALUE));
    }

    @Test
    void binaryResolutionKeepsTheFraction() {
        assertEquals(2_250_000_000L, TimestampScale.of(0x80 | 2, 0).toNanos(9));
    }

    @Test
    void binaryResolutionFinerThan32BitsDoesNotOverflow() {
        // 2^-40 s units: 3.5 s
        long ticks = (3L << 40) + (1L << 39);
        assertEquals(3_500_000_000L, TimestampScale.of(0x80 | 40, 0).toNanos(ticks));
    }

    @Test
    void wholeSecondsInBinary() {
        assertEquals(7_000_000_000L, TimestampScale.of(0x80, 0).toNanos(7));
    }

    @Test
    void negativeOffsetMovesBack() {
        assertEquals(1_000_000_000L, TimestampScale.of(9, -1).toNanos(2_000_000_000L));
    }
}
