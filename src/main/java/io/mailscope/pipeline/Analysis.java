package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.CaptureStats;
import io.mailscope.capture.FrameSink;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.dissect.EventTally;
import io.mailscope.dissect.PortRoles;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.ReassemblyStats;
import io.mailscope.tcp.TcpReassembler;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * The whole analysis chain, capture -> tcp -> dissect -> explain, push-based: frames go in (from files or a
 * live interface), diagnosed sessions come out as their connections end. Memory does not grow with the input.
 */
public final class Analysis implements FrameAnalysis {
    private final SessionTracker tracker;
    private final TcpReassembler reassembler;
    private final PacketDecoder decoder;
    private final FrameNumbers frames = new FrameNumbers();
    private final RunTime runTime = new RunTime();
    private final long maxKeptEvents;
    /** The last frame's time: when the capture ended, for connections still open at {@link #finish()}. */
    private long lastFrameNanos;

    public Analysis(PortRoles roles, ReassemblyLimits limits, boolean redactCredentials, long silenceNanos,
                    Consumer<AnalyzedSession> out) {
        this(roles, limits, redactCredentials, silenceNanos, out, defaultMaxKeptEvents(Runtime.getRuntime().maxMemory()));
    }

    /**
     * @param maxKeptEvents what all open sessions may keep together, in events, the bytes their dissectors hold in
     *                      lines and handshake messages in progress counted as events of
     *                      {@value EventTally#BYTES_PER_EVENT} bytes. Over three quarters of it sessions stop growing
     *                      (more of their events are omitted); over it the least recently active connection is reported
     *                      early (counted in {@link ReassemblyStats#evictedForSpace()}).
     */
    public Analysis(PortRoles roles, ReassemblyLimits limits, boolean redactCredentials, long silenceNanos,
                    Consumer<AnalyzedSession> out, long maxKeptEvents) {
        this.tracker = new SessionTracker(roles, redactCredentials, silenceNanos, out, new EventTally(maxKeptEvents / 4 * 3));
        this.reassembler = new TcpReassembler(tracker, limits, roles::isMailPort);
        this.tracker.beforeBaseMoves(reassembler::makeCompactWhole);
        this.decoder = new PacketDecoder(reassembler);
        this.maxKeptEvents = maxKeptEvents;
    }

    /**
     * A quarter of the heap's worth of events, at least 20,000. Each session keeps at most a few thousand, but
     * 300 long conversations open at once kept 230 MB of events and ran a 64 MB heap out of memory.
     */
    public static long defaultMaxKeptEvents(long maxMemory) {
        return Math.max(20_000, maxMemory / 4 / EventTally.BYTES_PER_EVENT);
    }

    /**
     * Whether connections that have only sent SYNs are kept as compact records until they say more
     * ({@link TcpReassembler#compactSynOnly}): for files, whose report comes when sessions end. Live capture shows
     * sessions as they open and watches open ones, so it does not (nor does an analysis made with {@code new}).
     */
    public Analysis compactSynOnly(boolean on) {
        reassembler.compactSynOnly(on);
        return this;
    }

    @Override
    public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
        if (runTime.wentBack(timeNanos)) {
            // before the session clock's base moves: sessions reported now keep the base they opened with
            reassembler.timeWentBack(lastFrameNanos);
        }
        lastFrameNanos = timeNanos;
        tracker.captureStart(timeNanos);
        decoder.frame(frameNumber, timeNanos, linkType, buf, offset, capLen, origLen);
        while (tracker.load() > maxKeptEvents && reassembler.evictLeastRecentlyActive()) {
            // each eviction reports a session and releases what it kept
        }
    }

    /**
     * Reads one capture ("-" for standard input) through the chain; frame numbers continue from the previous file.
     * On a fault everything before it has been analyzed and the exception says where.
     */
    public void read(String file) throws IOException, CaptureFormatException {
        read(file, this);
    }

    /** As {@link #read(String)}, with frames going through {@code entry} (e.g. a filter in front of this analysis). */
    @Override
    public void read(String file, FrameSink entry) throws IOException, CaptureFormatException {
        try (CaptureReader reader = CaptureReader.open(file)) {
            tracker.fileStarts();
            runTime.fileStarts();
            frames.readFrames(reader, entry);
        }
    }

    /** Reports connections idle since before {@code nowNanos} minus the idle timeout (live capture's clock). */
    @Override
    public void expireIdle(long nowNanos) {
        reassembler.expireIdle(nowNanos);
    }

    /** End of input: every connection still open is diagnosed and reported. */
    @Override
    public void finish() {
        reassembler.finish(lastFrameNanos);
    }

    /**
     * TLS secrets found in a capture (pcapng Decryption Secrets Block). Only TLS key logs (type "TLSK") are used;
     * WireGuard and other secrets are ignored.
     */
    @Override
    public void decryptionSecrets(String source, int secretsType, byte[] buf, int offset, int length) {
        if (secretsType == FrameSink.TLS_KEY_LOG) {
            tracker.keyLog().addEmbedded(source, buf, offset, length);
        }
    }

    /** The TLS secrets of this run: add key log files here before reading. */
    @Override
    public io.mailscope.dissect.tls.decrypt.KeyLog keyLog() {
        return tracker.keyLog();
    }

    @Override
    public CaptureStats captureStats() {
        return decoder.stats();
    }

    @Override
    public ReassemblyStats reassemblyStats() {
        return reassembler.stats();
    }

    public SessionTracker tracker() {
        return tracker;
    }
}
