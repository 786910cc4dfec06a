package io.mailscope.capture.live;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.FrameSink;
import io.mailscope.capture.InterfaceListener;
import io.mailscope.capture.InterfaceStatistics;

/**
 * Live capture through native/mailscope-capture: the helper holds the capture capability, opens the interface,
 * drops every privilege and writes pcapng to its standard output; this process needs no privilege at all and
 * reads the stream with {@link CaptureReader}, the same reader as files and standard input.
 *
 * <p>Life cycle as {@link LiveCapture}: {@link #open} starts the helper and returns once it is listening (its
 * Interface Description Block has arrived) or fails with the helper's reason; {@link #start} hands frames to the
 * sink on the reading thread ("mailscope-capture-IFACE"); {@link #stop} sends the helper SIGTERM, after which it
 * writes libpcap's counts (an Interface Statistics Block) and exits, and the reader reads to the end.
 *
 * <p>The helper's environment is emptied and its standard input closed; it gets arguments only.
 */
public final class HelperCapture implements LiveSource {
    /** How long the helper may take to open the interface (it lists and checks nothing else). */
    private static final long READY_WAIT_SECONDS = 20;
    /** How long {@link #stop} waits for the helper to write its counts and exit before killing it. */
    private static final long STOP_WAIT_SECONDS = 5;
    /** The helper writes one line on failure; more than this is not a message. */
    private static final int MAX_STDERR = 4096;

    private final Path helper;
    private final LiveOptions options;
    private final Process process;
    private final StderrCollector stderr;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch sinkGiven = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread reader;

    private volatile FrameSink sink;
    private volatile int linkType = -1;
    private volatile boolean nanos;
    private volatile long snaplen;
    private volatile InterfaceStatistics helperCounts;
    private volatile StopReason endReason = StopReason.RUNNING;
    private volatile LiveCaptureException failure;
    private volatile long frames;
    private volatile long bytes;
    private volatile boolean stopRequested;
    private Thread timerThread;

    private HelperCapture(Path helper, LiveOptions options, Process process) {
        this.helper = helper;
        this.options = options;
        this.process = process;
        this.stderr = new StderrCollector(process.getErrorStream());
        this.reader = new Thread(this::read, "mailscope-capture-" + options.interfaceName());
        this.reader.setDaemon(true);
    }

    /**
     * Starts the helper on the interface of the options (or the default one: asked of the helper's listing), and
     * waits until it listens.
     *
     * @throws LiveCaptureException with the helper's reason turned into mailscope's usual messages: no such
     *                              interface, no permission (with what to do about it), bad filter
     */
    public static HelperCapture open(Path helper, LiveOptions options) throws LiveCaptureException {
        Objects.requireNonNull(helper);
        String iface = options.interfaceName();
        if (iface == null) {
            List<InterfaceInfo> known = HelperInterfaces.list(helper);
            iface = InterfaceLister.defaultInterface(known)
                    .orElseThrow(() -> Failures.noDefaultInterface(InterfaceLister.names(known)))
                    .name();
        }
        LiveOptions resolved = options.on(iface);
        ProcessBuilder pb = new ProcessBuilder(command(helper, resolved));
        pb.environment().clear();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw HelperFailures.cannotRun(helper, e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // Its standard input is not used; a failure to close our end changes nothing.
        }
        HelperCapture capture = new HelperCapture(helper, resolved, process);
        capture.stderr.start();
        capture.reader.start();
        capture.awaitReady();
        return capture;
    }

    /** The helper's command line for these options (see native/README.md). */
    static List<String> command(Path helper, LiveOptions o) {
        List<String> cmd = new ArrayList<>(List.of(helper.toString(), "-i", o.interfaceName(),
                "-s", String.valueOf(o.snaplen()),
                "-B", String.valueOf(Math.max(1, (o.bufferBytes() + (1 << 20) - 1) >> 20))));
        if (o.filter() != null) {
            cmd.add("-f");
            cmd.add(o.filter());
        }
        if (!o.immediate()) {
            cmd.add("--no-immediate");
        }
        if (o.promiscuous()) {
            cmd.add("--promiscuous");
        }
        return cmd;
    }

    private void awaitReady() throws LiveCaptureException {
        boolean gotIt;
        try {
            gotIt = ready.await(READY_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            gotIt = false;
        }
        if (gotIt && linkType >= 0) {
            return;
        }
        if (!gotIt) {
            process.destroyForcibly();
            throw new LiveCaptureException("the capture helper " + helper + " did not start listening on "
                    + options.interfaceName() + " within " + READY_WAIT_SECONDS + " s");
        }
        // The stream ended before describing the interface: the helper failed, and its exit code says why.
        awaitQuietly(ended, STOP_WAIT_SECONDS);
        throw failure != null ? failure : new LiveCaptureException("the capture helper " + helper
                + " ended before it started capturing");
    }

    @Override
    public void start(FrameSink frameSink) {
        Objects.requireNonNull(frameSink);
        synchronized (this) {
            if (sink != null) {
                throw new IllegalStateException("capture already started");
            }
            sink = frameSink;
            Duration limit = options.maxDuration();
            if (limit != null) {
                timerThread = new Thread(() -> stopAfter(limit), "mailscope-capture-timer");
                timerThread.setDaemon(true);
                timerThread.start();
            }
        }
        sinkGiven.countDown();
    }

    /** The reading thread: the helper's whole stdout, then its exit status. */
    private void read() {
        InterfaceListener listener = new InterfaceListener() {
            @Override
            public void described(long interfaceId, int type, long snap, String name, int tsresol) {
                if (interfaceId == 0) {
                    linkType = type;
                    snaplen = snap;
                    nanos = tsresol == 9;
                    ready.countDown();
                }
            }

            @Override
            public void statistics(long interfaceId, InterfaceStatistics statistics) {
                if (interfaceId == 0) {
                    helperCounts = statistics;
                }
            }
        };
        LiveCaptureException streamFault = null;
        try (CaptureReader in = CaptureReader.open("the stream of " + helper.getFileName(), process.getInputStream())) {
            in.onInterfaces(listener);
            in.readFrames(this::frame);
        } catch (CaptureFormatException e) {
            streamFault = new LiveCaptureException("the capture helper's stream is corrupt: " + e.getMessage(), e);
        } catch (IOException e) {
            streamFault = new LiveCaptureException("reading the capture helper's stream failed: " + e.getMessage(), e);
        } catch (FrameFailure e) {
            failure = e.failure;
            process.toHandle().destroy();
        } finally {
            int status = waitForExit();
            if (failure == null && status != 0 && !(stopRequested && status == 143)) {
                failure = HelperFailures.fromExit(helper, options, status, stderr.text());
            }
            if (failure == null && streamFault != null && !stopRequested) {
                failure = streamFault;
            }
            if (failure != null) {
                endReason = StopReason.FAILED;
            } else if (endReason == StopReason.RUNNING) {
                endReason = StopReason.STOPPED;
            }
            ready.countDown();
            ended.countDown();
        }
    }

    private int waitForExit() {
        try {
            if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        stderr.awaitEnd();
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** One frame from the stream: wait for the sink, count, deliver, and end at the frame limit. */
    private void frame(long frameNumber, long timeNanos, int type, byte[] buf, int offset, int capLen, int origLen) {
        if (endReason != StopReason.RUNNING) {
            return; // after a limit or stop: the helper may still send what it had, it is not ours to analyze
        }
        if (sink == null) {
            awaitQuietly(sinkGiven, Long.MAX_VALUE / 2);
            if (sink == null || endReason != StopReason.RUNNING) {
                return; // stopped before it was started
            }
        }
        long n = frames + 1;
        frames = n;
        bytes += capLen;
        try {
            sink.frame(n, timeNanos, type, buf, offset, capLen, origLen);
        } catch (RuntimeException | Error e) {
            throw new FrameFailure(new LiveCaptureException("capture on " + options.interfaceName()
                    + " stopped: frame " + n + " could not be processed: " + e, e));
        }
        if (options.maxFrames() > 0 && n >= options.maxFrames()) {
            requestEnd(StopReason.FRAME_LIMIT);
        }
    }

    private void stopAfter(Duration limit) {
        try {
            if (!ended.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                requestEnd(StopReason.DURATION_LIMIT);
            }
        } catch (InterruptedException e) {
            // The capture ended first.
        }
    }

    /** Records why the capture ends (the first reason wins) and asks the helper to finish: SIGTERM. */
    private void requestEnd(StopReason reason) {
        synchronized (this) {
            if (endReason == StopReason.RUNNING) {
                endReason = reason;
            }
            stopRequested = true;
        }
        // Through the ProcessHandle: Process.destroy() would also close our end of the helper's stdout, and the
        // counts it writes after SIGTERM would be lost.
        process.toHandle().destroy();
    }

    @Override
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    @Override
    public LiveStats stop() throws LiveCaptureException {
        if (Thread.currentThread() == reader) {
            requestEnd(StopReason.STOPPED);
            return stats();
        }
        requestEnd(StopReason.STOPPED);
        sinkGiven.countDown(); // a reader waiting for a sink that will never come may end now
        if (!awaitQuietly(ended, 2 * STOP_WAIT_SECONDS + 1)) {
            process.destroyForcibly();
            throw new LiveCaptureException("the capture helper " + helper + " did not stop within "
                    + (2 * STOP_WAIT_SECONDS + 1) + " s");
        }
        if (timerThread != null) {
            timerThread.interrupt();
        }
        if (failure != null) {
            throw failure;
        }
        return stats();
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (LiveCaptureException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /** Frames and bytes so far; libpcap's counts once the helper has sent them at its end. */
    @Override
    public LiveStats stats() {
        InterfaceStatistics s = helperCounts;
        if (s == null || s.received() < 0) {
            return LiveStats.framesOnly(frames, bytes);
        }
        return new LiveStats(frames, bytes, s.received(), Math.max(0, s.osDropped()), Math.max(0, s.ifDropped()));
    }

    @Override
    public StopReason endReason() {
        return endReason;
    }

    @Override
    public LiveCaptureException failure() {
        return failure;
    }

    @Override
    public String interfaceName() {
        return options.interfaceName();
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int snaplen() {
        return (int) Math.min(Integer.MAX_VALUE, snaplen > 0 ? snaplen : options.snaplen());
    }

    @Override
    public boolean nanosecondTimestamps() {
        return nanos;
    }

    @Override
    public LiveOptions options() {
        return options;
    }

    @Override
    public String method() {
        return "through the capture helper " + helper + " (this process holds no capture privilege)";
    }

    /** The helper's process id, for tests that look at its privileges while it runs. */
    public long helperPid() {
        return process.pid();
    }

    private static boolean awaitQuietly(CountDownLatch latch, long seconds) {
        try {
            return latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return latch.getCount() == 0;
        }
    }

    /** Carries a failing sink's exception out of the reader's loop. */
    private static final class FrameFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient LiveCaptureException failure;

        FrameFailure(LiveCaptureException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    /** Keeps the first {@value #MAX_STDERR} bytes of the helper's standard error (its one-line message). */
    static final class StderrCollector {
        private final InputStream in;
        private final byte[] kept = new byte[MAX_STDERR];
        private final CountDownLatch done = new CountDownLatch(1);
        private int length;

        StderrCollector(InputStream in) {
            this.in = in;
        }

        void start() {
            Thread t = new Thread(this::drain, "mailscope-capture-stderr");
            t.setDaemon(true);
            t.start();
        }

        private void drain() {
            byte[] chunk = new byte[1024];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (this) {
                        int take = Math.min(n, kept.length - length);
                        System.arraycopy(chunk, 0, kept, length, take);
                        length += take;
                    }
                }
            } catch (IOException e) {
                // The helper is gone: what we have is all there is.
            } finally {
                done.countDown();
            }
        }

        void awaitEnd() {
            awaitQuietly(done, 2);
        }

        synchronized String text() {
            return new String(kept, 0, length, StandardCharsets.UTF_8).trim();
        }
    }
}
