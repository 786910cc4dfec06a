package io.mailscope.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread of the parallel pipeline waits for its queue: a few spins, then short sleeps (no yielding: with more
 * threads than cores, a yield loop burnt CPU time the awaited thread needed). The
 * machine may have fewer cores than threads (reader, workers, merge), so spinning long would steal the core the
 * awaited thread needs; a waiting worker costs at most a fraction of a millisecond of latency.
 */
final class Idle {
    private int rounds;

    void reset() {
        rounds = 0;
    }

    void pause() {
        int r = rounds++;
        if (r < 16) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(r < 100 ? 50_000L : 500_000L);
        }
    }
}
