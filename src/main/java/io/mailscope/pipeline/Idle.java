package io.mailscope.pipeline;

import java.util.concurrent.locks.LockSupport;

/**
 * How a thread of the parallel pipeline waits for its queue: a few spins, then short sleeps (no yielding: with more
 * threads than cores, a yield loop burnt CPU time the awaited thread needed). The
 * machine may have fewer cores than threads (reader, workers, merge), so spinning long would steal the core the
 * awaited thread needs; a waiting worker costs at most a fraction of a millisecond of latency.
 */
final class Idle {
    /** Park up to 1 ms at a time: for a wait whose end is signalled with {@link LockSupport#unpark}. */
    static final boolean SIGNALLED = true;

    private final boolean signalled;
    private int rounds;

    /** A wait nobody signals: short sleeps (50 µs, after 100 of them 500 µs). */
    Idle() {
        this(false);
    }

    /**
     * @param signalled the thread that ends the wait unparks this one (a batch handed over, a batch given back,
     *                  a worker's progress): then it sleeps until woken, at most 1 ms, instead of waking every 50 µs
     *                  to look (each look is a context switch: tens of thousands per second on a 2-core machine)
     */
    Idle(boolean signalled) {
        this.signalled = signalled;
    }

    void reset() {
        rounds = 0;
    }

    void pause() {
        int r = rounds++;
        if (r < 16) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(signalled ? 1_000_000L : r < 100 ? 50_000L : 500_000L);
        }
    }
}
