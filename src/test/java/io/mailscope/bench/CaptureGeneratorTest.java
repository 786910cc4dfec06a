package io.mailscope.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.CaptureStats;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.capture.PcapWriter;
import io.mailscope.dissect.PortRoles;
import io.mailscope.pipeline.Analysis;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Outcome;
import io.mailscope.tcp.ConnectionListener;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.ReassemblyStats;
import io.mailscope.tcp.StreamConsumer;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.TcpReassembler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

class CaptureGeneratorTest {
    private static final long PACKETS = 4_000;
    private static final int CONNECTIONS = 60;

    private static byte[] generate(CaptureGenerator.Settings settings, PcapWriter.Format format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CaptureGenerator.Result r;
        try (PcapWriter w = CaptureGenerator.writer(out, format)) {
            r = new CaptureGenerator(settings).write(w);
        }
        assertEquals(settings.packets(), r.packets());
        assertEquals(settings.connections(), r.connections());
        assertEquals(out.size(), r.bytes());
        return out.toByteArray();
    }

    /** Reads a capture through decoding and reassembly, keeping every finished connection. */
    private record ReadBack(long frames, CaptureStats capture, ReassemblyStats reassembly, List<TcpConnection> closed) {
        static ReadBack of(byte[] file) throws Exception {
            List<TcpConnection> closed = new ArrayList<>();
            TcpReassembler reassembler = new TcpReassembler(new ConnectionListener() {
                @Override
                public StreamConsumer opened(TcpConnection connection) {
                    return StreamConsumer.IGNORE;
                }

                @Override
                public void closed(TcpConnection connection) {
                    closed.add(connection);
                }
            }, ReassemblyLimits.DEFAULT, PortRoles.defaults()::isMailPort);
            PacketDecoder decoder = new PacketDecoder(reassembler);
            long frames;
            try (CaptureReader reader = CaptureReader.open("generated", new ByteArrayInputStream(file))) {
                frames = reader.readFrames(decoder);
            }
            reassembler.finish();
            return new ReadBack(frames, decoder.stats(), reassembler.stats(), closed);
        }
    }

    @Test
    void pcapReadsBackWithTheRequestedPacketAndConnectionCounts() throws Exception {
        ReadBack r = ReadBack.of(generate(CaptureGenerator.Settings.of(PACKETS, CONNECTIONS), PcapWriter.Format.PCAP_MICROS));
        assertEquals(PACKETS, r.frames());
        assertEquals(PACKETS, r.capture().tcp());
        assertEquals(CONNECTIONS, r.reassembly().connections());
        assertEquals(CONNECTIONS, r.closed().size());
    }

    @Test
    void pcapngReadsBackWithTheRequestedPacketAndConnectionCounts() throws Exception {
        ReadBack r = ReadBack.of(generate(CaptureGenerator.Settings.of(PACKETS, CONNECTIONS), PcapWriter.Format.PCAPNG));
        assertEquals(PACKETS, r.frames());
        assertEquals(PACKETS, r.capture().tcp());
        assertEquals(CONNECTIONS, r.reassembly().connections());
    }

    @Test
    void everyConnectionIsCompleteAndClosedByFinDespiteRetransmissionsAndReordering() throws Exception {
        CaptureGenerator.Settings s = new CaptureGenerator.Settings(PACKETS, CONNECTIONS, 16, 7, 0.5, 0.5, 20_000);
        ReadBack r = ReadBack.of(generate(s, PcapWriter.Format.PCAP_MICROS));
        for (TcpConnection c : r.closed()) {
            assertEquals(TcpConnection.EndReason.FIN, c.endReason(), c::toString);
            assertEquals(0, c.gapBytes(), c::toString);
            assertEquals(0, c.conflictingOverlaps(), c::toString);
            assertFalse(c.midstream(), c::toString);
        }
        // Only the last ACK of each close comes after the connection was reported (at its second FIN).
        assertEquals(CONNECTIONS, r.reassembly().lateSegments());
        // Retransmissions show in Zeek's history as 't'/'T'; reordering makes data wait in the out-of-order buffer.
        assertTrue(r.closed().stream().anyMatch(c -> c.history().toLowerCase().contains("t")), "some retransmission");
        assertTrue(r.reassembly().peakBufferedBytes() > 0, "some segment arrived out of order");
    }

    @Test
    void connectionsAreInterleavedInTime() throws Exception {
        ReadBack r = ReadBack.of(generate(CaptureGenerator.Settings.of(PACKETS, CONNECTIONS), PcapWriter.Format.PCAP_MICROS));
        TcpConnection first = r.closed().stream().filter(c -> c.id() == 1).findFirst().orElseThrow();
        long startedBeforeFirstEnded = r.closed().stream().filter(c -> c.firstFrame() < first.lastFrame()).count();
        assertTrue(startedBeforeFirstEnded > 10, "connections overlap: " + startedBeforeFirstEnded);
    }

    @Test
    void fullAnalysisSeesStartTlsThenTls13OnEveryConnection() throws Exception {
        byte[] file = generate(CaptureGenerator.Settings.of(PACKETS, CONNECTIONS), PcapWriter.Format.PCAP_MICROS);
        List<AnalyzedSession> sessions = new ArrayList<>();
        Analysis analysis = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L,
                sessions::add);
        try (CaptureReader reader = CaptureReader.open("generated", new ByteArrayInputStream(file))) {
            reader.readFrames(analysis);
        }
        analysis.finish();
        assertEquals(CONNECTIONS, sessions.size());
        for (AnalyzedSession s : sessions) {
            assertEquals(Outcome.OK, s.diagnosis().outcome(), s.diagnosis()::toString);
            assertEquals("imap -> starttls -> tls1.3", s.diagnosis().protocolPath());
        }
    }

    @Test
    void theSameSeedWritesTheSameFile() throws Exception {
        byte[] a = generate(CaptureGenerator.Settings.of(PACKETS, CONNECTIONS), PcapWriter.Format.PCAP_MICROS);
        byte[] b = generate(CaptureGenerator.Settings.of(PACKETS, CONNECTIONS), PcapWriter.Format.PCAP_MICROS);
        assertArrayEquals(a, b);
    }

    @Test
    void tooFewPacketsForTheConnectionsIsRefused() {
        int min = CaptureGenerator.minimumPacketsPerConnection();
        assertThrows(IllegalArgumentException.class,
                () -> new CaptureGenerator(CaptureGenerator.Settings.of((long) min * 10 - 1, 10)));
        new CaptureGenerator(CaptureGenerator.Settings.of((long) min * 10, 10));
    }
}
