package io.mailscope.cli.connect;

/**
 * Epoch nanoseconds with the resolution of {@link System#nanoTime()}: packets synthesised from a connection get
 * times that order its events even when they are microseconds apart, on the same clock live capture uses.
 */
final class WallClock {
    private static final long EPOCH_AT_START = System.currentTimeMillis() * 1_000_000L;
    private static final long NANO_AT_START = System.nanoTime();

    private WallClock() {
    }

    static long now() {
        return EPOCH_AT_START + (System.nanoTime() - NANO_AT_START);
    }
}
