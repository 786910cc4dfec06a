package io.mailscope.dissect;

import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TestConnections;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Session.events(): the kept events by frame, then as emitted; unmodifiable; built once per change. */
class SessionEventsTest {
    private static SessionEvent.Tcp tcp(long frame, String what) {
        return new SessionEvent.Tcp(new At(Direction.CLIENT_TO_SERVER, frame, frame * 1000), what);
    }

    @Test
    void eventsComeByFrameThenAsEmitted() {
        Session s = new Session(TestConnections.imap(143), PortRole.IMAP);
        var syn = tcp(1, "SYN");
        var late = tcp(5, "FIN");
        var datedBack = tcp(3, "dated back");
        var sameFrameFirst = tcp(3, "same frame, emitted later");
        s.add(syn);
        s.add(late);
        s.add(datedBack);
        s.add(sameFrameFirst);
        assertEquals(List.of(syn, datedBack, sameFrameFirst, late), s.events());
        assertEquals(List.of(syn, datedBack, sameFrameFirst, late), new ArrayList<>(s.events()));
    }

    @Test
    void eventsInOrderAreKeptAsTheyCame() {
        Session s = new Session(TestConnections.imap(143), PortRole.IMAP);
        var a = tcp(1, "SYN");
        var b = tcp(1, "second on frame 1");
        var c = tcp(2, "FIN");
        s.add(a);
        s.add(b);
        s.add(c);
        assertEquals(List.of(a, b, c), s.events());
    }

    @Test
    void theListIsUnmodifiableAndBuiltOncePerChange() {
        Session s = new Session(TestConnections.imap(143), PortRole.IMAP);
        s.add(tcp(1, "SYN"));
        List<Event> events = s.events();
        assertSame(events, s.events());
        assertThrows(UnsupportedOperationException.class, () -> events.add(tcp(2, "FIN")));
        assertThrows(UnsupportedOperationException.class, () -> events.set(0, tcp(2, "FIN")));
        assertThrows(UnsupportedOperationException.class, () -> events.remove(0));
        Iterator<Event> it = events.iterator();
        it.next();
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        assertThrows(UnsupportedOperationException.class, it::remove);
        s.add(tcp(2, "FIN"));
        assertEquals(2, s.events().size());
        assertEquals(1, events.size(), "a list handed out stays as it was");
    }
}
