package io.mailscope.tcp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mailscope.tcp.Wire.ACK;
import static io.mailscope.tcp.Wire.FIN;
import static io.mailscope.tcp.Wire.PSH;
import static io.mailscope.tcp.Wire.RST;
import static io.mailscope.tcp.Wire.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the bytes of each direction are put back in order, and how what is missing is reported. */
class StreamReassemblyTest {
    private final RecordingListener rec = new RecordingListener();
    private TcpReassembler r;
    private Wire w;

    @BeforeEach
    void setUp() {
        use(ReassemblyLimits.DEFAULT);
    }

    private void use(ReassemblyLimits limits) {
        r = new TcpReassembler(rec, limits, p -> p == 143 || p == 993);
        w = Wire.imap(r);
    }

    private RecordingListener.Streams conn() {
        return rec.conn(1);
    }

    @Test
    void bothDirectionsAreDeliveredByteExactAsTheyBecomeContiguous() {
        w.handshake(1000, 5000);
        w.serverSends("* OK ready\r\n");
        w.clientSends("a1 LOGIN alice secret\r\n");
        w.serverSends("a1 OK done\r\n");
        assertEquals("a1 LOGIN alice secret\r\n", conn().clientText());
        assertEquals("* OK ready\r\na1 OK done\r\n", conn().serverText());
        assertEquals(List.of("S data 12 #4", "C data 23 #5", "S data 12 #6"), conn().events);
        assertEquals(23, conn().conn.clientBytes());
        assertEquals(24, conn().conn.serverBytes());
    }

    @Test
    void outOfOrderSegmentsAreHeldAndDeliveredInOrderWithTheFrameThatFilledTheHole() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1006, 5001, "world");
        w.client(ACK | PSH, 1011, 5001, "!");
        assertEquals(List.of(), conn().events);
        w.client(ACK | PSH, 1001, 5001, "hello");
        assertEquals("helloworld!", conn().clientText());
        assertEquals(List.of("C data 5 #6", "C data 5 #6", "C data 1 #6"), conn().events);
    }

    @Test
    void retransmissionIsDeliveredAndCountedOnce() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "hello");
        w.client(ACK | PSH, 1001, 5001, "hello");
        assertEquals("hello", conn().clientText());
        assertEquals(5, conn().conn.clientBytes());
        assertEquals(1, conn().events.size());
        assertEquals("ShADT", conn().conn.history());
        assertEquals(0, conn().conn.conflictingOverlaps());
    }

    @Test
    void partialOverlapDeliversOnlyTheNewPart() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "hello");
        w.client(ACK | PSH, 1004, 5001, "lo world");
        assertEquals("hello world", conn().clientText());
        assertEquals(List.of("C data 5 #4", "C data 6 #5"), conn().events);
        assertEquals(0, conn().conn.conflictingOverlaps());
    }

    @Test
    void overlapWithDifferentBytesKeepsTheFirstCopyAndIsCounted() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "hello");
        w.client(ACK | PSH, 1001, 5001, "HELLO world");
        assertEquals("hello world", conn().clientText());
        assertEquals(1, conn().conn.conflictingOverlaps());
    }

    @Test
    void aRingLeftByAnEndedConnectionNeverMakesARetransmissionConflict() {
        // the first connection fills its rings with other bytes, ends, and leaves them to the next connections
        w.handshake(1000, 5000);
        w.clientSends("x".repeat(3000));
        w.serverSends("y".repeat(3000));
        w.clientFin().serverFin().clientAck();
        assertTrue(conn().conn.endReason() != null, "the first connection ended");
        Wire next = w.other("10.0.0.3", 50001, "10.0.0.2", 143);
        next.handshake(7000, 9000);
        next.client(ACK | PSH, 7001, 9001, "hello");
        next.client(ACK | PSH, 7001, 9001, "hello");
        assertEquals(0, rec.conn(2).conn.conflictingOverlaps());
        next.client(ACK | PSH, 7001, 9001, "HELLO");
        assertEquals(1, rec.conn(2).conn.conflictingOverlaps());
        assertEquals("hello", rec.conn(2).clientText());
    }

    @Test
    void overlapWithBufferedDataKeepsTheBufferedCopyAndIsCounted() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1007, 5001, "WORLD");
        w.client(ACK | PSH, 1001, 5001, "hello world!");
        assertEquals("hello WORLD!", conn().clientText());
        assertEquals(1, conn().conn.conflictingOverlaps());
        assertEquals(12, conn().conn.clientBytes());
    }

    @Test
    void ackPastAHoleBeforeBufferedDataDeliversTheGapAtOnce() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "aaaaa");
        w.client(ACK | PSH, 1011, 5001, "ccccc");
        w.server(ACK, 5001, 1016, "");
        assertEquals(List.of("C data 5 #4", "C gap 5 #6", "C data 5 #6"), conn().events);
        assertEquals(1, conn().conn.gaps());
        assertEquals(5, conn().conn.gapBytes());
        assertEquals(10, conn().conn.clientBytes());
        assertTrue(conn().conn.history().contains("G"), conn().conn.history());
        assertFalse(rec.isClosed(1));
    }

    @Test
    void ackPastMissingTailBecomesAGapWhenDataAfterItArrives() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "aaaaa");
        w.server(ACK, 5001, 1011, "");
        assertEquals(List.of("C data 5 #4"), conn().events);
        w.client(ACK | PSH, 1011, 5001, "ccccc");
        assertEquals(List.of("C data 5 #4", "C gap 5 #6", "C data 5 #6"), conn().events);
    }

    @Test
    void finAckedPastMissingDataEndsTheStreamWithAGap() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "aaaaa");
        w.client(FIN | ACK, 1011, 5001, "");
        assertEquals(List.of("C data 5 #4"), conn().events);
        w.server(ACK, 5001, 1012, "");
        assertEquals(List.of("C data 5 #4", "C gap 5 #6", "C end"), conn().events);
    }

    @Test
    void holeStillOpenAtEndOfCaptureIsDeliveredAsAGapBeforeTheBufferedData() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "aaaaa");
        w.client(ACK | PSH, 1011, 5001, "ccccc");
        r.finish();
        assertEquals(List.of("C data 5 #4", "C gap 5 #5", "C data 5 #5", "C end", "S end", "closed"),
                conn().events);
        assertEquals(TcpConnection.EndReason.CAPTURE_END, conn().conn.endReason());
    }

    @Test
    void resetDeliversWhatIsBufferedWithGapsForHoles() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1001, 5001, "aaaaa");
        w.client(ACK | PSH, 1011, 5001, "ccccc");
        w.client(RST | ACK, 1016, 5001, "");
        assertEquals(List.of("C data 5 #4", "C gap 5 #6", "C data 5 #6", "C end", "S end", "closed"),
                conn().events);
        assertEquals(TcpConnection.EndReason.RST, conn().conn.endReason());
        assertEquals(Direction.CLIENT_TO_SERVER, conn().conn.closedBy());
    }

    @Test
    void outOfOrderBufferBeyondItsLimitGivesUpTheHoleAndCountsLateBytesAsDropped() {
        use(new ReassemblyLimits(10, ReassemblyLimits.DEFAULT.idleTimeoutNanos(), 100));
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1006, 5001, "bbbbb");
        w.client(ACK | PSH, 1011, 5001, "ccccc");
        assertEquals(List.of(), conn().events);
        w.client(ACK | PSH, 1016, 5001, "ddddd");
        assertEquals(List.of("C gap 5 #6", "C data 5 #6", "C data 5 #6", "C data 5 #6"), conn().events);
        w.client(ACK | PSH, 1001, 5001, "aaaaa");
        assertEquals("bbbbbcccccddddd", conn().clientText());
        assertEquals(5, conn().conn.droppedOutOfOrderBytes());
        assertEquals(5, r.stats().droppedOutOfOrderBytes());
        assertEquals(15, r.stats().peakBufferedBytes()); // the segment that overflowed the limit included
    }

    @Test
    void sequenceNumbersWrapAround2To32() {
        w.handshake(0xFFFF_FFF0L, 0xFFFF_FFFEL);
        // client data starts at 0xFFFFFFF1: 15 bytes before the wrap, the rest after it
        w.client(ACK | PSH, 0xFFFF_FFFBL, 0, "KLMNOPQRST");  // crosses 2^32, arrives first
        w.client(ACK | PSH, 0x0000_0005L, 0, "UVWXYZ");      // after the wrap
        w.client(ACK | PSH, 0xFFFF_FFF1L, 0, "ABCDEFGHIJ");  // fills the hole
        w.server(ACK | PSH, 0xFFFF_FFFFL, 0x0000_000BL, "xy"); // server data wraps too; acks everything
        w.server(ACK | PSH, 0x0000_0001L, 0x0000_000BL, "z");
        assertEquals("ABCDEFGHIJKLMNOPQRSTUVWXYZ", conn().clientText());
        assertEquals("xyz", conn().serverText());
        assertEquals(0, conn().conn.gaps());
    }

    @Test
    void synCarryingDataIsDelivered() {
        w.client(SYN, 1000, 0, "early");
        w.server(SYN | ACK, 5000, 1006, "");
        w.client(ACK | PSH, 1006, 5001, " more");
        assertEquals("early more", conn().clientText());
        assertEquals(Direction.CLIENT_TO_SERVER, conn().conn.firstSpeaker());
        assertEquals(1, conn().conn.firstPayloadFrame());
    }

    @Test
    void snaplenCutSegmentDeliversTheCapturedPartThenAGap() {
        w.handshake(1000, 5000);
        w.clientTruncated(1001, 5001, "0123456789", 4);
        w.client(ACK | PSH, 1011, 5001, "abc");
        assertEquals("0123abc", conn().clientText());
        assertEquals(List.of("C data 4 #4", "C gap 6 #4", "C data 3 #5"), conn().events);
        assertEquals(1, conn().conn.truncatedSegments());
        assertEquals(6, conn().conn.gapBytes());
    }

    @Test
    void snaplenCutSegmentArrivingOutOfOrderKeepsItsGapInPlace() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1011, 5001, "abc");
        w.clientTruncated(1001, 5001, "0123456789", 4);
        assertEquals("0123abc", conn().clientText());
        assertEquals(List.of("C data 4 #5", "C gap 6 #5", "C data 3 #5"), conn().events);
    }

    @Test
    void keepAliveBelowTheNextByteIsNeitherDataNorGapNorRetransmission() {
        w.handshake(1000, 5000);
        w.clientSends("hello");
        w.serverAck();
        w.client(ACK, w.cSeq - 1, w.sSeq, "\0");
        w.client(ACK, w.cSeq - 1, w.sSeq, "");
        w.clientSends(" again");
        assertEquals("hello again", conn().clientText());
        assertEquals(0, conn().conn.gaps());
        assertEquals(0, conn().conn.conflictingOverlaps());
        assertEquals(11, conn().conn.clientBytes());
        assertFalse(conn().conn.history().contains("T"), conn().conn.history());
    }

    @Test
    void zeroWindowProbeWithOneNewByteIsDeliveredOnce() {
        w.handshake(1000, 5000);
        w.window = 0;
        w.serverAck();
        w.window = 65535;
        w.client(ACK, 1001, 5001, "h");          // probe: the next byte
        w.client(ACK | PSH, 1001, 5001, "hello"); // window opened: sent again with the rest
        assertEquals("hello", conn().clientText());
        assertEquals(0, conn().conn.gaps());
        assertTrue(conn().conn.history().contains("w"), conn().conn.history());
    }

    @Test
    void finWithDataDeliversTheDataThenEndsTheDirection() {
        w.handshake(1000, 5000);
        w.client(FIN | ACK | PSH, 1001, 5001, "bye");
        assertEquals(List.of("C data 3 #4", "C end"), conn().events);
    }

    @Test
    void directionsOfIpv6ConnectionsMeetInOneConnection() {
        Wire v6 = new Wire(r, "2001:db8::1", 50000, "2001:db8::2", 993);
        v6.handshake(1, 2);
        v6.clientSends("x");
        v6.serverSends("y");
        assertEquals(1, rec.byId.size());
        assertEquals("[2001:db8::2]:993", rec.conn(1).conn.server().toString());
        assertEquals("x", rec.conn(1).clientText());
        assertEquals("y", rec.conn(1).serverText());
    }

    @Test
    void segmentImpossiblyFarAheadIsIgnoredInsteadOfBecomingAHugeGap() {
        w.handshake(1000, 5000);
        w.client(ACK | PSH, 1000 + (1L << 31) - 10, 5001, "bogus");
        w.client(ACK | PSH, 1001, 5001, "real");
        r.finish();
        assertEquals("real", conn().clientText());
        assertEquals(0, conn().conn.gaps());
    }

    @Test
    void capturedLengthBeyondThePayloadArrayIsClampedNotThrown() {
        w.handshake(1000, 5000);
        io.mailscope.capture.TcpSegment seg = new io.mailscope.capture.TcpSegment();
        seg.frame = 10;
        seg.timeNanos = w.now() + 1;
        seg.ipVersion = 4;
        seg.src[0] = 10; seg.src[3] = 1;
        seg.dst[0] = 10; seg.dst[3] = 2;
        seg.srcPort = 50000;
        seg.dstPort = 143;
        seg.seq = 1001;
        seg.ack = 5001;
        seg.flags = ACK;
        seg.data = new byte[] {'a', 'b'};
        seg.dataOffset = 0;
        seg.capturedLength = 100;
        seg.wireLength = 100;
        r.segment(seg);
        assertEquals("ab", conn().clientText());
        assertEquals(98, conn().conn.gapBytes());
    }

    @Test
    void floodOfTinyOutOfOrderSegmentsIsBoundedByChunkCountToo() {
        use(new ReassemblyLimits(64 * 64, ReassemblyLimits.DEFAULT.idleTimeoutNanos(), 100)); // at most 64 chunks
        w.handshake(1000, 5000);
        for (int i = 0; i < 100; i++) {
            w.client(ACK | PSH, 1002 + 2L * i, 5001, "x"); // one byte, then a one-byte hole, ...
        }
        assertTrue(conn().conn.gaps() > 0, "holes given up long before 4096 bytes were held");
        assertTrue(r.stats().peakBufferedBytes() <= 65, "peak " + r.stats().peakBufferedBytes());
    }

    @Test
    void retransmissionOfRecentBytesIsComparedAcrossManySmallSegments() {
        w.handshake(1000, 5000);
        StringBuilder typed = new StringBuilder();
        for (int i = 0; i < 1500; i++) {          // keystrokes: more than the remembered window
            String key = String.valueOf((char) ('a' + i % 26));
            w.clientSends(key);
            typed.append(key);
        }
        long last10 = w.cSeq - 10;
        w.client(ACK | PSH, last10, w.sSeq, typed.substring(typed.length() - 10));          // same bytes
        assertEquals(0, conn().conn.conflictingOverlaps());
        w.client(ACK | PSH, last10, w.sSeq, typed.substring(typed.length() - 10).toUpperCase()); // changed
        assertEquals(1, conn().conn.conflictingOverlaps());
        assertEquals(typed.toString(), conn().clientText());
    }

    @Test
    void brokenAckOfZeroDoesNotTurnAHoleIntoAGap() {
        w.handshake(0xF000_0000L, 5000);
        w.client(ACK | PSH, 0xF000_0001L, 5001, "aaaaa");
        w.client(ACK | PSH, 0xF000_000BL, 5001, "ccccc");
        w.server(ACK, 5001, 0, "");
        assertEquals(List.of("C data 5 #4"), conn().events);
        w.client(ACK | PSH, 0xF000_0006L, 5001, "bbbbb");
        assertEquals("aaaaabbbbbccccc", conn().clientText());
        assertEquals(0, conn().conn.gaps());
    }
}
