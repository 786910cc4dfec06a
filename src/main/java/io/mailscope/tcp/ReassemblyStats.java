package io.mailscope.tcp;

/**
 * What reassembly saw and what its memory limits threw away.
 *
 * @param connections           connections seen
 * @param open                  connections tracked right now
 * @param droppedOutOfOrderBytes bytes discarded because a direction's out-of-order buffer was full
 * @param evictedIdle           connections reported early because they were idle
 * @param evictedForSpace       connections reported early because too many were open
 * @param lateSegments          segments for connections already reported (ignored)
 * @param peakBufferedBytes     most out-of-order bytes held at once, all connections
 * @param consumerFailures      connections whose stream consumer threw (it was then no longer called)
 */
public record ReassemblyStats(long connections, long open, long droppedOutOfOrderBytes, long evictedIdle,
                              long evictedForSpace, long lateSegments, long peakBufferedBytes,
                              long consumerFailures) {

    /** The original seven-field form, for callers written before {@code consumerFailures} existed. */
    public ReassemblyStats(long connections, long open, long droppedOutOfOrderBytes, long evictedIdle,
                           long evictedForSpace, long lateSegments, long peakBufferedBytes) {
        this(connections, open, droppedOutOfOrderBytes, evictedIdle, evictedForSpace, lateSegments,
                peakBufferedBytes, 0);
    }
}
