package io.mailscope.pipeline;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.CaptureStats;
import io.mailscope.capture.FrameSink;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.capture.TcpSegment;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.tcp.IdleClock;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.ReassemblyStats;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The analysis on every core, sharded by connection (as Zeek workers behind a flow-hash load balancer, or
 * Suricata's autofp runmode): the calling thread reads and decodes frames; each of N {@link ShardWorker}s owns the
 * connections {@link ShardHash} maps to it, with its own reassembler and session tracker; a {@link SessionMerge}
 * thread puts their sessions back in the order one {@link Analysis} would report them and renders them.
 *
 * <p><b>Hand-off.</b> Segments cross threads in {@link SegmentBatch}es: the reader fills one batch per worker and
 * hands all of them over together (a <i>round</i>, so every worker's progress moves with the reader's even when it
 * got few segments); batches come back through each worker's return queue, so nothing is allocated per packet. The
 * queues are JCTools' {@code SpscArrayQueue}s: every queue here has exactly one producer and one consumer (reader to
 * worker, worker back to reader, worker to merge), which is JCTools' single-producer single-consumer array queue,
 * bounded and lock-free, with plain {@code offer}/{@code poll} and no thread of its own. The LMAX Disruptor would
 * need a ring per worker plus its own wait strategies and event factories for the same single-producer
 * single-consumer pairs, and it is built for one producer fanning out to many consumers of every event, which
 * sharding does not do.
 *
 * <p><b>Same answer.</b> Everything a single analysis decides from the order of all segments is decided here by the
 * reader, which sees them all, and sent to every worker in its batch: when to look for idle connections (the
 * reassembler's rhythm, an {@link IdleClock}), when a file starts, whether it goes back in time ({@link RunTime}:
 * then every worker ends what it has open) and the session clock's base. Connections are numbered and sessions ordered by the merge ({@link ShardItem} says how).
 *
 * <p><b>Live capture</b> ({@link #watchLive}): the capture thread is the reader; the clock's ticks go to every worker
 * as records in its batches ({@link #liveTick}), each worker's watch diagnoses its own open sessions, and the merge
 * renders what opens and what the watches say, in its order ({@link ShardItem#WATCH}), without a worker waiting for
 * the report.
 *
 * <p><b>Memory.</b> The limits are for all workers together, split evenly: each worker gets a 1/N share of
 * {@code --max-connections}, of the out-of-order budget and of the kept-events budget. A split (rather than shared
 * atomic counters) keeps the hot path free of contended writes and the output deterministic for a given N: which
 * connection is evicted never depends on how the threads were scheduled. With a limit reached, the evictions may
 * differ from one thread's (a worker's share can fill while another's has room); the summary counts them.
 * In flight: {@value ShardWorker#BATCHES} batches per worker, and finished sessions waiting for the merge up to
 * 1/64 of a worker's kept-events share ({@link ShardWorker}), so sessions reported at the end of a capture do not
 * pile up between a worker and the merge.
 */
public final class ShardedAnalysis implements FrameAnalysis {
    /**
     * Payload bytes a batch is meant to hold (it grows once for a frame larger than what is left): a 1/1024 of the
     * heap, from 64 KiB to 256 KiB. At -Xmx64m the workers' batches (4 each) must stay under a megabyte or two: a
     * test that keeps 2,000 sessions at the edge of their event budget ran out of memory with 256 KiB batches.
     */
    static final int BATCH_PAYLOAD = (int) Math.max(64 << 10, Math.min(256 << 10, Runtime.getRuntime().maxMemory() >> 10));
    /** Records a batch holds: a round is handed over once any batch is this full. */
    static final int BATCH_RECORDS = BATCH_PAYLOAD / 128;

    /**
     * What the run's threads share besides their queues: the stop flag, set when the run is abandoned so no thread
     * waits forever, and who to wake when a batch comes back (the reading thread) or a worker moved on (the merge).
     */
    static final class Stop {
        private volatile boolean requested;
        volatile Thread reader;
        volatile Thread merge;

        void wakeReader() {
            Thread t = reader;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        void wakeMerge() {
            Thread t = merge;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }

        boolean requested() {
            return requested;
        }

        void request() {
            requested = true;
        }
    }

    /** Thrown inside a worker that was told to stop while waiting. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("stopped", null, false, false);
        }
    }

    private final ShardWorker[] workers;
    private final SegmentBatch[] filling;
    private final SessionMerge merge;
    private final Thread[] threads;
    private final Thread mergeThread;
    private final PacketDecoder decoder;
    private final ShardHash hash = new ShardHash();
    private final KeyLog keys = new KeyLog();
    private final Stop stop = new Stop();
    private final Idle idle = new Idle(Idle.SIGNALLED);
    private final Idle drainIdle = new Idle();

    private final FrameNumbers frames = new FrameNumbers();
    /** The last frame whose records are all in the batches. */
    private long lastFrame;
    /** Its time: when the capture ended, for connections still open at {@link #finish()}. */
    private long lastFrameNanos;
    private final IdleClock idleClock = new IdleClock();
    private final RunTime runTime = new RunTime();
    /** The session clock's base: set at the first frame, and may move at the first frame of each file. */
    private boolean clockPending = true;
    private boolean finished;

    /**
     * @param workers       analysis threads, at least 2 (one thread is {@link Analysis})
     * @param limits        for all workers together
     * @param maxKeptEvents for all workers together ({@link Analysis#Analysis(PortRoles, ReassemblyLimits, boolean, long, Consumer, long)})
     */
    public ShardedAnalysis(int workers, PortRoles roles, ReassemblyLimits limits, boolean redactCredentials,
                           long silenceNanos, Consumer<AnalyzedSession> out, long maxKeptEvents) {
        if (workers < 2) {
            throw new IllegalArgumentException("a sharded analysis needs at least 2 workers");
        }
        ReassemblyLimits share = new ReassemblyLimits(limits.maxOutOfOrderBytes(), limits.idleTimeoutNanos(),
                Math.max(1, limits.maxConnections() / workers), Math.max(1, limits.maxTotalOutOfOrderBytes() / workers));
        long eventShare = Math.max(1, maxKeptEvents / workers);
        this.workers = new ShardWorker[workers];
        this.filling = new SegmentBatch[workers];
        this.threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            this.workers[w] = new ShardWorker(w, roles, share, redactCredentials, silenceNanos, keys, eventShare, stop,
                    out instanceof SessionOutput<?> o ? o : null);
            this.filling[w] = this.workers[w].free.poll();
        }
        this.merge = new SessionMerge(this.workers, out, stop);
        this.decoder = new PacketDecoder(this::segment);
        for (int w = 0; w < workers; w++) {
            threads[w] = daemon(this.workers[w], "mailscope-worker-" + (w + 1));
        }
        mergeThread = daemon(merge, "mailscope-merge");
        stop.merge = mergeThread;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true); // an abandoned run (an error on the reading thread) must not keep the JVM alive
        t.start();
        return t;
    }

    /** The number of analysis workers. */
    public int workers() {
        return workers.length;
    }

    @Override
    public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
        for (SegmentBatch b : filling) {
            if (!b.hasRoom()) {
                handOver();
                break;
            }
        }
        if (runTime.wentBack(timeNanos)) {
            // as Analysis.frame: before the session clock's base may move
            broadcast(SegmentBatch.TIME_WENT_BACK, frameNumber, lastFrameNanos);
            idleClock.restart();
        }
        if (clockPending) {
            // SessionTracker.captureStart: only the first frame of the run or of a file can move the base
            clockPending = false;
            broadcast(SegmentBatch.CAPTURE_START, frameNumber, timeNanos);
        }
        decoder.frame(frameNumber, timeNanos, linkType, buf, offset, capLen, origLen);
        lastFrame = frameNumber;
        lastFrameNanos = timeNanos;
    }

    /** The decoder's segment: the idle clock (as TcpReassembler.segment keeps it), then to its worker. */
    private void segment(TcpSegment seg) {
        long now = seg.timeNanos;
        if (idleClock.due(now)) {
            broadcast(SegmentBatch.EXPIRE, seg.frame, now);
        }
        filling[hash.shard(seg, workers.length)].add(seg);
    }

    /** Before a mark outside {@link #frame}: hands the round over if a batch could not take it. */
    private void ensureRoom() {
        for (SegmentBatch b : filling) {
            if (!b.hasRoom()) {
                handOver();
                return;
            }
        }
    }

    private void broadcast(byte what, long frame, long time) {
        for (SegmentBatch b : filling) {
            b.mark(what, frame, time);
        }
    }

    /** Hands every worker its batch (a round), each saying that every frame up to {@link #lastFrame} is in it. */
    private void handOver() {
        rethrowFailure();
        for (int w = 0; w < workers.length; w++) {
            SegmentBatch b = filling[w];
            b.upToFrame = lastFrame;
            workers[w].in.offer(b); // never full: a worker has only ShardWorker.BATCHES batches
            filling[w] = null;
            LockSupport.unpark(threads[w]);
        }
        stop.reader = Thread.currentThread(); // live capture's reader may be the capture or the clock thread
        for (int w = 0; w < workers.length; w++) {
            SegmentBatch b;
            idle.reset();
            while ((b = workers[w].free.poll()) == null) {
                rethrowFailure();
                idle.pause();
            }
            filling[w] = b;
        }
    }

    /** A worker's or the merge's failure, rethrown on the reading thread (as one thread would have thrown it). */
    private void rethrowFailure() {
        Throwable t = merge.failure();
        for (ShardWorker w : workers) {
            if (t == null) {
                t = w.failure();
            }
        }
        if (t == null && merge.done() && !finished) {
            t = new IllegalStateException("the session merge stopped");
        }
        if (t != null) {
            stop.request();
            if (t instanceof Error e) {
                throw e;
            }
            if (t instanceof RuntimeException e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    /** Waits until every worker has analyzed everything handed to it so far. */
    private void drain() {
        handOver();
        drainIdle.reset();
        for (ShardWorker w : workers) {
            while (w.progress() < lastFrame) {
                rethrowFailure();
                drainIdle.pause();
            }
        }
    }

    @Override
    public void read(String file, FrameSink entry) throws IOException, CaptureFormatException {
        try {
            readFile(file, entry);
        } catch (RuntimeException | Error e) {
            abandon();
            throw e;
        }
    }

    /**
     * Stops every thread of the run and waits for them, so what they held is garbage once the error that abandoned
     * the run is reported: after an OutOfMemoryError the one-line message must find a heap to be written from.
     */
    private void abandon() {
        stop.request();
        try {
            mergeThread.join(2_000);
            for (Thread t : threads) {
                t.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readFile(String file, FrameSink entry) throws IOException, CaptureFormatException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            ensureRoom();
            broadcast(SegmentBatch.FILE_STARTS, lastFrame, 0);
            clockPending = true;
            runTime.fileStarts();
            frames.readFrames(reader, entry);
        }
    }

    /**
     * Live capture: each worker watches its own open sessions at every {@link #liveTick} (the same rules as one
     * thread's {@code LiveWatch}, on its shard), and the merge gives {@code sink} what opens and what the watches say,
     * on its thread, in its order. Call before the first frame.
     */
    public void watchLive(long stallNanos, LiveSink sink) {
        for (ShardWorker w : workers) {
            w.watch(stallNanos);
        }
        merge.live(sink);
    }

    /**
     * Live capture's clock: every worker's watch looks at its open sessions as of {@code nowNanos}, then idle
     * connections are released, after the last frame. The round is handed over at once, so a quiet link's last
     * segments reach their workers too. Called by whichever thread reads frames (never at the same time as
     * {@link #frame}); nothing after {@link #finish}.
     */
    public void liveTick(long nowNanos) {
        if (finished) {
            return;
        }
        ensureRoom();
        broadcast(SegmentBatch.TICK, lastFrame, nowNanos);
        broadcast(SegmentBatch.EXPIRE_AFTER, lastFrame, nowNanos);
        handOver();
    }

    /**
     * Live capture: hands over what the batches hold, if anything, so that on a quiet link what was captured reaches
     * the workers (and the report) within the flush interval rather than when a batch fills or the clock ticks.
     * Same threading rule as {@link #liveTick}.
     */
    public void flush() {
        if (finished) {
            return;
        }
        for (SegmentBatch b : filling) {
            if (b.size > 0) {
                handOver();
                return;
            }
        }
    }

    /** Live progress lines the workers skipped because the report fell behind (docs/live.md). */
    public long skippedProgressLines() {
        long n = 0;
        for (ShardWorker w : workers) {
            n += w.skippedLines();
        }
        return n;
    }

    @Override
    public void expireIdle(long nowNanos) {
        ensureRoom();
        broadcast(SegmentBatch.EXPIRE_AFTER, lastFrame, nowNanos);
        handOver();
    }

    @Override
    public void finish() {
        if (finished) {
            return;
        }
        try {
            ensureRoom();
            broadcast(SegmentBatch.FINISH, Long.MAX_VALUE, lastFrameNanos);
            handOver();
            finished = true;
            mergeThread.join();
            for (Thread t : threads) {
                t.join();
            }
            rethrowFailure();
        } catch (InterruptedException e) {
            abandon();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the analysis finished");
        } catch (RuntimeException | Error e) {
            abandon();
            throw e;
        }
    }

    /**
     * Secrets embedded in the capture. A single analysis reads them after every frame before them; here the workers
     * first finish those frames, so a session decrypts (or not) exactly as it would on one thread.
     */
    @Override
    public void decryptionSecrets(String source, int secretsType, byte[] buf, int offset, int length) {
        if (secretsType == FrameSink.TLS_KEY_LOG) {
            drain();
            keys.addEmbedded(source, buf, offset, length);
        }
    }

    @Override
    public KeyLog keyLog() {
        return keys;
    }

    @Override
    public CaptureStats captureStats() {
        return decoder.stats();
    }

    @Override
    public ReassemblyStats reassemblyStats() {
        long connections = 0, open = 0, dropped = 0, idleEvicted = 0, spaceEvicted = 0, late = 0, peak = 0, failures = 0;
        for (ShardWorker w : workers) {
            ReassemblyStats s = w.reassembler().stats();
            connections += s.connections();
            open += s.open();
            dropped += s.droppedOutOfOrderBytes();
            idleEvicted += s.evictedIdle();
            spaceEvicted += s.evictedForSpace();
            late += s.lateSegments();
            peak += s.peakBufferedBytes(); // an upper bound: the workers' peaks need not coincide
            failures += s.consumerFailures();
        }
        return new ReassemblyStats(connections, open, dropped, idleEvicted, spaceEvicted, late, peak, failures);
    }
}
