package io.mailscope.pipeline;

import io.mailscope.capture.TcpSegment;
import io.mailscope.capture.TunnelStack;
import io.mailscope.dissect.EventTally;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.TcpReassembler;
import org.jctools.queues.SpscArrayQueue;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One analysis worker of a {@link ShardedAnalysis}: its own {@link TcpReassembler} and {@link SessionTracker} for
 * the connections {@link ShardHash} gives it, fed batches by the reading thread, telling the merge what opened and
 * what finished ({@link ShardItem}) and how far it got ({@link #progress()}).
 *
 * <p>A failure (a bug: dissectors' exceptions are caught per connection by the reassembler) is kept for the reader
 * to rethrow; the worker then goes on taking batches without analyzing them, so the reader never waits for it.
 */
final class ShardWorker implements Runnable {
    /** Batches in flight per worker: one being filled, the rest queued or being analyzed. */
    static final int BATCHES = 4;

    final int index;
    final SpscArrayQueue<SegmentBatch> in = new SpscArrayQueue<>(BATCHES);
    final SpscArrayQueue<SegmentBatch> free = new SpscArrayQueue<>(BATCHES);
    final SpscArrayQueue<ShardItem> out = new SpscArrayQueue<>(512);
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

    /** Every frame up to this one has been analyzed and its items are in {@link #out}. */
    private volatile long progress;
    private volatile Throwable failure;
    private long frame;
    private int phase;
    private boolean atEnd;
    private long counter;

    ShardWorker(int index, PortRoles roles, ReassemblyLimits limits, boolean redact, long silenceNanos, KeyLog keys,
                long maxKeptEvents, ShardedAnalysis.Stop stop) {
        this.index = index;
        this.maxKeptEvents = maxKeptEvents;
        this.maxWaitingEvents = Math.max(1, Math.min(4096, maxKeptEvents / 64));
        this.stop = stop;
        this.tracker = new SessionTracker(roles, redact, silenceNanos, this::finished,
                new EventTally(maxKeptEvents / 4 * 3), keys);
        this.tracker.onOpenKey(k -> emit(new ShardItem(frame, phase, counter++, k, null)));
        this.reassembler = new TcpReassembler(tracker, limits, roles::isMailPort);
        this.reassembler.expiryDrivenByCaller();
        // files only (as ShardedAnalysis): sessions are reported when they end, so a SYN-only connection can wait
        // as a compact record; a live use would leave this off (see Analysis.compactSynOnly)
        this.reassembler.compactSynOnly();
        this.tracker.beforeBaseMoves(reassembler::makeCompactWhole);
        for (int i = 0; i < BATCHES; i++) {
            free.offer(new SegmentBatch(ShardedAnalysis.BATCH_RECORDS, ShardedAnalysis.BATCH_PAYLOAD));
        }
    }

    long progress() {
        return progress;
    }

    Throwable failure() {
        return failure;
    }

    TcpReassembler reassembler() {
        return reassembler;
    }

    @Override
    public void run() {
        while (!stop.requested()) {
            SegmentBatch b = in.poll();
            if (b == null) {
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
            progress = last ? Long.MAX_VALUE : upTo;
            stop.wakeMerge();
            if (last) {
                return;
            }
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
                case SegmentBatch.FILE_STARTS -> tracker.fileStarts();
                case SegmentBatch.CAPTURE_START -> tracker.captureStart(b.time[i]);
                case SegmentBatch.FINISH -> {
                    frame = Long.MAX_VALUE;
                    phase = ShardItem.BEFORE_SEGMENT;
                    atEnd = true;
                    reassembler.finish(b.time[i]);
                }
                default -> throw new IllegalStateException("unknown record " + b.kind[i]);
            }
        }
    }

    private void finished(AnalyzedSession s) {
        TcpConnection c = s.session().connection();
        long tie = atEnd ? c.firstFrame() : phase == ShardItem.SEGMENT ? counter++ : c.lastFrame();
        long weight = weight(s);
        Idle wait = null;
        while (waitingEvents.get() > 0 && waitingEvents.get() + weight > maxWaitingEvents) {
            if (stop.requested()) {
                throw new ShardedAnalysis.Stopped();
            }
            if (wait == null) {
                wait = new Idle();
            }
            wait.pause();
        }
        waitingEvents.addAndGet(weight);
        emit(new ShardItem(frame, phase, tie, c.openKey(), s));
    }

    /** What a finished session weighs in {@link #waitingEvents}. */
    static long weight(AnalyzedSession s) {
        return s.session().keptEvents() + 1L;
    }

    private void emit(ShardItem item) {
        Idle wait = null;
        while (!out.offer(item)) {
            if (stop.requested()) {
                throw new ShardedAnalysis.Stopped();
            }
            if (wait == null) {
                wait = new Idle();
            }
            wait.pause();
        }
    }
}
