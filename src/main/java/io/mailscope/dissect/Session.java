package io.mailscope.dissect;

import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.tcp.TcpConnection;

import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.RandomAccess;

/**
 * Everything dissected about one TCP connection: its events in order, bounded in memory.
 *
 * <p>A long mailbox sync can carry millions of IMAP lines. The session keeps the first {@link #HEAD} events,
 * then only the ones a diagnosis rests on (TLS, handoffs, problems, BYE, refusals) up to {@link #KEY} more,
 * and always the last {@link #TAIL}; the rest are counted in {@link #omittedEvents()}.
 */
public final class Session implements EventSink {
    static final int HEAD = 2000;
    static final int KEY = 2000;
    static final int TAIL = 200;

    private record Entry(long seq, Event event) {}

    private final TcpConnection connection;
    private final PortRole role;
    /** The role of the port a proxy connected the client to, once it did; it then replaces the proxy port's. */
    private PortRole proxiedRole;
    /**
     * Small at first and the other two made only when the head is full: most sessions of a scan or a flood keep
     * one to a dozen events, and empty lists cost 160 bytes per open connection.
     */
    private final List<Entry> head = new ArrayList<>(4);
    private List<Entry> key = List.of();
    private ArrayDeque<Entry> tail;
    private long seq;
    private long omitted;
    private long captureStartNanos;
    private long lastActivityNanos;

    private final EventTally tally;
    /** {@link #events()} as last built, until the next event: the facts, timeline and reports each ask for it. */
    private List<Event> sorted;
    private boolean released;
    private long retainedBytes;

    public Session(TcpConnection connection, PortRole role) {
        this(connection, role, new EventTally());
    }

    /** @param tally counts this session's kept events (with those of the other open sessions) until it is released */
    public Session(TcpConnection connection, PortRole role, EventTally tally) {
        this.connection = connection;
        this.role = role;
        this.tally = tally;
    }

    public TcpConnection connection() {
        return connection;
    }

    /** The role of the server's port, or, behind a proxy that connected the client, of the target's port. */
    public PortRole role() {
        return proxiedRole != null ? proxiedRole : role;
    }

    /** A proxy connected the client to a port of this role: the stream that follows is judged by it. */
    public void proxiedTo(PortRole targetRole) {
        this.proxiedRole = targetRole;
    }

    /** Timestamp of the first packet of the capture run: times are shown relative to it. */
    public long captureStartNanos() {
        return captureStartNanos;
    }

    public void captureStartNanos(long nanos) {
        this.captureStartNanos = nanos;
    }

    /** When a payload byte, SYN, FIN or RST last crossed, either way (kept by the session tracker). */
    public long lastActivityNanos() {
        return lastActivityNanos;
    }

    public void lastActivityNanos(long nanos) {
        this.lastActivityNanos = nanos;
    }

    /** Seconds since the start of the capture. */
    public double relative(long timeNanos) {
        return (timeNanos - captureStartNanos) / 1e9;
    }

    /**
     * While all open sessions together keep more than their budget ({@link EventTally#overBudget()}), a session
     * keeps at most this many events in its head and this many in each of key and tail (or what it already has):
     * it stops growing, its latest events still replace older ones in the tail, and the rest are omitted.
     */
    static final int OVER_BUDGET_HEAD = 64;
    static final int OVER_BUDGET_OTHER = 16;

    public void add(Event event) {
        sorted = null;
        Entry entry = new Entry(seq++, event);
        boolean tight = !released && tally.overBudget();
        if (head.size() < (tight ? OVER_BUDGET_HEAD : HEAD)) {
            head.add(entry);
            counted(1);
            return;
        }
        if (isKey(event) && key.size() < (tight ? OVER_BUDGET_OTHER : KEY)) {
            if (key.isEmpty()) {
                key = new ArrayList<>();
            }
            key.add(entry);
            counted(1);
        } else {
            if (tail == null) {
                tail = new ArrayDeque<>();
            }
            tail.addLast(entry);
            if (tail.size() > (tight ? Math.max(OVER_BUDGET_OTHER, tail.size() - 1) : TAIL)) {
                tail.removeFirst();
                omitted++;
            } else {
                counted(1);
            }
        }
    }

    @Override
    public void emit(Event event) {
        add(event);
    }

    @Override
    public void retained(long bytes) {
        retainedBytes += bytes;
        if (!released) {
            tally.addBytes(bytes);
        }
    }

    private void counted(int n) {
        if (!released) {
            tally.add(n);
        }
    }

    /** Events kept now (at most HEAD + KEY + TAIL). */
    public int keptEvents() {
        return head.size() + key.size() + (tail == null ? 0 : tail.size());
    }

    /** The connection has ended: its events stay readable but no longer count in the tally, nor its buffers. */
    public void released() {
        if (!released) {
            tally.add(-keptEvents());
            tally.addBytes(-retainedBytes);
            released = true;
        }
    }

    /** By family and record class, not {@code instanceof} the protocols' interfaces ({@link Event#family()} says why). */
    private static boolean isKey(Event e) {
        return switch (e.family()) {
            case IMAP -> e instanceof ImapEvent.Response r
                    ? "BYE".equals(r.status()) || (r.kind() == ImapEvent.Response.Kind.TAGGED && !"OK".equals(r.status()))
                    : !(e instanceof ImapEvent.Command || e instanceof ImapEvent.Literal || e instanceof ImapEvent.Capabilities
                            || e instanceof ImapEvent.AuthenticateData || e instanceof ImapEvent.Done);
            case POP3, SMTP -> e instanceof MailEvent.Reply r ? r.greeting() || r.refusal()
                    : !(e instanceof MailEvent.Command || e instanceof MailEvent.Capabilities || e instanceof MailEvent.Routine);
            case SESSION, TLS, PROXY -> true;
        };
    }

    /** The kept events in the order they happened (by frame); unmodifiable, built once per change. */
    public List<Event> events() {
        if (sorted == null) {
            sorted = sortedEvents();
        }
        return sorted;
    }

    private List<Event> sortedEvents() {
        List<Entry> all = new ArrayList<>(keptEvents());
        all.addAll(head);
        all.addAll(key);
        if (tail != null) {
            all.addAll(tail);
        }
        // By frame, then as emitted: an event dated back to where its evidence began (a line typed one keystroke at a
        // time is placed at its first keystroke) takes its place among what the other side said meanwhile.
        if (!inOrder(all)) {
            all.sort(Session::byFrameThenSeq);
        }
        Event[] out = new Event[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i).event();
        }
        return new Kept(out);
    }

    private static int byFrameThenSeq(Entry a, Entry b) {
        long fa = a.event().at().frame();
        long fb = b.event().at().frame();
        return fa != fb ? Long.compare(fa, fb) : Long.compare(a.seq(), b.seq());
    }

    /**
     * True when the entries are already in {@link #byFrameThenSeq} order, as they usually are (events come in frame
     * order): the sort, whose order is total, would leave them as they are, so it is skipped. Each event's frame
     * is read once.
     */
    private static boolean inOrder(List<Entry> all) {
        long frame = Long.MIN_VALUE;
        long seq = Long.MIN_VALUE;
        for (Entry e : all) {
            long f = e.event().at().frame();
            if (f < frame || (f == frame && e.seq() < seq)) {
                return false;
            }
            frame = f;
            seq = e.seq();
        }
        return true;
    }

    /**
     * The kept events as {@link #events()} hands them out: unmodifiable, read straight from an array. Not
     * {@code Collections.unmodifiableList}: its iterator passes each hasNext and next on to the wrapped list's
     * iterator by an interface call that every such list of the program shares, which C1 (the launcher's only
     * compiler) dispatches through its itable stub: 2% of a run over 200,000 short sessions, whose facts, rules,
     * timeline and report each walk the events (docs/performance.md, "Sixth round").
     */
    private static final class Kept extends AbstractList<Event> implements RandomAccess {
        private final Event[] events;

        Kept(Event[] events) {
            this.events = events;
        }

        @Override
        public Event get(int index) {
            return events[index];
        }

        @Override
        public int size() {
            return events.length;
        }

        @Override
        public Iterator<Event> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < events.length;
                }

                @Override
                public Event next() {
                    if (next >= events.length) {
                        throw new NoSuchElementException();
                    }
                    return events[next++];
                }
            };
        }
    }

    /** Events seen but not kept (see class comment). */
    public long omittedEvents() {
        return omitted;
    }

    public long eventCount() {
        return seq;
    }
}
