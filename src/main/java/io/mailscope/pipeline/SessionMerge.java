package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Puts the workers' sessions back into one stream, in the order a single analysis reports them, on a thread of its
 * own, which is also where they are rendered (the reports keep state: grouping, counts, one output stream), so
 * rendering is off the workers' path.
 *
 * <p>A k-way merge with a watermark: each worker's items come in key order ({@link ShardItem}); the smallest head
 * may go once every worker that has no item waiting has analyzed every frame up to the head's frame (its
 * {@link ShardWorker#progress()}, read before looking at its queue, so nothing it said about those frames can
 * still be on the way). Connections are numbered here, in the order they opened across all workers, and each
 * session gets its run-wide number before it is handed on.
 */
final class SessionMerge implements Runnable {
    private final ShardWorker[] workers;
    private final Consumer<AnalyzedSession> out;
    /** {@link #out} when the workers prepare its sessions, else null. */
    @SuppressWarnings("rawtypes")
    private final SessionOutput prepared;
    private final ShardedAnalysis.Stop stop;
    private final ShardItem[] heads;
    private final long[] watermark;
    /** Connections opened and not yet finished, with their run-wide number. Bounded by the open connections. */
    private final Map<Object, Long> ids = new IdentityHashMap<>();
    private long nextId = 1;
    private volatile Throwable failure;
    private volatile boolean done;
    /** Live capture: where opened connections and the watch's lines go; null for files. */
    private volatile LiveSink live;

    SessionMerge(ShardWorker[] workers, Consumer<AnalyzedSession> out, ShardedAnalysis.Stop stop) {
        this.workers = workers;
        this.out = out;
        this.prepared = out instanceof SessionOutput<?> o ? o : null;
        this.stop = stop;
        this.heads = new ShardItem[workers.length];
        this.watermark = new long[workers.length];
    }

    /** Live capture: say what opens and what the workers' watches find, here, in the merge's order. */
    void live(LiveSink sink) {
        this.live = sink;
    }

    Throwable failure() {
        return failure;
    }

    boolean done() {
        return done;
    }

    @Override
    public void run() {
        Idle idle = new Idle(Idle.SIGNALLED);
        try {
            while (!stop.requested()) {
                boolean moved;
                try {
                    moved = step();
                } catch (Throwable t) {
                    // kept for the reader to rethrow (an OutOfMemoryError too: one line, from the main thread)
                    if (failure == null) {
                        failure = t;
                    }
                    moved = true;
                }
                if (moved) {
                    idle.reset();
                } else if (allDone()) {
                    return;
                } else {
                    idle.pause();
                }
            }
        } finally {
            done = true;
        }
    }

    /** Hands on one item if one may go; false when it must wait. */
    private boolean step() {
        int best = -1;
        for (int w = 0; w < workers.length; w++) {
            if (heads[w] == null) {
                long p = workers[w].progress(); // before the poll: see the class comment
                heads[w] = workers[w].out.poll();
                if (heads[w] == null) {
                    watermark[w] = p;
                    continue;
                }
            }
            if (best < 0 || heads[w].before(heads[best])) {
                best = w;
            }
        }
        if (best < 0) {
            return false;
        }
        ShardItem c = heads[best];
        for (int w = 0; w < workers.length; w++) {
            if (heads[w] == null && watermark[w] < c.frame()) {
                return false;
            }
        }
        heads[best] = null;
        hand(c, best);
        if (c.finished()) {
            workers[best].waitingEvents.addAndGet(-c.weight());
        }
        workers[best].roomMade();
        return true;
    }

    private void hand(ShardItem c, int worker) {
        if (c.opened()) {
            long id = nextId++;
            ids.put(c.key(), id);
            if (c.note() instanceof ShardItem.Opened o) {
                // live: the line says the run-wide number now (the worker never reads it)
                c.connection().renumber(id);
                render(() -> live.opened(o.session()));
            }
            return;
        }
        if (c.note() instanceof ShardItem.Found f) {
            render(() -> live.finding(f.session(), f.finding(), f.timeNanos()));
            return;
        }
        if (c.note() instanceof ShardItem.Said p) {
            render(() -> live.progress(p.session(), p.line(), p.timeNanos()));
            return;
        }
        Long id = ids.remove(c.key());
        if (c.prepared() != null) {
            // rendered by the worker: only the run-wide number is added here
            long n = id != null ? id : c.local();
            render(() -> prepared.deliver(c.prepared(), n));
            return;
        }
        if (id != null) {
            c.connection().renumber(id);
        }
        render(() -> out.accept(c.session()));
    }

    private void render(Runnable r) {
        if (failure == null) {
            try {
                r.run();
            } catch (Throwable t) {
                // kept for the reader to rethrow; later sessions are still taken off the queues so no worker waits
                failure = t;
            }
        }
    }

    private boolean allDone() {
        for (int w = 0; w < workers.length; w++) {
            if (heads[w] != null || workers[w].progress() != Long.MAX_VALUE || !workers[w].out.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
