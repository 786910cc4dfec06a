package io.mailscope.tcp;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.mailscope.tcp.Wire.ACK;
import static io.mailscope.tcp.Wire.PSH;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same shuffled, duplicated, overlapping segments are given to the reassembler and written to a pcap file
 * that tshark reassembles: both directions must come out identical to Wireshark's "Follow TCP Stream".
 * Skipped when tshark is not installed.
 */
class WiresharkAgreementTest {
    @TempDir
    Path dir;

    private record Piece(boolean fromClient, int from, int to) {
    }

    @Test
    void reassembledStreamsMatchWiresharkFollowTcpStream() throws Exception {
        Assumptions.assumeTrue(TsharkFollow.available(), "tshark not installed");
        int connections = 4;
        RecordingListener rec = new RecordingListener();
        TcpReassembler r = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> p == 993);
        Path pcap = dir.resolve("agreement.pcap");
        List<byte[][]> sent = new ArrayList<>();
        try (PcapTee tee = new PcapTee(r, pcap)) {
            for (int seed = 1; seed <= connections; seed++) {
                Wire w = new Wire(tee, "192.0.2.1", 51000 + seed, "192.0.2.2", 993).at(seed * 1_000_000_000_000L);
                sent.add(session(w, new Random(seed), seed == 1));
            }
        }
        List<TsharkFollow> wireshark = TsharkFollow.first(pcap, connections);
        for (int i = 0; i < connections; i++) {
            RecordingListener.Streams ours = rec.conn(i + 1);
            TsharkFollow theirs = wireshark.get(i);
            assertEquals("192.0.2.1:" + (51001 + i), theirs.node0Address);
            assertArrayEquals(theirs.node0.toByteArray(), ours.toServer.toByteArray(), "client stream " + i);
            assertArrayEquals(theirs.node1.toByteArray(), ours.toClient.toByteArray(), "server stream " + i);
            assertArrayEquals(sent.get(i)[0], ours.toServer.toByteArray());
            assertArrayEquals(sent.get(i)[1], ours.toClient.toByteArray());
        }
    }

    /** A whole connection whose segments are mildly reordered and repeated; returns what each side sent. */
    private static byte[][] session(Wire w, Random rnd, boolean wrap) {
        byte[] up = new byte[1 + rnd.nextInt(20_000)];
        byte[] down = new byte[1 + rnd.nextInt(20_000)];
        rnd.nextBytes(up);
        rnd.nextBytes(down);
        long cIsn = wrap ? 0xFFFF_FF00L : rnd.nextInt() & 0xFFFF_FFFFL;
        long sIsn = rnd.nextInt() & 0xFFFF_FFFFL;

        List<Piece> pieces = new ArrayList<>();
        cut(rnd, up.length, true, pieces);
        cut(rnd, down.length, false, pieces);
        // Mild disorder, as on a real network: swap neighbours, repeat some segments.
        for (int i = 0; i + 1 < pieces.size(); i++) {
            if (rnd.nextInt(4) == 0) {
                Collections.swap(pieces, i, i + 1);
            }
        }
        for (int i = 0; i < pieces.size() / 5; i++) {
            int at = rnd.nextInt(pieces.size());
            pieces.add(Math.min(pieces.size(), at + 1 + rnd.nextInt(3)), pieces.get(at));
        }
        w.handshake(cIsn, sIsn);
        for (Piece p : pieces) {
            if (p.fromClient) {
                w.client(ACK | PSH, cIsn + 1 + p.from, sIsn + 1, Arrays.copyOfRange(up, p.from, p.to));
            } else {
                w.server(ACK | PSH, sIsn + 1 + p.from, cIsn + 1,
                        new String(down, p.from, p.to - p.from, StandardCharsets.ISO_8859_1));
            }
        }
        w.cSeq = (cIsn + 1 + up.length) & 0xFFFF_FFFFL;
        w.sSeq = (sIsn + 1 + down.length) & 0xFFFF_FFFFL;
        w.clientFin();
        w.serverFin();
        return new byte[][] {up, down};
    }

    private static void cut(Random rnd, int length, boolean fromClient, List<Piece> into) {
        List<Piece> mine = new ArrayList<>();
        for (int at = 0; at < length; ) {
            int len = Math.min(length - at, 1 + rnd.nextInt(1460));
            mine.add(new Piece(fromClient, at, at + len));
            at += len;
        }
        // interleave with what is there
        List<Piece> merged = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < into.size() || j < mine.size()) {
            if (j >= mine.size() || (i < into.size() && rnd.nextBoolean())) {
                merged.add(into.get(i++));
            } else {
                merged.add(mine.get(j++));
            }
        }
        into.clear();
        into.addAll(merged);
    }
}
