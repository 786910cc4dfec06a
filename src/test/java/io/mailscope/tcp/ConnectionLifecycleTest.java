package io.mailscope.tcp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mailscope.tcp.Wire.ACK;
import static io.mailscope.tcp.Wire.FIN;
import static io.mailscope.tcp.Wire.PSH;
import static io.mailscope.tcp.Wire.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When connections start and end, which side is which, and how memory stays bounded. */
class ConnectionLifecycleTest {
    private static final long SECOND = 1_000_000_000L;

    private final RecordingListener rec = new RecordingListener();
    private TcpReassembler r = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> p == 143 || p == 993);
    private Wire w = Wire.imap(r);

    private void use(ReassemblyLimits limits) {
        r = new TcpReassembler(rec, limits, p -> p == 143 || p == 993);
        w = Wire.imap(r);
    }

    private void normalSession() {
        w.handshake(1000, 5000);                     // frames 1-3
        w.clientSends("a1 CAPABILITY\r\n");           // 4
        w.serverAck();                                // 5
        w.serverSends("* CAPABILITY IMAP4rev1\r\n");  // 6
        w.clientAck();                                // 7
        w.clientFin();                                // 8
        w.serverFin();                                // 9
    }

    @Test
    void connectionClosedByBothFinsIsReportedAtTheSecondFin() {
        normalSession();
        TcpConnection c = rec.conn(1).conn;
        assertTrue(rec.isClosed(1));
        assertEquals(List.of("C data 15 #4", "S data 24 #6", "C end", "S end", "closed"), rec.conn(1).events);
        assertEquals(TcpConnection.EndReason.FIN, c.endReason());
        assertEquals(Direction.CLIENT_TO_SERVER, c.closedBy());
        assertEquals(9, c.endFrame());
        assertEquals(0, r.stats().open());
    }

    @Test
    void countersOfANormalSession() {
        normalSession();
        TcpConnection c = rec.conn(1).conn;
        assertEquals("10.0.0.1:50000", c.client().toString());
        assertEquals("10.0.0.2:143", c.server().toString());
        assertEquals(15, c.clientBytes());
        assertEquals(24, c.serverBytes());
        assertEquals(5, c.clientPackets());
        assertEquals(4, c.serverPackets());
        assertEquals(Direction.CLIENT_TO_SERVER, c.firstSpeaker());
        assertEquals(4, c.firstPayloadFrame());
        assertEquals(1, c.synFrame());
        assertEquals(2, c.synAckFrame());
        assertTrue(c.synAckNanos() > c.synNanos() && c.establishedNanos() > c.synAckNanos());
        assertEquals(1, c.firstFrame());
        assertEquals(9, c.lastFrame());
        assertTrue(c.endNanos() > c.startNanos());
        assertFalse(c.midstream());
        assertEquals(9, rec.conn(1).segments, "listener.segment() for every segment");
    }

    @Test
    void lateFinalAckOfAClosedConnectionIsCountedNotANewConnection() {
        normalSession();
        w.clientAck();             // the final ACK
        w.serverFin();             // a retransmitted FIN
        assertEquals(1, rec.byId.size());
        assertEquals(2, r.stats().lateSegments());
        assertEquals(1, r.stats().connections());
    }

    @Test
    void newSynOnAClosedFourTupleStartsConnectionTwo() {
        normalSession();
        w.clientAck();
        w.handshake(90_000, 70_000);
        w.clientSends("again");
        assertEquals(2, rec.byId.size());
        assertEquals("again", rec.conn(2).clientText());
        assertFalse(rec.isClosed(2));
        assertEquals(2, rec.conn(2).conn.id());
    }

    @Test
    void synWithNewIsnOnAClosingConnectionReportsTheOldOneAndStartsANewOne() {
        w.handshake(1000, 5000);
        w.clientSends("a1 LOGOUT\r\n");
        w.clientFin();
        w.handshake(90_000, 70_000);
        assertTrue(rec.isClosed(1));
        assertEquals(ConnState.S2, rec.conn(1).conn.state());
        assertEquals(2, rec.byId.size());
        assertEquals("S", rec.conn(2).conn.history().substring(0, 1));
    }

    @Test
    void unansweredSynRetriedWithANewIsnIsANewAttempt() {
        w.client(SYN, 1000, 0, "");
        w.client(SYN, 777_000, 0, "");
        assertEquals(2, rec.byId.size());
        assertEquals(ConnState.S0, rec.conn(1).conn.state());
        // told apart from idle expiry: the new SYN on the same ports ended it
        assertEquals(TcpConnection.EndReason.PORT_REUSED, rec.conn(1).conn.endReason());
    }

    @Test
    void retransmittedSynWithTheSameIsnStaysInTheSameConnection() {
        w.client(SYN, 1000, 0, "");
        w.client(SYN, 1000, 0, "");
        assertEquals(1, rec.byId.size());
        assertEquals(2, rec.conn(1).conn.clientPackets());
    }

    @Test
    void midstreamServerIsChosenByThePortPredicate() {
        r = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> p == 8143);
        Wire m = new Wire(r, "10.0.0.1", 7000, "10.0.0.2", 8143);
        m.server(ACK | PSH, 9000, 3000, "* OK\r\n");
        m.client(ACK, 3000, 9006, "");
        TcpConnection c = rec.conn(1).conn;
        assertEquals(7000, c.client().port());
        assertEquals(8143, c.server().port());
        assertTrue(c.midstream());
        assertEquals("^dA", c.history());
        assertEquals(ConnState.OTH, c.state());
        assertEquals("* OK\r\n", rec.conn(1).serverText());
        assertEquals(Direction.SERVER_TO_CLIENT, c.firstSpeaker());
    }

    @Test
    void midstreamServerIsTheLowerPortWhenThePredicateCannotTell() {
        r = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> false);
        Wire m = new Wire(r, "10.0.0.9", 40000, "10.0.0.2", 2000);
        m.client(ACK | PSH, 100, 200, "a1 NOOP\r\n");
        TcpConnection c = rec.conn(1).conn;
        assertEquals(2000, c.server().port());
        assertEquals("D", c.history());
        r.finish();
        assertEquals(ConnState.OTH, c.state());
        assertEquals("a1 NOOP\r\n", rec.conn(1).clientText());
    }

    @Test
    void synAckSeenFirstMakesItsReceiverTheClient() {
        w.server(SYN | ACK, 5000, 1001, "");
        w.client(ACK, 1001, 5001, "");
        TcpConnection c = rec.conn(1).conn;
        assertEquals(50000, c.client().port());
        assertEquals("^hA", c.history());
        assertFalse(c.midstream());
    }

    @Test
    void idleConnectionIsReportedWhenCaptureTimeMovesOn() {
        use(new ReassemblyLimits(1 << 20, 10 * SECOND, 100));
        w.handshake(1000, 5000);
        long lastActive = w.now();
        Wire other = w.other("10.0.0.3", 40000, "10.0.0.2", 993);
        other.after(11 * SECOND).client(SYN, 1, 0, "");
        assertTrue(rec.isClosed(1));
        assertFalse(rec.isClosed(2));
        TcpConnection c = rec.conn(1).conn;
        assertEquals(TcpConnection.EndReason.IDLE, c.endReason());
        assertEquals(lastActive, c.endNanos());
        assertNull(c.closedBy());
        assertEquals(ConnState.S1, c.state());
        assertEquals(1, r.stats().evictedIdle());
        assertEquals(1, r.stats().open());
    }

    @Test
    void expireIdleLeavesRecentlyActiveConnections() {
        use(new ReassemblyLimits(1 << 20, 10 * SECOND, 100));
        w.handshake(1000, 5000);
        r.expireIdle(w.now() + 5 * SECOND);
        assertFalse(rec.isClosed(1));
        r.expireIdle(w.now() + 11 * SECOND);
        assertTrue(rec.isClosed(1));
    }

    @Test
    void beyondMaxConnectionsTheLeastRecentlyActiveIsEvicted() {
        use(new ReassemblyLimits(1 << 20, ReassemblyLimits.DEFAULT.idleTimeoutNanos(), 2));
        Wire a = w;
        Wire b = w.other("10.0.0.3", 40001, "10.0.0.2", 993);
        Wire c = w.other("10.0.0.4", 40002, "10.0.0.2", 993);
        a.client(SYN, 1, 0, "");
        b.client(SYN, 1, 0, "");
        a.server(SYN | ACK, 9, 2, "");
        c.client(SYN, 1, 0, "");
        assertEquals(List.of(2L), rec.closed.stream().map(TcpConnection::id).toList());
        assertEquals(TcpConnection.EndReason.MEMORY_LIMIT, rec.conn(2).conn.endReason());
        assertEquals(1, r.stats().evictedForSpace());
        assertEquals(2, r.stats().open());
    }

    @Test
    void finishReportsOpenConnectionsInOrderOfFirstPacket() {
        Wire a = w;
        Wire b = w.other("10.0.0.3", 40001, "10.0.0.2", 993);
        Wire c = w.other("10.0.0.4", 40002, "10.0.0.2", 993);
        a.client(SYN, 1, 0, "");
        b.client(SYN, 1, 0, "");
        c.client(SYN, 1, 0, "");
        c.server(SYN | ACK, 9, 2, "");
        a.server(SYN | ACK, 9, 2, "");
        r.finish();
        assertEquals(List.of(1L, 2L, 3L), rec.closed.stream().map(TcpConnection::id).toList());
        for (TcpConnection conn : rec.closed) {
            assertEquals(TcpConnection.EndReason.CAPTURE_END, conn.endReason());
        }
        assertEquals(0, r.stats().open());
        assertEquals(3, r.stats().connections());
    }

    @Test
    void consumerThatThrowsIsDroppedWithoutBreakingReassembly() {
        RecordingListener inner = new RecordingListener();
        ConnectionListener throwing = new ConnectionListener() {
            @Override
            public StreamConsumer opened(TcpConnection connection) {
                StreamConsumer recorded = inner.opened(connection);
                if (connection.id() != 1) {
                    return recorded;
                }
                return new StreamConsumer() {
                    @Override
                    public void onData(Direction d, byte[] data, int offset, int length, long frame, long t) {
                        throw new IllegalStateException("analyzer bug");
                    }

                    @Override
                    public void onGap(Direction d, long length, long frame, long t) {
                        recorded.onGap(d, length, frame, t);
                    }

                    @Override
                    public void onEnd(Direction d, long frame, long t) {
                        recorded.onEnd(d, frame, t);
                    }
                };
            }

            @Override
            public void closed(TcpConnection connection) {
                inner.closed(connection);
            }
        };
        r = new TcpReassembler(throwing, ReassemblyLimits.DEFAULT, p -> p == 143);
        Wire bad = Wire.imap(r);
        Wire good = bad.other("10.0.0.3", 40001, "10.0.0.2", 143);
        bad.handshake(1000, 5000);
        good.handshake(1, 2);
        bad.clientSends("boom");
        good.clientSends("fine");
        bad.clientSends("more");
        bad.clientFin();
        bad.serverFin();
        TcpConnection c = inner.conn(1).conn;
        assertNotNull(c.consumerFailure());
        assertEquals(8, c.clientBytes());
        assertEquals(List.of("closed"), inner.conn(1).events, "no call after the failure, still reported");
        assertEquals("fine", inner.conn(2).clientText());
        assertEquals(1, r.stats().consumerFailures());
    }

    @Test
    void unfinishedHalfCloseStaysOpenUntilTheEnd() {
        w.handshake(1000, 5000);
        w.client(FIN | ACK, 1001, 5001, "");
        assertFalse(rec.isClosed(1));
        assertEquals(List.of("C end"), rec.conn(1).events);
        r.finish();
        assertEquals(ConnState.S2, rec.conn(1).conn.state());
        assertEquals(List.of("C end", "S end", "closed"), rec.conn(1).events);
    }
}
