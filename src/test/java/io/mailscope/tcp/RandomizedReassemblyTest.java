package io.mailscope.tcp;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static io.mailscope.tcp.Wire.ACK;
import static io.mailscope.tcp.Wire.PSH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A random stream cut into random segments, then shuffled, duplicated and re-cut into overlapping segments
 * carrying the same bytes: whatever the order, the delivered stream equals the original exactly.
 */
class RandomizedReassemblyTest {

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 100);
    }

    private record Piece(int from, int to) {
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void shuffledDuplicatedOverlappingSegmentsRebuildTheExactStream(long seed) {
        Random rnd = new Random(seed);
        byte[] stream = new byte[1 + rnd.nextInt(40_000)];
        rnd.nextBytes(stream);
        // Half of the runs start within a few kilobytes of 2^32 so the stream wraps.
        long isn = rnd.nextBoolean() ? 0xFFFF_FFFFL - rnd.nextInt(stream.length + 1) : rnd.nextInt() & 0xFFFF_FFFFL;

        List<Piece> pieces = new ArrayList<>();
        for (int at = 0; at < stream.length; ) {
            int len = Math.min(stream.length - at, 1 + rnd.nextInt(1460));
            pieces.add(new Piece(at, at + len));
            at += len;
        }
        int extra = rnd.nextInt(pieces.size() + 1);
        for (int i = 0; i < extra; i++) {
            if (rnd.nextBoolean()) {
                pieces.add(pieces.get(rnd.nextInt(pieces.size())));               // duplicate
            } else {
                int from = rnd.nextInt(stream.length);
                int to = Math.min(stream.length, from + 1 + rnd.nextInt(3000));
                pieces.add(new Piece(from, to));                                  // overlapping re-cut
            }
        }
        Collections.shuffle(pieces, rnd);

        RecordingListener rec = new RecordingListener();
        TcpReassembler r = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> p == 993);
        Wire w = new Wire(r, "192.0.2.1", 51000, "192.0.2.2", 993);
        w.handshake(isn, 77);
        for (Piece p : pieces) {
            w.client(ACK | PSH, isn + 1 + p.from, 78, Arrays.copyOfRange(stream, p.from, p.to));
        }
        w.cSeq = (isn + 1 + stream.length) & 0xFFFF_FFFFL;
        w.clientFin();
        w.serverFin();

        RecordingListener.Streams s = rec.conn(1);
        assertArrayEquals(stream, s.toServer.toByteArray());
        assertEquals(stream.length, s.conn.clientBytes());
        assertEquals(0, s.conn.gaps());
        assertEquals(0, s.conn.conflictingOverlaps());
        assertTrue(rec.isClosed(1));
        assertEquals(ConnState.SF, s.conn.state());
        assertEquals(0, r.stats().open());
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void withMissingSegmentsEveryByteIsEitherDeliveredInPlaceOrAccountedAsAGap(long seed) {
        Random rnd = new Random(seed);
        byte[] stream = new byte[1 + rnd.nextInt(20_000)];
        rnd.nextBytes(stream);
        long isn = rnd.nextInt() & 0xFFFF_FFFFL;
        List<Piece> pieces = new ArrayList<>();
        for (int at = 0; at < stream.length; ) {
            int len = Math.min(stream.length - at, 1 + rnd.nextInt(1460));
            if (rnd.nextInt(5) != 0) {
                pieces.add(new Piece(at, at + len));
            }
            at += len;
        }
        Collections.shuffle(pieces, rnd);
        long[] position = {0};
        byte[] rebuilt = new byte[stream.length];
        boolean[] known = new boolean[stream.length];
        ConnectionListener l = new ConnectionListener() {
            @Override
            public StreamConsumer opened(TcpConnection connection) {
                return new StreamConsumer() {
                    @Override
                    public void onData(Direction d, byte[] data, int offset, int length, long f, long t) {
                        System.arraycopy(data, offset, rebuilt, (int) position[0], length);
                        Arrays.fill(known, (int) position[0], (int) position[0] + length, true);
                        position[0] += length;
                    }

                    @Override
                    public void onGap(Direction d, long length, long f, long t) {
                        position[0] += length;
                    }

                    @Override
                    public void onEnd(Direction d, long f, long t) {
                    }
                };
            }

            @Override
            public void closed(TcpConnection connection) {
            }
        };
        TcpReassembler r = new TcpReassembler(l, ReassemblyLimits.DEFAULT, p -> p == 993);
        Wire w = new Wire(r, "192.0.2.1", 51000, "192.0.2.2", 993);
        w.handshake(isn, 77);
        for (Piece p : pieces) {
            w.client(ACK | PSH, isn + 1 + p.from, 78, Arrays.copyOfRange(stream, p.from, p.to));
        }
        w.cSeq = (isn + 1 + stream.length) & 0xFFFF_FFFFL;
        w.clientFin();
        r.finish();

        assertEquals(stream.length, position[0], "data + gaps cover the whole stream up to the FIN");
        for (int i = 0; i < stream.length; i++) {
            if (known[i]) {
                assertEquals(stream[i], rebuilt[i], "byte " + i);
            }
        }
    }
}
