package io.mailscope.capture.live;

import io.mailscope.capture.LinkTypes;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.mailscope.capture.FrameSink;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

/**
 * Captures frames from a network interface through libpcap (pcap4j over JNA) and hands their raw bytes to a
 * {@link FrameSink}.
 *
 * <p>Only raw bytes are used: pcap4j's Packet objects are slow to build and decode neither Linux cooked v2
 * (SLL2, the "any" device) nor stacked VLANs; our own PacketDecoder does that.
 *
 * <p>Life cycle: {@link #open} (checks the interface, opens and activates the handle, compiles the filter: every
 * environment problem shows up here, before anything runs), {@link #start} (starts the capture thread),
 * then either {@link #awaitEnd} until a frame or duration limit stops it, or {@link #stop}. Frames are numbered
 * from 1.
 *
 * <p>Threading: the FrameSink is called on the capture thread only ("mailscope-capture-IFACE"), one frame at
 * a time, in capture order; its buffer is only valid during the call. The sink must keep up: while it runs,
 * the kernel buffers packets, and drops them when the buffer is full ({@link LiveStats#dropped()}).
 * {@link #stop}, {@link #stats} and {@link #close} may be called from any other thread, including a shutdown hook.
 *
 * <p>Stopping: in immediate mode an idle read never times out by itself, and closing a handle while a thread
 * is blocked reading it deadlocks (pcap4j's close waits for the loop's lock). So {@link #stop} calls
 * pcap_breakloop, joins the capture thread, and only then closes the handle. libpcap 1.10 on Linux wakes a
 * blocked read on breakloop (an eventfd in its poll); older versions do not, so the handle also has a read
 * timeout ({@link LiveOptions#readTimeoutMillis()}) after which libpcap looks at the break flag again. Either way
 * stop returns within about one read timeout, even with no traffic at all (tested).
 */
public final class LiveCapture implements LiveSource {
    /** How long {@link #stop} waits for the capture thread before giving up (leaving the handle open). */
    private static final long STOP_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long BREAK_RETRY_MILLIS = 50;

    private final LiveOptions options;
    private final String interfaceName;
    private final PcapHandle handle;
    private final int linkType;
    private final boolean nanosecondTimestamps;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Object stopLock = new Object();

    private volatile StopReason endReason = StopReason.RUNNING;
    private volatile LiveCaptureException failure;
    private volatile long frames;
    private volatile long bytes;
    private volatile LiveStats finalStats;
    private Thread captureThread;
    private Thread timerThread;
    private boolean closed;

    private LiveCapture(LiveOptions options, String interfaceName, PcapHandle handle) {
        this.options = options;
        this.interfaceName = interfaceName;
        this.handle = handle;
        this.linkType = LinkTypes.fromDlt(handle.getDlt().value());
        this.nanosecondTimestamps = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
    }

    /**
     * Opens the interface named in the options (or the default one, see {@link InterfaceLister#defaultInterface})
     * and applies the filter. Nothing is captured until {@link #start}.
     *
     * @throws LiveCaptureException with a message saying what to do: libpcap missing, no permission, unknown
     *                              interface, bad filter
     */
    public static LiveCapture open(LiveOptions options) throws LiveCaptureException {
        Objects.requireNonNull(options);
        try {
            return openChecked(options);
        } catch (LinkageError e) {
            throw Failures.libpcapMissing(e);
        }
    }

    private static LiveCapture openChecked(LiveOptions options) throws LiveCaptureException {
        List<InterfaceInfo> known = InterfaceLister.list();
        List<String> names = InterfaceLister.names(known);
        String iface = options.interfaceName();
        if (iface == null) {
            iface = InterfaceLister.defaultInterface(known)
                    .orElseThrow(() -> Failures.noDefaultInterface(names))
                    .name();
        } else if (!names.contains(iface) && !known.isEmpty()) {
            // An empty list usually means we may not list them (no privileges): let activation say why.
            throw Failures.unknownInterface(iface, names);
        }
        PcapHandle handle;
        try {
            handle = new PcapHandle.Builder(iface)
                    .snaplen(options.snaplen())
                    .promiscuousMode(options.promiscuous() ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(options.readTimeoutMillis())
                    .bufferSize(options.bufferBytes())
                    .immediateMode(options.immediate())
                    .timestampPrecision(PcapHandle.TimestampPrecision.NANO)
                    .build();
        } catch (PcapNativeException e) {
            throw Failures.openFailed(iface, e.getMessage(), e.getReturnCode(), names);
        }
        try {
            if (options.filter() != null) {
                handle.setFilter(options.filter(), BpfProgram.BpfCompileMode.OPTIMIZE);
            }
        } catch (PcapNativeException e) {
            handle.close();
            throw Failures.badFilter(options.filter(), e.getMessage());
        } catch (NotOpenException e) {
            throw new IllegalStateException("handle closed while opening", e);
        }
        return new LiveCapture(options.on(iface), iface, handle);
    }

    /** Starts capturing on a new thread; every frame goes to the sink on that thread. Call once. */
    @Override
    public void start(FrameSink sink) {
        Objects.requireNonNull(sink);
        synchronized (stopLock) {
            if (captureThread != null || closed) {
                throw new IllegalStateException(closed ? "capture already closed" : "capture already started");
            }
            captureThread = new Thread(() -> run(sink), "mailscope-capture-" + interfaceName);
            captureThread.setDaemon(true);
            captureThread.start();
            Duration limit = options.maxDuration();
            if (limit != null) {
                timerThread = new Thread(() -> stopAfter(limit), "mailscope-capture-timer");
                timerThread.setDaemon(true);
                timerThread.start();
            }
        }
    }

    /**
     * Waits until the capture ends by itself (frame or duration limit, or an error) or is stopped.
     *
     * @return true if it has ended, false if the timeout passed first
     */
    @Override
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits without a time limit; see {@link #awaitEnd(Duration)}. */
    @Override
    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    /**
     * Stops capturing (if still running), waits for the capture thread, closes the handle and returns the final
     * counts. Safe to call more than once and from any thread but the capture thread (from there it only asks
     * the loop to stop, and returns the counts so far).
     *
     * @throws LiveCaptureException if the capture failed (libpcap error, or the FrameSink threw), or the capture
     *                              thread did not stop within 5 s (the handle is then left open rather than
     *                              risking a deadlock)
     */
    @Override
    public LiveStats stop() throws LiveCaptureException {
        if (Thread.currentThread() == captureThread) {
            requestEnd(StopReason.STOPPED);
            return stats();
        }
        synchronized (stopLock) {
            if (!closed) {
                if (captureThread != null) {
                    requestEnd(StopReason.STOPPED);
                    long deadline = System.nanoTime() + STOP_WAIT_NANOS;
                    while (captureThread.isAlive() && System.nanoTime() < deadline) {
                        try {
                            captureThread.join(BREAK_RETRY_MILLIS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                        if (captureThread.isAlive()) {
                            breakLoop(); // again: harmless, and covers a break that raced with the loop's start
                        }
                    }
                    if (captureThread.isAlive()) {
                        throw new LiveCaptureException("capture on " + interfaceName
                                + " did not stop within 5 s; its handle is left open");
                    }
                } else {
                    finalStats = queryStats();
                    endReason = StopReason.STOPPED;
                    ended.countDown();
                }
                if (timerThread != null) {
                    timerThread.interrupt();
                }
                handle.close();
                closed = true;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return finalStats;
    }

    /** {@link #stop}, ignoring failures (see {@link #failure()}): for try-with-resources and shutdown hooks. */
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

    /**
     * Counts so far. While capturing, libpcap's counters are read from this thread (pcap_stats only reads socket
     * statistics); after the end, the counts taken on the capture thread when the loop returned.
     */
    @Override
    public LiveStats stats() {
        LiveStats done = finalStats;
        if (done != null) {
            return done;
        }
        return queryStats();
    }

    @Override
    public StopReason endReason() {
        return endReason;
    }

    /** What made the capture fail, or null. */
    @Override
    public LiveCaptureException failure() {
        return failure;
    }

    /** The interface actually opened (the default one when none was named). */
    @Override
    public String interfaceName() {
        return interfaceName;
    }

    /** The LINKTYPE_ value of the interface (1 for Ethernet, also Linux's loopback; 113/276 for the "any" device). */
    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public int snaplen() {
        return options.snaplen();
    }

    /** True when libpcap gives nanosecond timestamps; otherwise they are microseconds (times 1000). */
    @Override
    public boolean nanosecondTimestamps() {
        return nanosecondTimestamps;
    }

    @Override
    public LiveOptions options() {
        return options;
    }

    @Override
    public String method() {
        return "in process with libpcap (pcap4j)";
    }

    private void run(FrameSink sink) {
        try {
            if (endReason == StopReason.RUNNING) {
                handle.loop(-1, new Listener(sink));
            }
        } catch (InterruptedException e) {
            // pcap_breakloop was called: by stop(), a limit or a failing sink; endReason says which.
        } catch (PcapNativeException e) {
            failure = Failures.captureFailed(interfaceName, e.getMessage());
            endReason = StopReason.FAILED;
        } catch (NotOpenException e) {
            // stop() before the loop started: nothing was captured.
        } catch (RuntimeException | Error e) {
            failure = new LiveCaptureException("capture on " + interfaceName + " failed: " + e, e);
            endReason = StopReason.FAILED;
        } finally {
            // Counts are taken here, on the capture thread, before the handle can be closed.
            finalStats = queryStats();
            if (endReason == StopReason.RUNNING) {
                endReason = StopReason.STOPPED;
            }
            ended.countDown();
        }
    }

    private void stopAfter(Duration limit) {
        try {
            if (!ended.await(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                requestEnd(StopReason.DURATION_LIMIT);
            }
        } catch (InterruptedException e) {
            // stop() ended the capture first.
        }
    }

    /** Records why the capture ends (the first reason wins) and breaks the loop. */
    private void requestEnd(StopReason reason) {
        synchronized (this) {
            if (endReason == StopReason.RUNNING) {
                endReason = reason;
            }
        }
        breakLoop();
    }

    private void breakLoop() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // Already closed: nothing to break.
        }
    }

    private LiveStats queryStats() {
        long f = frames;
        long b = bytes;
        try {
            PcapStat s = handle.getStats();
            return new LiveStats(f, b, s.getNumPacketsReceived(), s.getNumPacketsDropped(),
                    s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            return LiveStats.framesOnly(f, b);
        }
    }

    /** Called by libpcap (through pcap4j's callback) on the capture thread for each packet. */
    private final class Listener implements RawPacketListener {
        private final FrameSink sink;
        private final long maxFrames = options.maxFrames();
        private long count;
        private long byteCount;

        Listener(FrameSink sink) {
            this.sink = sink;
        }

        @Override
        public void gotPacket(byte[] packet) {
            if (endReason != StopReason.RUNNING) {
                return; // a limit or stop was hit earlier in this batch: libpcap delivers the rest before it breaks
            }
            // pcap4j sets these thread-locals for the packet being delivered, on this thread.
            Timestamp ts = handle.getTimestamp();
            Integer orig = handle.getOriginalLength();
            long timeNanos = Math.floorDiv(ts.getTime(), 1000L) * 1_000_000_000L + ts.getNanos();
            int capLen = packet.length;
            int origLen = orig == null ? capLen : orig;
            count++;
            byteCount += capLen;
            frames = count;
            bytes = byteCount;
            try {
                sink.frame(count, timeNanos, linkType, packet, 0, capLen, origLen);
            } catch (RuntimeException | Error e) {
                // pcap4j would log and swallow it, and the capture would go on silently broken: stop instead.
                failure = new LiveCaptureException("capture on " + interfaceName + " stopped: frame " + count
                        + " could not be processed: " + e, e);
                requestEnd(StopReason.FAILED);
                return;
            }
            if (maxFrames > 0 && count >= maxFrames) {
                requestEnd(StopReason.FRAME_LIMIT);
            }
        }
    }
}
