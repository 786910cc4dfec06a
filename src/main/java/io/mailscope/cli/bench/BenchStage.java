package io.mailscope.cli.bench;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.dissect.PortRoles;
import io.mailscope.explain.Analysis;
import io.mailscope.tcp.ConnectionListener;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.StreamConsumer;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.TcpReassembler;

import java.io.IOException;

/**
 * The three measured depths of the chain, each a complete pass over one file. {@code beforeEnd} runs once all
 * frames are in but before anything is released (end of input, close): the memory probe looks at the live heap there.
 */
public enum BenchStage {
    /** CaptureReader.readFrames into a sink that only sums the captured lengths (so the JIT cannot drop the work). */
    READ("read") {
        @Override
        Pass run(String file, Runnable beforeEnd) throws IOException, CaptureFormatException {
            long[] bytes = new long[1];
            try (CaptureReader reader = CaptureReader.open(file)) {
                long frames = reader.readFrames((n, t, link, buf, off, cap, orig) -> bytes[0] += cap);
                beforeEnd.run();
                return new Pass(frames, bytes[0], 0, 0);
            }
        }
    },
    /** CaptureReader -> PacketDecoder -> TcpReassembler, every connection's streams to a consumer that ignores them. */
    REASSEMBLE("read + decode + reassemble") {
        @Override
        Pass run(String file, Runnable beforeEnd) throws IOException, CaptureFormatException {
            CountingListener listener = new CountingListener();
            PortRoles roles = PortRoles.defaults();
            TcpReassembler reassembler = new TcpReassembler(listener, ReassemblyLimits.DEFAULT, roles::isMailPort);
            PacketDecoder decoder = new PacketDecoder(reassembler);
            try (CaptureReader reader = CaptureReader.open(file)) {
                long frames = reader.readFrames(decoder);
                beforeEnd.run();
                reassembler.finish();
                return new Pass(frames, decoder.stats().bytes(), reassembler.stats().connections(), listener.closed);
            }
        }
    },
    /** io.mailscope.explain.Analysis (dissectors, diagnosis) with every finished session counted and dropped. */
    ANALYSIS("full analysis") {
        @Override
        Pass run(String file, Runnable beforeEnd) throws IOException, CaptureFormatException {
            long[] sessions = new long[1];
            Analysis analysis = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L,
                    s -> sessions[0]++);
            analysis.read(file);
            beforeEnd.run();
            analysis.finish();
            return new Pass(analysis.captureStats().frames(), analysis.captureStats().bytes(),
                    analysis.reassemblyStats().connections(), sessions[0]);
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

    abstract Pass run(String file, Runnable beforeEnd) throws IOException, CaptureFormatException;

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
