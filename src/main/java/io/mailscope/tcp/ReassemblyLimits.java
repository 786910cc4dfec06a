package io.mailscope.tcp;

/**
 * Memory bounds of reassembly. Every limit has a default; what a limit throws away is counted.
 *
 * @param maxOutOfOrderBytes      per direction: bytes held while waiting for a hole to fill; beyond it the hole becomes a gap
 * @param idleTimeoutNanos        a connection with no packet for this long (capture time) is reported and released
 * @param maxConnections          connections tracked at once; beyond it the least recently active one is evicted
 * @param maxTotalOutOfOrderBytes all connections together: beyond it, a direction that receives out-of-order data
 *                                gives its holes up as gaps. Without it, 120 connections each holding just under
 *                                the per-direction limit ran a 64 MB heap out of memory.
 */
public record ReassemblyLimits(int maxOutOfOrderBytes, long idleTimeoutNanos, int maxConnections,
                               long maxTotalOutOfOrderBytes) {
    public static final ReassemblyLimits DEFAULT = new ReassemblyLimits(1 << 20, 300L * 1_000_000_000L, 100_000);

    /** The first three limits; all connections together may hold a quarter of the Java heap out of order. */
    public ReassemblyLimits(int maxOutOfOrderBytes, long idleTimeoutNanos, int maxConnections) {
        this(maxOutOfOrderBytes, idleTimeoutNanos, maxConnections, defaultMaxTotalOutOfOrderBytes(Runtime.getRuntime().maxMemory()));
    }

    /** A quarter of the heap ({@code maxMemory} bytes), at least 4 MiB. */
    public static long defaultMaxTotalOutOfOrderBytes(long maxMemory) {
        return Math.max(4L << 20, maxMemory / 4);
    }
}
