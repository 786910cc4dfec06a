package io.mailscope.tcp;

import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.PacketDecoder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A real conversation recorded with tcpdump on loopback (src/test/resources/tcp/README.md) reassembles to
 * exactly the bytes each side sent, in both directions.
 */
class RealLoopbackReassemblyTest {
    static final Path DIR = Path.of("src/test/resources/tcp");

    @Test
    void bothDirectionsReassembleByteForByteToWhatWasSent() throws Exception {
        ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
        List<TcpConnection> closed = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public StreamConsumer opened(TcpConnection connection) {
                return new StreamConsumer() {
                    @Override
                    public void onData(Direction d, byte[] data, int offset, int length, long frame, long timeNanos) {
                        (d == Direction.CLIENT_TO_SERVER ? fromClient : fromServer).write(data, offset, length);
                    }

                    @Override
                    public void onGap(Direction d, long length, long frame, long timeNanos) {
                        gaps.add(d + " " + length);
                    }

                    @Override
                    public void onEnd(Direction d, long frame, long timeNanos) {
                    }
                };
            }

            @Override
            public void closed(TcpConnection connection) {
                closed.add(connection);
            }
        };
        TcpReassembler reassembler = new TcpReassembler(listener, ReassemblyLimits.DEFAULT, p -> false);
        try (CaptureReader reader = CaptureReader.open(DIR.resolve("seeded-exchange.pcap").toString())) {
            reader.readFrames(new PacketDecoder(reassembler));
        }
        reassembler.finish();

        assertEquals(List.of(), gaps);
        assertArrayEquals(Files.readAllBytes(DIR.resolve("client-sent.bin")), fromClient.toByteArray(), "client to server");
        assertArrayEquals(Files.readAllBytes(DIR.resolve("server-sent.bin")), fromServer.toByteArray(), "server to client");
        assertEquals(1, closed.size());
        TcpConnection c = closed.get(0);
        assertEquals(ConnState.SF, c.state());
        assertEquals(30000, c.clientBytes());
        assertEquals(45000, c.serverBytes());
        assertEquals(40203, c.server().port());
    }
}
