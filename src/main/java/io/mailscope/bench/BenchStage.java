package io.mailscope.bench;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.FrameSink;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.dissect.PortRoles;
import io.mailscope.pipeline.Analysis;
import io.mailscope.tcp.ConnectionListener;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.StreamConsumer;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.TcpReassembler;

import java.io.IOException;

/**
 * The three measured depths of the chain, each a complete pass over one file. A pass may be watched by a
 * {@link HeapProbe} (the untimed memory pass); timed passes are not, so they run exactly the production path.
 */
public enum BenchStage {
    /** CaptureReader.readFrames into a sink that only sums the captured lengths (so the JIT cannot drop the work). */
    READ("read") {
        @Override
        Pass run(String file, String keylog, HeapProbe probe) throws IOException, CaptureFormatException {
            long[] bytes = new long[1];
            try (CaptureReader reader = CaptureReader.open(file)) {
                long frames = reader.readFrames(watched((n, t, link, buf, off, cap, orig) -> bytes[0] += cap, probe));
                endOfInput(probe);
                return new Pass(frames, bytes[0], 0, 0);
            }
        }
    },
    /** CaptureReader -> PacketDecoder -> TcpReassembler, every connection's streams to a consumer that ignores them. */
    REASSEMBLE("read + decode + reassemble") {
        @Override
        Pass run(String file, String keylog, HeapProbe probe) throws IOException, CaptureFormatException {
            CountingListener listener = new CountingListener();
            PortRoles roles = PortRoles.defaults();
            TcpReassembler reassembler = new TcpReassembler(listener, ReassemblyLimits.DEFAULT, roles::isMailPort);
            PacketDecoder decoder = new PacketDecoder(reassembler);
            try (CaptureReader reader = CaptureReader.open(file)) {
                long frames = reader.readFrames(watched(decoder, probe));
                endOfInput(probe);
                reassembler.finish();
                return new Pass(frames, decoder.stats().bytes(), reassembler.stats().connections(), listener.closed);
            }
        }
    },
    /** io.mailscope.pipeline.Analysis (dissectors, diagnosis) with every finished session counted and dropped. */
    ANALYSIS("full analysis") {
        @Override
        Pass run(String file, String keylog, HeapProbe probe) throws IOException, CaptureFormatException {
            return analysis(file, null, probe);
        }
    },
    /** The full analysis with the file's key log: every TLS record decrypted and its IMAP parsed. */
    DECRYPT("full analysis + decryption") {
        @Override
        Pass run(String file, String keylog, HeapProbe probe) throws IOException, CaptureFormatException {
            return analysis(file, keylog, probe);
        }
    };

    private final String label;

    BenchStage(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * One pass: frames read, captured bytes, connections seen by reassembly and connections (or sessions) that came
     * out at the end (0 when the stage does not go that far).
     */
    public record Pass(long frames, long capturedBytes, long connections, long finished) {
    }

    /**
     * One pass over the file; {@code probe} is null for a timed pass. {@code keylog}: the key log that decrypts
     * the file's TLS, used only by {@link #DECRYPT}.
     */
    abstract Pass run(String file, String keylog, HeapProbe probe) throws IOException, CaptureFormatException;

    /** The full analysis, with or without a key log (read anew each pass, as 'mailscope analyze --keylog' does). */
    static Pass analysis(String file, String keylog, HeapProbe probe) throws IOException, CaptureFormatException {
        long[] sessions = new long[1];
        Analysis analysis = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L,
                s -> sessions[0]++);
        if (keylog != null) {
            analysis.keyLog().addFile(java.nio.file.Path.of(keylog));
        }
        if (probe == null) {
            analysis.read(file); // exactly what 'mailscope analyze' does
        } else {
            try (CaptureReader reader = CaptureReader.open(file)) {
                reader.readFrames(probe.watching(analysis));
            }
        }
        endOfInput(probe);
        analysis.finish();
        return new Pass(analysis.captureStats().frames(), analysis.captureStats().bytes(),
                analysis.reassemblyStats().connections(), sessions[0]);
    }

    private static FrameSink watched(FrameSink sink, HeapProbe probe) {
        return probe == null ? sink : probe.watching(sink);
    }

    /** All frames are in, nothing released yet (open connections are still held). */
    private static void endOfInput(HeapProbe probe) {
        if (probe != null) {
            probe.sample();
        }
    }

    /** Counts finished connections; their streams are ignored. */
    private static final class CountingListener implements ConnectionListener {
        long closed;

        @Override
        public StreamConsumer opened(TcpConnection connection) {
            return StreamConsumer.IGNORE;
        }

        @Override
        public void closed(TcpConnection connection) {
            closed++;
        }
    }
}
