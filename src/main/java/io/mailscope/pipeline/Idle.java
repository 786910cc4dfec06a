package io.mailscope.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread of the parallel pipeline waits for its queue: a few spins, then yielding, then short sleeps. The
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
        if (r < 32) {
            Thread.onSpinWait();
        } else if (r < 48) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(r < 200 ? 50_000L : 500_000L);
        }
    }
}
