package io.mailscope.dissect;

import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TestConnections;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tally counts exactly the events open sessions keep, and forgets a session when it is released. */
class EventTallyTest {
    static Session session(EventTally tally, int id) {
        return new Session(TestConnections.imap(143 + id), PortRole.IMAP, tally);
    }

    @Test
    void countsKeptEventsOfEveryOpenSessionAndForgetsReleasedOnes() {
        EventTally tally = new EventTally();
        Session a = session(tally, 1);
        Session b = session(tally, 2);
        At at = new At(Direction.CLIENT_TO_SERVER, 1, 1);
        for (int i = 0; i < Session.HEAD + Session.TAIL + 500; i++) {
            a.add(new SessionEvent.Tcp(at, "FIN")); // key events: HEAD, then KEY more
        }
        for (int i = 0; i < 10; i++) {
            b.add(new SessionEvent.Tcp(at, "SYN"));
        }
        assertEquals(a.keptEvents() + b.keptEvents(), tally.kept());
        assertEquals(a.events().size(), a.keptEvents());
        a.released();
        a.released();
        assertEquals(10, tally.kept());
        a.add(new SessionEvent.Tcp(at, "RST"));
        assertEquals(10, tally.kept(), "a released session no longer counts");
    }

    @Test
    void aLineInProgressCountsItsBufferUntilTheSessionIsReleased() {
        EventTally tally = new EventTally();
        Session s = session(tally, 1);
        SessionAnalyzer a = new SessionAnalyzer(s, true);
        byte[] greeting = "* OK ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        a.onData(Direction.SERVER_TO_CLIENT, greeting, 0, greeting.length, 4, 4);
        byte[] line = new byte[6000];
        java.util.Arrays.fill(line, (byte) 'x');
        a.onData(Direction.SERVER_TO_CLIENT, line, 0, line.length, 5, 5);
        assertEquals(8192 - 128, tally.retainedBytes(), "the line buffer grew from 128 to 8192 bytes");
        s.released();
        assertEquals(0, tally.retainedBytes());
    }

    @Test
    void aHandshakeMessageInProgressCountsItsBufferUntilItIsComplete() {
        EventTally tally = new EventTally();
        Session s = new Session(TestConnections.imap(993), PortRole.IMAPS, tally);
        SessionAnalyzer a = new SessionAnalyzer(s, true);
        int length = 20_000;
        byte[] start = {22, 3, 1, 0x40, 0, 1, 0, (byte) (length >> 8), (byte) length};
        a.onData(Direction.CLIENT_TO_SERVER, start, 0, start.length, 4, 4);
        byte[] body = new byte[0x4000 - 4];
        a.onData(Direction.CLIENT_TO_SERVER, body, 0, body.length, 5, 5);
        assertTrue(tally.retainedBytes() >= 0x4000 - 4, "buffered: " + tally.retainedBytes());
        byte[] rest = new byte[5 + length - body.length];
        rest[0] = 22;
        rest[1] = 3;
        rest[2] = 1;
        rest[3] = (byte) ((length - body.length) >> 8);
        rest[4] = (byte) (length - body.length);
        a.onData(Direction.CLIENT_TO_SERVER, rest, 0, rest.length, 6, 6);
        assertEquals(0, tally.retainedBytes(), "the message is complete: its buffer is freed");
    }

    @Test
    void overTheBudgetASessionStopsGrowingButKeepsItsLatestEvents() {
        EventTally tally = new EventTally(10);
        Session s = session(tally, 1);
        for (int i = 0; i < 5000; i++) {
            s.add(new io.mailscope.dissect.imap.ImapEvent.Done(new At(Direction.CLIENT_TO_SERVER, i, i)));
        }
        assertEquals(Session.OVER_BUDGET_HEAD + Session.OVER_BUDGET_OTHER, s.keptEvents());
        assertEquals(5000 - s.keptEvents(), s.omittedEvents());
        assertEquals(s.keptEvents(), tally.kept());
        java.util.List<Event> kept = s.events();
        assertEquals(4999, kept.get(kept.size() - 1).at().frame(), "the last event is kept");
        s.released();
        assertEquals(0, tally.kept());
    }

    @Test
    void aFullTailStaysCountedOnce() {
        EventTally tally = new EventTally();
        Session s = session(tally, 1);
        At at = new At(Direction.CLIENT_TO_SERVER, 1, 1);
        for (int i = 0; i < Session.HEAD + Session.TAIL * 5; i++) {
            s.add(new io.mailscope.dissect.imap.ImapEvent.Done(at)); // not key: goes to the tail after the head
        }
        assertEquals(Session.HEAD + Session.TAIL, tally.kept());
        assertEquals(Session.TAIL * 4, s.omittedEvents());
    }
}
