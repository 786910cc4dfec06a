package io.mailscope.capture;

/**
 * Turns pcapng timestamp ticks into epoch nanoseconds for one interface: {@code if_tsresol} (a negative power of
 * 10, or of 2 when its high bit is set; 10^-6 when absent) and {@code if_tsoffset} (seconds added to every stamp).
 */
record TimestampScale(boolean binary, int exponent, long offsetNanos) {
    static final TimestampScale MICROSECONDS = new TimestampScale(false, 6, 0);
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    /** @param tsresol the raw option byte; @param offsetSeconds the raw {@code if_tsoffset} */
    static TimestampScale of(int tsresol, long offsetSeconds) {
        return new TimestampScale((tsresol & 0x80) != 0, tsresol & 0x7f, offsetSeconds * NANOS_PER_SECOND);
    }

    /** @param ticks the 64-bit stamp, unsigned */
    long toNanos(long ticks) {
        return offsetNanos + (binary ? binaryToNanos(ticks) : decimalToNanos(ticks));
    }

    private long decimalToNanos(long ticks) {
        if (exponent <= 9) {
            return ticks * POWERS_OF_TEN[9 - exponent];
        }
        int down = exponent - 9;
        return down >= POWERS_OF_TEN.length ? 0 : Long.divideUnsigned(ticks, POWERS_OF_TEN[down]);
    }

    private long binaryToNanos(long ticks) {
        if (exponent == 0) {
            return ticks * NANOS_PER_SECOND;
        }
        long seconds = exponent >= 64 ? 0 : ticks >>> exponent;
        long fraction = exponent >= 64 ? ticks : ticks & ((1L << exponent) - 1);
        long fractionNanos;
        if (exponent <= 32) {
            // fraction < 2^32 and 10^9 < 2^30: the product fits in 63 bits.
            fractionNanos = (fraction * NANOS_PER_SECOND) >>> exponent;
        } else {
            // Keep the top 32 bits of the fraction: precision below a nanosecond is lost, nothing more.
            int drop = exponent - 32;
            long top = drop >= 64 ? 0 : fraction >>> drop;
            fractionNanos = (top * NANOS_PER_SECOND) >>> 32;
        }
        return seconds * NANOS_PER_SECOND + fractionNanos;
    }
}
