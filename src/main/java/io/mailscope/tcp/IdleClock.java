package io.mailscope.tcp;

/**
 * When to look for idle connections: at the first segment, then whenever capture time moved
 * {@link #CHECK_INTERVAL} away from the last look, forward or back. One reassembler keeps one for itself; the
 * parallel pipeline's reader keeps the run's (it sees every segment) and tells every worker when to look, so each
 * shard looks at the frame a single reassembler would.
 *
 * <p>Back as well as forward: a file dated earlier than the one before it must have its own idle connections
 * released on its own time. A step back shorter than the interval (frames of two interfaces interleaved a few
 * milliseconds out of order) is no reason to look again: nothing can have become idle since the last look.
 */
public final class IdleClock {
    /** How far capture time moves between two looks. */
    public static final long CHECK_INTERVAL = 1_000_000_000L;

    private boolean looked;
    private long lastLook;

    /** Whether to look for idle connections at a segment of capture time {@code nowNanos}; if so, the look is taken. */
    public boolean due(long nowNanos) {
        if (looked && Math.abs(nowNanos - lastLook) < CHECK_INTERVAL) {
            return false;
        }
        looked = true;
        lastLook = nowNanos;
        return true;
    }

    /** Capture time starts over (a file dated before the time reached): the next segment is looked at as a first. */
    public void restart() {
        looked = false;
    }
}
