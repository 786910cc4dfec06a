package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Diagnoser;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.explain.Transport;
import io.mailscope.capture.TcpSegment;
import io.mailscope.dissect.At;
import io.mailscope.dissect.EventTally;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionAnalyzer;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.tcp.ConnectionListener;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.StreamConsumer;
import io.mailscope.tcp.TcpConnection;

import java.util.function.Consumer;

/**
 * Glue between TCP reassembly and explanation: gives each connection a {@link Session} and a
 * {@link SessionAnalyzer}, records TCP milestones and silences, and when the connection ends diagnoses it and
 * hands it on. State lives only while the connection is open.
 */
public final class SessionTracker implements ConnectionListener {

    /** Per open connection. */
    private static final class Tracked {
        final Session session;
        final SessionAnalyzer analyzer;
        long lastActivityFrame;
        Direction lastActivityDirection = Direction.CLIENT_TO_SERVER;
        boolean sawSyn;
        boolean sawSynAck;
        boolean sawClientFin;
        boolean sawServerFin;
        /** Neighbours in the list of open sessions, in order of opening. */
        Tracked prev;
        Tracked next;

        Tracked(Session session, SessionAnalyzer analyzer) {
            this.session = session;
            this.analyzer = analyzer;
        }
    }

    private final PortRoles roles;
    /** {@code roles::role}, made once rather than per connection. */
    private final java.util.function.IntFunction<io.mailscope.dissect.PortRole> roleOfPort;
    private final boolean redact;
    private final long silenceNanos;
    private final Diagnoser diagnoser = new Diagnoser();
    private final Consumer<AnalyzedSession> out;
    /**
     * The open sessions in order of opening, linked through their {@link Tracked} (each connection holds its own as
     * its attachment): a map keyed by connection cost a hash entry and an identity hash per connection.
     */
    private Tracked first;
    private Tracked last;
    private Consumer<Session> onOpen = s -> { };
    private Consumer<Object> onOpenCompact = k -> { };
    private final EventTally tally;
    private long captureStartNanos = Long.MIN_VALUE;
    private final io.mailscope.dissect.tls.decrypt.KeyLog keys;

    /**
     * @param silenceNanos a pause longer than this with no payload either way becomes a silence in the timeline
     */
    public SessionTracker(PortRoles roles, boolean redactCredentials, long silenceNanos, Consumer<AnalyzedSession> out) {
        this(roles, redactCredentials, silenceNanos, out, new EventTally());
    }

    /** @param tally counts what the open sessions keep, against its budget */
    public SessionTracker(PortRoles roles, boolean redactCredentials, long silenceNanos, Consumer<AnalyzedSession> out,
                          EventTally tally) {
        this(roles, redactCredentials, silenceNanos, out, tally, new io.mailscope.dissect.tls.decrypt.KeyLog());
    }

    /**
     * @param keys the run's TLS secrets; the parallel pipeline's workers share one (it is thread-safe: lookups go
     *             to a concurrent map, reading and parsing are synchronized)
     */
    public SessionTracker(PortRoles roles, boolean redactCredentials, long silenceNanos, Consumer<AnalyzedSession> out,
                          EventTally tally, io.mailscope.dissect.tls.decrypt.KeyLog keys) {
        this.keys = keys;
        this.tally = tally;
        this.roles = roles;
        this.roleOfPort = roles::role;
        this.redact = redactCredentials;
        this.silenceNanos = silenceNanos;
        this.out = out;
    }

    private boolean newFile;
    private Runnable beforeBaseMoves = () -> { };

    /**
     * Run just before the base of session times moves (a later file that starts earlier): sessions opened so far
     * keep the old base, so connections kept as compact records must be made whole first
     * ({@link io.mailscope.tcp.TcpReassembler#makeCompactWhole()}).
     */
    public void beforeBaseMoves(Runnable r) {
        this.beforeBaseMoves = r;
    }

    /** Times are shown relative to this: the first packet of the run, or of a later file that starts earlier. */
    public void captureStart(long nanos) {
        if (captureStartNanos == Long.MIN_VALUE || (newFile && nanos < captureStartNanos)) {
            if (captureStartNanos != Long.MIN_VALUE) {
                beforeBaseMoves.run();
            }
            captureStartNanos = nanos;
        }
        newFile = false;
    }

    /**
     * A new input file begins. Files given out of chronological order (unrelated captures) would otherwise show
     * negative times: a file that starts before the current base becomes the base for the sessions it opens.
     */
    public void fileStarts() {
        newFile = true;
    }

    /**
     * A connection kept as a compact SYN-only record: no session yet, but the SYN it would keep is counted, and the
     * opening is told under its token ({@link #onOpenCompact}).
     */
    @Override
    public void openedCompact(Object token) {
        tally.addCompact(1);
        onOpenCompact.accept(token);
    }

    @Override
    public StreamConsumer opened(TcpConnection connection) {
        boolean madeWhole = connection.wasCompact();
        if (madeWhole) {
            tally.addCompact(-1); // its session now keeps the SYN itself (replayed next)
        }
        if (!madeWhole) {
            captureStart(connection.startNanos()); // (a compact record's was when its SYN came)
        }
        Session session = new Session(connection, roles.role(connection.server().port()), tally);
        session.captureStartNanos(captureStartNanos);
        Tracked t = new Tracked(session, new SessionAnalyzer(session, redact, roleOfPort, keys));
        t.session.lastActivityNanos(connection.startNanos());
        t.lastActivityFrame = connection.firstFrame();
        t.prev = last;
        if (last != null) {
            last.next = t;
        } else {
            first = t;
        }
        last = t;
        connection.attach(t);
        if (!madeWhole) {
            onOpen.accept(session);
        }
        return t.analyzer;
    }

    @Override
    public void segment(TcpConnection connection, Direction direction, TcpSegment seg) {
        if (!(connection.attachment() instanceof Tracked t)) {
            return;
        }
        int flags = seg.flags;
        boolean payload = seg.wireLength > 0;
        if (!payload && (flags & (TcpSegment.SYN | TcpSegment.FIN | TcpSegment.RST)) == 0) {
            return; // a pure ACK: nothing to record, nothing to allocate
        }
        // an event's position, made only when an event is recorded (not for every data segment)
        At at = null;
        if ((flags & TcpSegment.SYN) != 0) {
            at = new At(direction, seg.frame, seg.timeNanos);
            boolean ack = (flags & TcpSegment.ACK) != 0;
            if (ack && !t.sawSynAck) {
                t.sawSynAck = true;
                t.session.add(new SessionEvent.Tcp(at, "SYN-ACK"));
            } else if (!ack && !t.sawSyn) {
                t.sawSyn = true;
                t.session.add(new SessionEvent.Tcp(at, "SYN"));
            }
        }
        if (payload) {
            long pause = seg.timeNanos - t.session.lastActivityNanos();
            if (pause > silenceNanos) {
                t.session.add(new SessionEvent.Silence(
                        new At(t.lastActivityDirection, t.lastActivityFrame, t.session.lastActivityNanos()), pause, false));
            }
        }
        boolean fromClient = direction == Direction.CLIENT_TO_SERVER;
        if ((flags & TcpSegment.FIN) != 0 && !(fromClient ? t.sawClientFin : t.sawServerFin)) {
            silenceBefore(t, seg.timeNanos);
            if (fromClient) {
                t.sawClientFin = true;
            } else {
                t.sawServerFin = true;
            }
            at = at != null ? at : new At(direction, seg.frame, seg.timeNanos);
            t.session.add(new SessionEvent.Tcp(at, "FIN"));
        }
        if ((flags & TcpSegment.RST) != 0) {
            silenceBefore(t, seg.timeNanos);
            at = at != null ? at : new At(direction, seg.frame, seg.timeNanos);
            t.session.add(new SessionEvent.Tcp(at, "RST"));
        }
        if (payload || (flags & (TcpSegment.SYN | TcpSegment.FIN | TcpSegment.RST)) != 0) {
            t.session.lastActivityNanos(seg.timeNanos);
            t.lastActivityFrame = seg.frame;
            t.lastActivityDirection = direction;
        }
        if (seg.truncated() && payload) {
            at = at != null ? at : new At(direction, seg.frame, seg.timeNanos);
            t.session.add(new SessionEvent.Truncated(at, seg.wireLength - seg.capturedLength));
        }
    }

    private void silenceBefore(Tracked t, long nowNanos) {
        long pause = nowNanos - t.session.lastActivityNanos();
        if (pause > silenceNanos) {
            t.session.add(new SessionEvent.Silence(
                    new At(t.lastActivityDirection, t.lastActivityFrame, t.session.lastActivityNanos()), pause, false));
            t.session.lastActivityNanos(nowNanos);
        }
    }

    @Override
    public void closed(TcpConnection connection) {
        if (connection.synOnly()) {
            closedSynOnly(connection);
            return;
        }
        if (!(connection.attachment() instanceof Tracked t)) {
            return;
        }
        connection.attach(null);
        unlink(t);
        t.session.released();
        if (connection.endReason() == TcpConnection.EndReason.CAPTURE_END || connection.endReason() == TcpConnection.EndReason.IDLE
                || connection.endReason() == TcpConnection.EndReason.PORT_REUSED) {
            long pause = connection.endNanos() - t.session.lastActivityNanos();
            if (pause > silenceNanos) {
                t.session.add(new SessionEvent.Silence(
                        new At(t.lastActivityDirection, t.lastActivityFrame, t.session.lastActivityNanos()), pause, true));
            }
        }
        Diagnosis d;
        try {
            d = diagnoser.diagnose(t.session);
        } catch (RuntimeException e) {
            d = new Diagnosis(Diagnoser.firstSpeaker(connection), null, Transport.UNKNOWN, "?",
                    t.session.role().protocol() != null ? t.session.role().protocol() : "other", Outcome.INCOMPLETE,
                    java.util.List.of(new Finding(CommonCode.INTERNAL_ERROR, Severity.WARNING,
                            "mailscope could not diagnose this session.", e.toString(),
                            "Please report this with the capture.", java.util.List.of())));
        }
        out.accept(new AnalyzedSession(t.session, d));
    }

    /**
     * A connection reported straight from its compact record (only SYNs, no answer): its session is what the whole
     * path would have kept (the first SYN, its last activity), made released (it no longer counts against the
     * budget, nor does its record), and diagnosed by {@link Diagnoser#diagnoseUnanswered}. No closing silence: the
     * connection's last packet is its last SYN, so there is none to add.
     */
    private void closedSynOnly(TcpConnection c) {
        tally.addCompact(-1);
        Session session = new Session(c, roles.role(c.server().port()), tally);
        session.captureStartNanos(captureStartNanos);
        session.released();
        session.add(new SessionEvent.Tcp(new At(Direction.CLIENT_TO_SERVER, c.synFrame(), c.synNanos()), "SYN"));
        session.lastActivityNanos(c.lastActivityNanos());
        out.accept(new AnalyzedSession(session, diagnoser.diagnoseUnanswered(session)));
    }

    private void unlink(Tracked t) {
        if (t.prev != null) {
            t.prev.next = t.next;
        } else {
            first = t.next;
        }
        if (t.next != null) {
            t.next.prev = t.prev;
        } else {
            last = t.prev;
        }
        t.prev = null;
        t.next = null;
    }

    /** The TLS secrets sessions are decrypted with: empty (and unused) until a key log is added. */
    public io.mailscope.dissect.tls.decrypt.KeyLog keyLog() {
        return keys;
    }

    /** Events kept by all open sessions together. */
    public long keptEvents() {
        return tally.kept();
    }

    /** Bytes the dissectors of all open sessions hold in lines and handshake messages in progress. */
    public long retainedBytes() {
        return tally.retainedBytes();
    }

    /** Events kept plus retained bytes counted as events ({@link EventTally#load()}). */
    public long load() {
        return tally.load();
    }

    /**
     * Told about each new session as its connection opens (live reports); a connection kept as a compact SYN-only
     * record ({@link io.mailscope.tcp.TcpReassembler#compactSynOnly}) has no session to show until it is made whole,
     * and is not told then either: {@link #onOpenCompact} is told when it opens.
     */
    public void onOpen(Consumer<Session> listener) {
        this.onOpen = listener;
    }

    /**
     * Told about each connection kept as a compact SYN-only record as it opens, by its token
     * ({@link TcpConnection#openKey()} of the connection it becomes): with {@link #onOpen}, every connection in the
     * order it opened. The parallel pipeline numbers connections in that order.
     */
    public void onOpenCompact(Consumer<Object> listener) {
        this.onOpenCompact = listener;
    }

    /** Sessions still open (for live silence checks), in order of opening. */
    public Iterable<Session> openSessions() {
        java.util.List<Session> list = new java.util.ArrayList<>();
        for (Tracked t = first; t != null; t = t.next) {
            list.add(t.session);
        }
        return list;
    }
}
