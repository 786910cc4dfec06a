package io.mailscope.dissect;

import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TestConnections;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
