package io.mailscope.capture.live;

import java.time.Duration;

import io.mailscope.capture.FrameSink;

/**
 * A running live capture, whichever way it captures: {@link LiveCapture} opens the interface in this process
 * through libpcap (pcap4j), {@link HelperCapture} has native/mailscope-capture open it and reads its pcapng
 * stream. Both hand raw frames to a {@link FrameSink} on one capture thread, stop on {@link #stop()} or their
 * limits, and report libpcap's counts. Obtained from {@link LiveSources#open}.
 */
public sealed interface LiveSource extends AutoCloseable permits LiveCapture, HelperCapture {

    /** Starts delivering frames to the sink, on a capture thread. Call once. */
    void start(FrameSink sink);

    /** Waits until the capture ends by itself (a limit, an error) or is stopped; false if the timeout passed first. */
    boolean awaitEnd(Duration timeout) throws InterruptedException;

    void awaitEnd() throws InterruptedException;

    /**
     * Stops (if still running), waits for the capture thread and returns the final counts. Idempotent, any thread.
     *
     * @throws LiveCaptureException if the capture failed or would not stop
     */
    LiveStats stop() throws LiveCaptureException;

    /** {@link #stop()}, keeping a failure for {@link #failure()} instead of throwing it. */
    @Override
    void close();

    /** Counts so far (libpcap's counters may be unknown until the end). */
    LiveStats stats();

    StopReason endReason();

    /** What made the capture fail, or null. */
    LiveCaptureException failure();

    /** The interface captured on (the default one when none was named). */
    String interfaceName();

    /** The LINKTYPE_ value of the interface. */
    int linkType();

    int snaplen();

    boolean nanosecondTimestamps();

    LiveOptions options();

    /** How the packets are captured, for the line that says capture has started. */
    String method();
}
