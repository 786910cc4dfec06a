package io.mailscope.pipeline;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureStats;
import io.mailscope.capture.FrameSink;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.tcp.ReassemblyStats;

import java.io.IOException;

/**
 * The analysis chain as the commands drive it: frames in, diagnosed sessions out (to the consumer given when it was
 * made) in the order their connections ended. Two implementations: {@link Analysis}, everything on the calling
 * thread, and {@link ShardedAnalysis}, the calling thread reading and decoding while workers analyze shards of the
 * connections; both give the same sessions in the same order.
 */
public interface FrameAnalysis extends FrameSink {

    /** Reads one capture ("-" for standard input) through {@code entry}, which ends in this analysis; frame numbers continue. */
    void read(String file, FrameSink entry) throws IOException, CaptureFormatException;

    /** Reports connections idle since before {@code nowNanos} minus the idle timeout (live capture's clock). */
    void expireIdle(long nowNanos);

    /** End of input: every connection still open is diagnosed and reported; every session has been handed on on return. */
    void finish();

    /** The TLS secrets of this run: add key log files here before reading. */
    KeyLog keyLog();

    CaptureStats captureStats();

    /** All connections together (after {@link #finish()} for a sharded analysis: the workers' counts summed). */
    ReassemblyStats reassemblyStats();

    /**
     * Makes the analysis for {@code workers} threads: 1 is {@link Analysis}, on the caller's thread, with no queues.
     *
     * @param live sessions are shown as they open and watched while open (live capture): every connection is then
     *             followed whole from its SYN; otherwise one that has only sent SYNs is a compact record until it
     *             says more ({@link io.mailscope.tcp.TcpReassembler#compactSynOnly}; a sharded analysis's workers
     *             turn it off when asked to watch live)
     */
    static FrameAnalysis create(int workers, io.mailscope.dissect.PortRoles roles, io.mailscope.tcp.ReassemblyLimits limits,
                                boolean redactCredentials, long silenceNanos,
                                java.util.function.Consumer<io.mailscope.explain.AnalyzedSession> out, boolean live) {
        long maxKeptEvents = Analysis.defaultMaxKeptEvents(Runtime.getRuntime().maxMemory());
        return workers <= 1
                ? new Analysis(roles, limits, redactCredentials, silenceNanos, out, maxKeptEvents).compactSynOnly(!live)
                : new ShardedAnalysis(workers, roles, limits, redactCredentials, silenceNanos, out, maxKeptEvents);
    }
}
