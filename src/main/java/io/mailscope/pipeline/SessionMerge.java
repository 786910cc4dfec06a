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
 * session gets its run-wide number before it is handed on: by the worker's own number for the connection (a
 * primitive window per worker, {@link NumberWindow}), or in live capture, whose connections are renumbered as they open,
 * by the connection's open key.
 *
 * <p>Items come a batch at a time ({@link ItemBatch}); a batch handed on is given back to its worker.
 */
final class SessionMerge implements Runnable {
    private final ShardWorker[] workers;
    private final Consumer<AnalyzedSession> out;
    /** {@link #out} when the workers prepare its sessions, else null. */
    @SuppressWarnings("rawtypes")
    private final SessionOutput prepared;
    private final ShardedAnalysis.Stop stop;
    /** Each worker's batch being handed on, or null while none is taken. */
    private final ItemBatch[] heads;
    private final long[] watermark;
    /**
     * Files: each worker's connections opened and not yet finished, their run-wide number by the worker's number.
     * Bounded by the open connections, and nothing in it for the collector to trace (an identity map of boxed numbers
     * here was most of the merge's time on a scan, and its table, rewritten at random, most of each collection).
     */
    private final NumberWindow[] numbers;
    /** Live capture: the same, by the connection's open key. */
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
        this.heads = new ItemBatch[workers.length];
        this.watermark = new long[workers.length];
        this.numbers = new NumberWindow[workers.length];
        for (int w = 0; w < workers.length; w++) {
            numbers[w] = NumberWindow.forConnections(workers[w].maxConnections);
        }
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
            ItemBatch h = heads[w];
            if (h != null && h.exhausted()) {
                heads[w] = null;
                workers[w].batchSpent(h);
                h = null;
            }
            if (h == null) {
                long p = workers[w].progress(); // before the poll: see the class comment
                h = heads[w] = workers[w].out.poll();
                if (h == null) {
                    watermark[w] = p;
                    continue;
                }
            }
            if (best < 0 || h.before(heads[best])) {
                best = w;
            }
        }
        if (best < 0) {
            return false;
        }
        ItemBatch c = heads[best];
        // the head may go up to the lowest watermark of the workers with nothing waiting, and before the next
        // worker's head: a run of the best worker's items goes at once, without looking at every worker each time
        long upTo = Long.MAX_VALUE;
        ItemBatch next = null;
        for (int w = 0; w < workers.length; w++) {
            if (heads[w] == null) {
                upTo = Math.min(upTo, watermark[w]);
            } else if (w != best && (next == null || heads[w].before(next))) {
                next = heads[w];
            }
        }
        if (c.frame[c.read] > upTo) {
            return false;
        }
        do {
            int i = c.read++;
            hand(c, i, best);
        } while (!c.exhausted() && c.frame[c.read] <= upTo && (next == null || c.before(next)));
        return true;
    }

    private void hand(ItemBatch c, int i, int worker) {
        Object value = c.value[i];
        switch (c.kind[i]) {
            case ItemBatch.OPENED -> {
                long id = nextId++;
                if (value instanceof ShardItem.Opened o) {
                    // live: the line says the run-wide number now (the worker never reads it)
                    ids.put(c.key[i], id);
                    o.session().connection().renumber(id);
                    render(() -> live.opened(o.session()));
                } else {
                    numbers[worker].put(c.local[i], id);
                }
            }
            case ItemBatch.NOTE -> {
                if (value instanceof ShardItem.Found f) {
                    render(() -> live.finding(f.session(), f.finding(), f.timeNanos()));
                } else if (value instanceof ShardItem.Said p) {
                    render(() -> live.progress(p.session(), p.line(), p.timeNanos()));
                }
            }
            default -> {
                long n = runWideNumber(c.key[i], c.local[i], worker);
                if (failure == null) {
                    try {
                        if (c.kind[i] == ItemBatch.PREPARED) {
                            // rendered by the worker: only the run-wide number is added here
                            prepared.deliver(value, n, c.bytes.array(), c.from[i], c.length[i]);
                        } else {
                            AnalyzedSession s = (AnalyzedSession) value;
                            s.session().connection().renumber(n);
                            out.accept(s);
                        }
                    } catch (Throwable t) {
                        failure = t; // as render: kept for the reader, later sessions still taken off the queues
                    }
                }
                workers[worker].eventsReported(c.weight[i]);
            }
        }
    }

    /** A finished session's number in the run: the one its opening got (its worker's if it never opened here). */
    private long runWideNumber(Object key, long local, int worker) {
        if (key != null) {
            Long id = ids.remove(key);
            return id != null ? id : local;
        }
        long id = numbers[worker].remove(local);
        return id >= 0 ? id : local;
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
            if ((heads[w] != null && !heads[w].exhausted()) || workers[w].progress() != Long.MAX_VALUE
                    || !workers[w].out.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
