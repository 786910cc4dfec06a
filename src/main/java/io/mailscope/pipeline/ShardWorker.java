package io.mailscope.pipeline;

import io.mailscope.capture.TcpSegment;
import io.mailscope.capture.TunnelStack;
import io.mailscope.dissect.EventTally;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.LiveWatch;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.TcpReassembler;
import org.jctools.queues.SpscArrayQueue;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One analysis worker of a {@link ShardedAnalysis}: its own {@link TcpReassembler} and {@link SessionTracker} for
 * the connections {@link ShardHash} gives it, fed batches by the reading thread, telling the merge what opened and
 * what finished ({@link ShardItem}s, a batch at a time: {@link ItemBatch}) and how far it got ({@link #progress()}).
 *
 * <p><b>Live capture</b> ({@link #watch}): the worker runs its own {@link LiveWatch} over its own open sessions at
 * each clock tick that comes in its batches ({@link SegmentBatch#TICK}), and hands what the watch says to the merge
 * as items, which renders them. It never waits for the report there: when every item batch is taken, the items wait
 * in order in {@link #pending} (progress lines beyond {@link #MAX_PENDING} are skipped and counted), and the worker
 * publishes its progress only up to the first frame still pending, so the merge's order holds.
 *
 * <p>A failure (a bug: dissectors' exceptions are caught per connection by the reassembler) is kept for the reader
 * to rethrow; the worker then goes on taking batches without analyzing them, so the reader never waits for it.
 */
final class ShardWorker implements Runnable {
    /** Batches in flight per worker: one being filled, the rest queued or being analyzed. */
    static final int BATCHES = 4;

    final int index;
    /** The connections this worker may keep open at once (its share of {@code --max-connections}). */
    final long maxConnections;
    final SpscArrayQueue<SegmentBatch> in = new SpscArrayQueue<>(BATCHES);
    final SpscArrayQueue<SegmentBatch> free = new SpscArrayQueue<>(BATCHES);
    /**
     * Item batches per worker, and items a batch holds: at most 4,096 items (about 2,000 finished sessions, as many
     * openings) wait for the merge per worker. A prepared session is a few small objects (its line is in the batch's
     * {@link ItemBytes}, at most {@link #ITEM_BYTES} a batch), so what the workers prepared ahead of the merge stays
     * small; batches four times larger than before (256 items) cut the hand-overs and the wake-ups between a worker
     * and the merge by as much (on a scan's {@code --json}, a third fewer context switches).
     */
    static final int ITEM_BATCHES = 4;
    static final int ITEMS = 1024;
    /** The bytes of a batch's prepared sessions: twice a segment batch's payload (128 to 512 KiB by the heap). */
    static final int ITEM_BYTES = 2 * ShardedAnalysis.BATCH_PAYLOAD;
    /** Items for the merge, in key order, a batch at a time. */
    final SpscArrayQueue<ItemBatch> out = new SpscArrayQueue<>(ITEM_BATCHES);
    /** Item batches the merge has handed on, back to be filled again. */
    final SpscArrayQueue<ItemBatch> spent = new SpscArrayQueue<>(ITEM_BATCHES);
    /** The batch being filled; null once handed over, until the next item. */
    private ItemBatch items;
    /**
     * Events kept by finished sessions this worker handed on and the merge has not yet reported (a session counts
     * its kept events plus one). Released sessions no longer count in the tally, yet hold their events until
     * reported: without this bound, 2,000 sessions of a thousand unanswered commands each, all reported at the end
     * of the capture, queued up at once and ran a 64 MB heap out of memory.
     */
    final AtomicLong waitingEvents = new AtomicLong();
    private final long maxWaitingEvents;

    private final TcpReassembler reassembler;
    private final SessionTracker tracker;
    private final long maxKeptEvents;
    private final TcpSegment seg = new TcpSegment();
    private final TunnelStack noTunnel = new TunnelStack();
    private final Idle idle = new Idle(Idle.SIGNALLED);
    private final ShardedAnalysis.Stop stop;
    private final SessionOutput<?> output;
    /** This worker's thread, for the merge to wake when it made room. */
    private volatile Thread thread;
    /** Set while this worker waits for the merge to take items ({@link #roomMade}). */
    /** Set while this worker waits for the merge to give back a batch of items ({@link #batchSpent}). */
    private volatile boolean waitingForBatch;
    /**
     * Set while this worker waits for the merge to report its sessions (their events, {@link #eventsReported}). A
     * flag of its own: one flag for both waits woke a worker waiting for a batch at every session reported.
     */
    private volatile boolean waitingForEvents;

    /** Every frame up to this one has been analyzed and its items are in {@link #out}. */
    private volatile long progress;
    private volatile Throwable failure;
    private long frame;
    private int phase;
    /** Reporting every open connection (end of input, or a file going back in time): ordered as they opened. */
    private boolean atEnd;
    private long counter;
    /** Connections opened in this worker: the number its reassembler gave the last one (they count alike). */
    private long opened;
    /** Live capture's watch over this worker's open sessions, or null (files). */
    private LiveWatch watch;
    /** The wall-clock time of the tick being handled. */
    private long tickNanos;
    /** Live only: items the merge's queue had no room for yet, in order. */
    private final ArrayDeque<ShardItem> pending = new ArrayDeque<>();
    /** The frame up to which every batch taken has been analyzed (progress waits for {@link #pending}). */
    private long analyzedUpTo;
    private volatile long skippedLines;

    /** Live progress lines that may wait for the merge per worker; more are skipped (counted). */
    static final int MAX_PENDING = 16_384;

    /**
     * @param output where finished sessions go when it can prepare them here ({@link SessionOutput#prepare}), or
     *               null: the merge gets the sessions themselves
     */
    ShardWorker(int index, PortRoles roles, ReassemblyLimits limits, boolean redact, long silenceNanos, KeyLog keys,
                long maxKeptEvents, ShardedAnalysis.Stop stop, SessionOutput<?> output) {
        this.index = index;
        this.maxConnections = limits.maxConnections();
        this.output = output;
        this.maxKeptEvents = maxKeptEvents;
        this.maxWaitingEvents = Math.max(1, Math.min(4096, maxKeptEvents / 64));
        this.stop = stop;
        this.tracker = new SessionTracker(roles, redact, silenceNanos, this::finished,
                new EventTally(maxKeptEvents / 4 * 3), keys);
        this.tracker.onOpen(s -> {
            long n = ++opened;
            if (s.connection().id() != n) {
                // the merge numbers the run's connections by these: they must be the reassembler's
                throw new IllegalStateException("connection " + s.connection().id() + " opened as number " + n);
            }
            if (watch == null) {
                emit(ItemBatch.OPENED, phase, counter++, n, 0, null, null);
            } else {
                emit(ItemBatch.OPENED, phase, counter++, n, 0, s.connection().openKey(),
                        new ShardItem.Opened(s, s.connection().startNanos()));
            }
        });
        // a compact record is numbered by the reassembler as a connection is (one count for both)
        this.tracker.onOpenCompact(k -> emit(ItemBatch.OPENED, phase, counter++, ++opened, 0, null, null));
        this.reassembler = new TcpReassembler(tracker, limits, roles::isMailPort);
        this.reassembler.expiryDrivenByCaller();
        // files: sessions are reported when they end, so a SYN-only connection can wait as a compact record;
        // live capture's watch turns this off (see watch)
        this.reassembler.compactSynOnly(true);
        this.tracker.beforeBaseMoves(reassembler::makeCompactWhole);
        for (int i = 0; i < BATCHES; i++) {
            free.offer(new SegmentBatch(ShardedAnalysis.BATCH_RECORDS, ShardedAnalysis.BATCH_PAYLOAD));
        }
        for (int i = 0; i < ITEM_BATCHES; i++) {
            spent.offer(new ItemBatch(ITEMS, ITEM_BYTES));
        }
    }

    long progress() {
        return progress;
    }

    /**
     * Live capture: watch this worker's open sessions at each {@link SegmentBatch#TICK}. Called by the reading
     * thread before it hands over the first batch (the hand-over publishes it to this thread).
     */
    void watch(long stallNanos) {
        // live shows sessions as they open and watches open ones: every connection is followed whole from its SYN
        reassembler.compactSynOnly(false);
        LiveWatch w = new LiveWatch(stallNanos, (s, f) -> note(new ShardItem.Found(s, f, tickNanos), false));
        w.onProgress((s, line) -> note(new ShardItem.Said(s, line, tickNanos), true));
        this.watch = w;
    }

    /** Progress lines skipped because the merge fell {@link #MAX_PENDING} items behind this worker. */
    long skippedLines() {
        return skippedLines;
    }

    Throwable failure() {
        return failure;
    }

    TcpReassembler reassembler() {
        return reassembler;
    }

    /**
     * The merge handed on a whole batch of this worker's items and gave it back: wakes the worker if it waits for
     * room (a signalled wait, not sleeps of 50 µs that each cost a context switch while the merge needs the core).
     * Once per batch, never per item: woken for every item taken, a worker that finished many sessions at once (the
     * end of a scan) switched in and out for each (47,000 context switches), preempting the merge.
     */
    void batchSpent(ItemBatch b) {
        b.clear();
        spent.offer(b); // never full: there are only ITEM_BATCHES
        if (waitingForBatch) {
            wake();
        }
    }

    /**
     * The merge reported sessions of this worker: wakes it if it waits for their events to be reported, once at
     * most half of {@link #maxWaitingEvents} still waits (not for every session, as above).
     */
    void eventsReported(long weight) {
        long left = waitingEvents.addAndGet(-weight);
        if (waitingForEvents && left <= maxWaitingEvents / 2) {
            wake();
        }
    }

    private void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        while (!stop.requested()) {
            SegmentBatch b = in.poll();
            if (b == null) {
                if (!pending.isEmpty()) {
                    flushPending();
                    handItems();
                    publish(analyzedUpTo);
                }
                idle.pause();
                continue;
            }
            idle.reset();
            boolean last = b.size > 0 && b.kind[b.size - 1] == SegmentBatch.FINISH;
            if (failure == null) {
                try {
                    analyze(b);
                } catch (Throwable t) {
                    failure = t;
                }
            }
            long upTo = b.upToFrame;
            b.clear();
            free.offer(b); // never full: there are only BATCHES batches
            stop.wakeReader();
            analyzedUpTo = upTo;
            if (last) {
                drainPending();
                handItems();
                progress = Long.MAX_VALUE;
                stop.wakeMerge();
                return;
            }
            flushPending();
            handItems();
            publish(upTo);
        }
    }

    /**
     * Says every frame up to {@code upTo} is analyzed, or, while items wait in {@link #pending}, up to the frame
     * before the first of them (never backwards: a tick's items carry the frame of the last round).
     */
    private void publish(long upTo) {
        long p = pending.isEmpty() ? upTo : Math.max(progress, Math.min(upTo, pending.peekFirst().frame() - 1));
        if (p != progress) {
            progress = p;
        }
        stop.wakeMerge();
    }

    /** Moves what waits in {@link #pending} to the merge's batches, as far as there is room. */
    private void flushPending() {
        ShardItem item;
        while ((item = pending.peekFirst()) != null && room()) {
            items.add(item);
            pending.pollFirst();
        }
    }

    /** At the end: everything pending goes to the merge, waiting for room. */
    private void drainPending() {
        Idle wait = new Idle();
        while (!pending.isEmpty() && !stop.requested()) {
            flushPending();
            if (!pending.isEmpty()) {
                handItems();
                stop.wakeMerge();
                wait.pause();
            }
        }
    }

    /**
     * Whether {@link #items} can take an item now: a full batch is handed over and a spent one taken if there is
     * one (never waits).
     */
    private boolean room() {
        if (items != null && !items.full()) {
            return true;
        }
        handItems();
        items = spent.poll();
        return items != null;
    }

    /**
     * Hands the batch being filled to the merge. Before this worker says how far it got ({@link #publish}) and
     * before it waits for the merge: the merge can only take what it was handed.
     */
    private void handItems() {
        ItemBatch b = items;
        if (b != null && !b.isEmpty()) {
            out.offer(b); // never full: it holds all ITEM_BATCHES
            items = null;
            stop.wakeMerge();
        }
    }

    private void analyze(SegmentBatch b) {
        for (int i = 0; i < b.size; i++) {
            switch (b.kind[i]) {
                case SegmentBatch.SEGMENT -> {
                    b.load(i, seg, noTunnel);
                    frame = seg.frame;
                    phase = ShardItem.SEGMENT;
                    reassembler.segment(seg);
                    while (tracker.load() > maxKeptEvents && reassembler.evictLeastRecentlyActive()) {
                        // as Analysis.frame: each eviction reports a session and releases what it kept
                    }
                }
                case SegmentBatch.EXPIRE, SegmentBatch.EXPIRE_AFTER -> {
                    frame = b.frame[i];
                    phase = b.kind[i] == SegmentBatch.EXPIRE ? ShardItem.BEFORE_SEGMENT : ShardItem.AFTER_FRAME;
                    reassembler.expireIdle(b.time[i]);
                }
                case SegmentBatch.TICK -> {
                    frame = b.frame[i];
                    phase = ShardItem.WATCH;
                    tickNanos = b.time[i];
                    if (watch != null) {
                        watch.tick(tracker.openSessions(), tickNanos);
                    }
                }
                case SegmentBatch.FILE_STARTS -> tracker.fileStarts();
                case SegmentBatch.CAPTURE_START -> tracker.captureStart(b.time[i]);
                case SegmentBatch.FINISH -> {
                    frame = Long.MAX_VALUE;
                    phase = ShardItem.BEFORE_SEGMENT;
                    atEnd = true;
                    reassembler.finish(b.time[i]);
                }
                case SegmentBatch.TIME_WENT_BACK -> {
                    // what is open is reported as at the end of input, before this frame's own records
                    frame = b.frame[i];
                    phase = ShardItem.BEFORE_SEGMENT;
                    atEnd = true;
                    reassembler.timeWentBack(b.time[i]);
                    atEnd = false;
                }
                default -> throw new IllegalStateException("unknown record " + b.kind[i]);
            }
        }
    }

    private void finished(AnalyzedSession s) {
        TcpConnection c = s.session().connection();
        long tie = atEnd ? c.firstFrame() : phase == ShardItem.SEGMENT ? counter++ : c.lastFrame();
        long weight = weight(s);
        if (output != null && watch == null) {
            // files: rendered here, on the worker, while the session is fresh in this core's cache, into the bytes
            // of the batch that takes it to the merge (no array per session); the session's objects die young here
            awaitRoomForEvents(weight);
            ItemBatch b = batchWithRoom();
            int from = b.bytes.length();
            Object prepared = output.prepare(s, b.bytes);
            int length = b.bytes.length() - from;
            b.add(prepared == null ? ItemBatch.SESSION : ItemBatch.PREPARED, frame, phase, tie, c.id(), weight, null,
                    prepared == null ? s : prepared, from, length);
            return;
        }
        // live capture's items may have to wait in pending, away from any batch: prepared on their own
        Object prepared = output == null ? null : output.prepare(s);
        awaitRoomForEvents(weight);
        // live renumbers connections as they open (the merge, for their lines): the worker's number is kept by key
        emit(prepared == null ? ItemBatch.SESSION : ItemBatch.PREPARED, phase, tie, c.id(), weight,
                watch == null ? null : c.openKey(), prepared == null ? s : prepared);
    }

    /** Waits until the merge has reported enough of this worker's sessions for one of {@code weight} more. */
    private void awaitRoomForEvents(long weight) {
        Idle wait = null;
        while (waitingEvents.get() > 0 && waitingEvents.get() + weight > maxWaitingEvents) {
            if (stop.requested()) {
                throw new ShardedAnalysis.Stopped();
            }
            if (wait == null) {
                wait = new Idle(Idle.SIGNALLED);
                waitingForEvents = true;
                // the merge may be waiting for what is pending or still in the batch being filled
                flushPending();
                handItems();
                continue; // it may have reported sessions before it could see the flag
            }
            wait.pause();
        }
        waitingForEvents = false;
        waitingEvents.addAndGet(weight);
    }

    /** What a finished session weighs in {@link #waitingEvents}. */
    static long weight(AnalyzedSession s) {
        return s.session().keptEvents() + 1L;
    }

    /** What the watch said, to the merge; a progress line is skipped when too much already waits for it. */
    private void note(ShardItem.Note note, boolean skippable) {
        if (skippable && pending.size() >= MAX_PENDING) {
            skippedLines++;
            return;
        }
        emit(ItemBatch.NOTE, ShardItem.WATCH, counter++, 0, 0, note.session().connection().openKey(), note);
    }

    /** An item for the merge, at the current frame. */
    private void emit(byte kind, int phase, long tie, long local, long weight, Object key, Object value) {
        if (watch != null) {
            // live: never wait for the report; keep the order behind what already waits
            if (!pending.isEmpty() || !room()) {
                pending.addLast(new ShardItem(kind, frame, phase, tie, local, weight, key, value));
            } else {
                items.add(kind, frame, phase, tie, local, weight, key, value);
            }
            return;
        }
        batchWithRoom().add(kind, frame, phase, tie, local, weight, key, value);
    }

    /** Files: the batch being filled, once it has room for an item (waiting for the merge if need be). */
    private ItemBatch batchWithRoom() {
        if (items == null || items.full()) {
            nextItems();
        }
        return items;
    }

    /** Files: hands over the batch being filled, if any, and waits for the merge to give one back. */
    private void nextItems() {
        handItems();
        Idle wait = null;
        while ((items = spent.poll()) == null) {
            if (stop.requested()) {
                throw new ShardedAnalysis.Stopped();
            }
            if (wait == null) {
                wait = new Idle(Idle.SIGNALLED);
                waitingForBatch = true;
                continue; // the merge may have given one back before it could see the flag
            }
            wait.pause();
        }
        waitingForBatch = false;
    }
}
