package io.mailscope.tcp;

/**
 * Memory bounds of reassembly. Every limit has a default and a CLI option; what a limit throws away is counted.
 *
 * @param maxOutOfOrderBytes per direction: bytes held while waiting for a hole to fill; beyond it the hole becomes a gap
 * @param idleTimeoutNanos   a connection with no packet for this long (capture time) is reported and released
 * @param maxConnections     connections tracked at once; beyond it the least recently active one is evicted
 */
public record ReassemblyLimits(int maxOutOfOrderBytes, long idleTimeoutNanos, int maxConnections) {
    public static final ReassemblyLimits DEFAULT = new ReassemblyLimits(1 << 20, 300L * 1_000_000_000L, 100_000);
}
