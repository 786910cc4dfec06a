package io.mailscope.tcp;

import static io.mailscope.tcp.Wire.ACK;
import static io.mailscope.tcp.Wire.PSH;
import static io.mailscope.tcp.Wire.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Handshakes real networks produce besides the textbook one: a SYN-ACK retransmitted with another initial sequence
 * number (the one the client acknowledges wins), data in the SYN and the SYN-ACK (TCP Fast Open), and a capture that
 * begins mid-connection with its first segments out of order.
 */
class OddHandshakeTest {
    private final RecordingListener rec = new RecordingListener();
    private final TcpReassembler r = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> p == 993);
    private final Wire w = Wire.imap(r);

    @Test
    void synAckRepeatedWithAnotherIsnTheAcknowledgedOneWins() {
        w.client(SYN, 1000, 0, "");
        w.server(SYN | ACK, 7_000_000, 1001, "");
        w.server(SYN | ACK, 3_000_000_000L, 1001, ""); // the server restarted its side of the handshake
        w.client(ACK, 1001, 3_000_000_001L, "");
        w.server(ACK | PSH, 3_000_000_001L, 1001, "* OK ready\r\n");
        w.client(ACK | PSH, 1001, 3_000_000_013L, "a1 LOGOUT\r\n");
        w.server(ACK | PSH, 3_000_000_013L, 1012, "* BYE\r\n");
        r.finish();
        RecordingListener.Streams s = rec.conn(1);
        assertEquals("* OK ready\r\n* BYE\r\n", s.toClient.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("a1 LOGOUT\r\n", s.toServer.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(0, s.conn.gapBytes());
    }

    @Test
    void synAckRepeatedWithAnotherIsnButTheFirstAcknowledgedKeepsTheFirst() {
        w.client(SYN, 1000, 0, "");
        w.server(SYN | ACK, 7_000_000, 1001, "");
        w.server(SYN | ACK, 9_000_000, 1001, "");
        w.client(ACK, 1001, 7_000_001, "");
        w.server(ACK | PSH, 7_000_001, 1001, "* OK ready\r\n");
        r.finish();
        assertEquals("* OK ready\r\n", rec.conn(1).toClient.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(0, rec.conn(1).conn.gapBytes());
    }

    @Test
    void dataInTheSynAndTheSynAckIsDelivered() {
        w.client(SYN, 1000, 0, "a1 CAPABILITY\r\n");      // TCP Fast Open: data in the SYN
        w.server(SYN | ACK, 5000, 1016, "* OK hi\r\n");   // and in the SYN-ACK
        w.client(ACK, 1016, 5010, "");
        r.finish();
        assertEquals("a1 CAPABILITY\r\n", rec.conn(1).toServer.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("* OK hi\r\n", rec.conn(1).toClient.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void midstreamFirstSegmentsOutOfOrderAreDeliveredInOrder() {
        // The capture begins mid-connection: the client's ACK says the server's next byte is 5001; the server's
        // second segment arrives before its first.
        w.client(ACK, 1001, 5001, "");
        w.server(ACK | PSH, 5007, 1001, "world\r\n");
        w.server(ACK | PSH, 5001, 1001, "hello ");
        w.client(ACK, 1001, 5014, "");
        r.finish();
        assertEquals("hello world\r\n", rec.conn(1).toClient.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(0, rec.conn(1).conn.gapBytes());
        assertTrue(rec.conn(1).conn.midstream());
    }

    @Test
    void midstreamBytesSentBeforeTheCaptureBeganAreNotAGap() {
        // The client's ACK is older than the first server segment captured (bytes 5001..5100 crossed before the
        // capture began, at a capture point in the middle of the path): nothing is missing from the capture.
        w.client(ACK, 1001, 5001, "");
        w.server(ACK | PSH, 5101, 1001, "* 3 EXISTS\r\n");
        w.client(ACK, 1001, 5113, "");
        r.finish();
        assertEquals("* 3 EXISTS\r\n", rec.conn(1).toClient.toString(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals(0, rec.conn(1).conn.gapBytes());
    }

    @Test
    void aHoleAfterTheFirstDeliveredByteIsStillAGap() {
        w.client(ACK, 1001, 5001, "");
        w.server(ACK | PSH, 5001, 1001, "* OK\r\n");
        w.server(ACK | PSH, 5106, 1001, "later\r\n");
        w.client(ACK, 1001, 5113, "");
        r.finish();
        assertEquals(99, rec.conn(1).conn.gapBytes()); // 5007..5105
    }
}
