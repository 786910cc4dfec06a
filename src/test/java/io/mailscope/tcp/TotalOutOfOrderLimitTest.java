package io.mailscope.tcp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mailscope.tcp.Wire.ACK;
import static io.mailscope.tcp.Wire.PSH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Out-of-order bytes are bounded for all connections together, not only per direction. */
class TotalOutOfOrderLimitTest {
    private final RecordingListener rec = new RecordingListener();

    @Test
    void overTheTotalTheDirectionReceivingOutOfOrderDataGivesItsHolesUp() {
        // 10 bytes per direction, 12 for all connections together
        TcpReassembler r = new TcpReassembler(rec, new ReassemblyLimits(10, ReassemblyLimits.DEFAULT.idleTimeoutNanos(), 100, 12),
                p -> p == 143);
        Wire a = Wire.imap(r);
        Wire b = a.other("10.0.0.3", 50001, "10.0.0.2", 143);
        a.handshake(1000, 5000);
        b.handshake(3000, 7000);
        a.client(ACK | PSH, 1006, 5001, "bbbbbbbb"); // 8 held: under both limits
        assertEquals(List.of(), rec.conn(1).events);
        b.client(ACK | PSH, 3006, 7001, "cccccc");   // 14 held together: b gives up its hole
        assertEquals(List.of("C gap 5 #8", "C data 6 #8"), rec.conn(2).events);
        assertEquals(List.of(), rec.conn(1).events, "a keeps waiting for its hole");
        a.client(ACK | PSH, 1001, 5001, "aaaaa");
        assertEquals("aaaaabbbbbbbb", rec.conn(1).clientText());
        assertEquals(14, r.stats().peakBufferedBytes());
    }

    @Test
    void theDefaultTotalIsAQuarterOfTheHeap() {
        assertEquals(16L << 20, ReassemblyLimits.defaultMaxTotalOutOfOrderBytes(64L << 20));
        assertEquals(4L << 20, ReassemblyLimits.defaultMaxTotalOutOfOrderBytes(1L << 20));
        assertTrue(ReassemblyLimits.DEFAULT.maxTotalOutOfOrderBytes() >= 4L << 20);
    }
}
