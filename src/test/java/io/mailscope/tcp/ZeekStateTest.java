package io.mailscope.tcp;

import org.junit.jupiter.api.Test;

import static io.mailscope.tcp.Wire.ACK;
import static io.mailscope.tcp.Wire.FIN;
import static io.mailscope.tcp.Wire.PSH;
import static io.mailscope.tcp.Wire.RST;
import static io.mailscope.tcp.Wire.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conn_state and history as Zeek's conn.log would show them for the same packets. */
class ZeekStateTest {
    private final RecordingListener rec = new RecordingListener();
    private final TcpReassembler r = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> p == 143);
    private final Wire w = Wire.imap(r);

    private TcpConnection ended() {
        r.finish();
        return rec.conn(1).conn;
    }

    @Test
    void normalEstablishmentAndTerminationIsSF() {
        w.handshake(1000, 5000);
        w.clientSends("a1 NOOP\r\n");
        w.serverAck();
        w.serverSends("a1 OK\r\n");
        w.clientAck();
        w.clientFin();
        w.serverFin();
        TcpConnection c = rec.conn(1).conn;
        assertEquals(ConnState.SF, c.state());
        assertEquals("ShADadFf", c.history());
    }

    @Test
    void synAnsweredByResetIsREJ() {
        w.client(SYN, 1000, 0, "");
        w.server(RST | ACK, 0, 1001, "");
        TcpConnection c = rec.conn(1).conn;
        assertEquals(ConnState.REJ, c.state());
        assertEquals("Sr", c.history());
        assertEquals(TcpConnection.EndReason.RST, c.endReason());
        assertEquals(Direction.SERVER_TO_CLIENT, c.closedBy());
    }

    @Test
    void unansweredSynIsS0() {
        w.client(SYN, 1000, 0, "");
        w.client(SYN, 1000, 0, "");
        TcpConnection c = ended();
        assertEquals(ConnState.S0, c.state());
        assertEquals("S", c.history());
    }

    @Test
    void establishedAndNotClosedIsS1() {
        w.handshake(1000, 5000);
        assertEquals(ConnState.S1, ended().state());
    }

    @Test
    void originatorResetAfterEstablishmentIsRSTO() {
        w.handshake(1000, 5000);
        w.clientSends("x");
        w.client(RST | ACK, w.cSeq, w.sSeq, "");
        TcpConnection c = rec.conn(1).conn;
        assertEquals(ConnState.RSTO, c.state());
        assertEquals("ShADR", c.history());
    }

    @Test
    void responderResetAfterEstablishmentIsRSTR() {
        w.handshake(1000, 5000);
        w.serverSends("* OK\r\n");
        w.server(RST | ACK, w.sSeq, w.cSeq, "");
        TcpConnection c = rec.conn(1).conn;
        assertEquals(ConnState.RSTR, c.state());
        assertEquals("ShAdr", c.history());
    }

    @Test
    void synThenFinWithoutSynAckIsSH() {
        w.client(SYN, 1000, 0, "");
        w.client(FIN, 1001, 0, "");
        TcpConnection c = ended();
        assertEquals(ConnState.SH, c.state());
        assertEquals("SF", c.history());
    }

    @Test
    void synThenResetWithoutSynAckIsRSTOS0() {
        w.client(SYN, 1000, 0, "");
        w.client(RST, 1001, 0, "");
        assertEquals(ConnState.RSTOS0, rec.conn(1).conn.state());
    }

    @Test
    void synAckThenResetWithoutSynIsRSTRH() {
        w.server(SYN | ACK, 5000, 1001, "");
        w.server(RST | ACK, 5001, 1001, "");
        TcpConnection c = rec.conn(1).conn;
        assertEquals(ConnState.RSTRH, c.state());
        assertEquals("^hr", c.history());
    }

    @Test
    void synAckThenFinWithoutSynIsSHR() {
        w.server(SYN | ACK, 5000, 1001, "");
        w.server(FIN | ACK, 5001, 1001, "");
        assertEquals(ConnState.SHR, ended().state());
    }

    @Test
    void closeByOriginatorOnlyIsS2AndByResponderOnlyIsS3() {
        w.handshake(1000, 5000);
        w.clientFin();
        assertEquals(ConnState.S2, ended().state());

        RecordingListener rec2 = new RecordingListener();
        TcpReassembler r2 = new TcpReassembler(rec2, ReassemblyLimits.DEFAULT, p -> p == 143);
        Wire w2 = Wire.imap(r2);
        w2.handshake(1000, 5000);
        w2.serverFin();
        r2.finish();
        assertEquals(ConnState.S3, rec2.conn(1).conn.state());
    }

    @Test
    void midstreamTrafficIsOTH() {
        w.client(ACK | PSH, 1001, 5001, "a1 NOOP\r\n");
        w.server(ACK | PSH, 5001, 1010, "a1 OK\r\n");
        TcpConnection c = ended();
        assertEquals(ConnState.OTH, c.state());
        assertEquals("Dd", c.history());
    }

    @Test
    void synWithFinIsRecordedAsQ() {
        w.client(SYN | FIN, 1000, 0, "");
        assertEquals("Q", rec.conn(1).conn.history());
    }

    @Test
    void finWithRstIsRecordedAsI() {
        w.handshake(1000, 5000);
        w.client(FIN | RST | ACK, 1001, 5001, "");
        assertTrue(rec.conn(1).conn.history().endsWith("I"), rec.conn(1).conn.history());
    }

    @Test
    void retransmissionLetterRepeatsAtTheTenthAndHundredth() {
        w.handshake(1000, 5000);
        w.clientSends("x");
        for (int i = 0; i < 100; i++) {
            w.client(ACK | PSH, 1001, 5001, "x");
        }
        assertEquals("ShADTTT", rec.conn(1).conn.history());
    }
}
