package io.mailscope.explain;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.imap.ImapEvent;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Finds what can be said about sessions while they are still open (live capture), and says it once.
 *
 * <p>The same rules as a finished session's diagnosis ({@link Diagnoser#diagnoseOpen}), run with the clock of
 * live packets: what has been seen already proves (a refused LOGIN, a TLS alert, plaintext on port 993) and
 * the silences only a clock reveals (nothing sent on an implicit TLS port for N seconds, a server that has not
 * greeted, a STARTTLS with no handshake after it, a SYN with no answer). A session is diagnosed again when it
 * has new events, and once more when it has been quiet for the stall time. Called periodically, on the thread that
 * analyzes the sessions it is given: with one thread under live's lock with the capture thread; with several, one
 * watch per worker over that worker's sessions, at the ticks that come through its batches.
 */
public final class LiveWatch {
    private final Diagnoser diagnoser = new Diagnoser();
    private final long stallNanos;
    private final BiConsumer<Session, Finding> out;
    private BiConsumer<Session, String> progress = (s, line) -> { };
    private final Map<Session, Seen> seen = new IdentityHashMap<>();

    /** What was already said about one open session. */
    private static final class Seen {
        final Set<String> codes = new HashSet<>();
        long eventCount = -1;
        long progressed;
        boolean firstSpeakerTold;
        /** The session was diagnosed after it had been quiet for the stall time (until its next event). */
        boolean quietDiagnosed;
    }

    /**
     * @param stallNanos how long nobody may speak before a wait becomes a finding
     * @param out        receives each finding once, the moment it is known
     */
    public LiveWatch(long stallNanos, BiConsumer<Session, Finding> out) {
        this.stallNanos = stallNanos;
        this.out = out;
    }

    /**
     * Also tell how each session unfolds: who spoke first and in what protocol, the greeting, STARTTLS, the TLS
     * version and cipher chosen, alerts, the server's refusals.
     */
    public void onProgress(BiConsumer<Session, String> listener) {
        this.progress = listener;
    }

    /**
     * At most this many sessions are diagnosed per tick. The live capture thread waits while a tick runs, and the
     * kernel's ring holds only some tens of milliseconds of a busy link: diagnosing every session with news at once
     * held it for up to 240 ms at 50,000 packets/s and libpcap dropped 90% (docs/performance.md, "Live"). The rest
     * wait for the next tick, which starts where this one stopped, so no session starves.
     */
    public static final int MAX_DIAGNOSES_PER_TICK = 256;

    private int cursor;

    /** Looks at the open sessions as of {@code nowNanos} (epoch nanoseconds, the clock of live packets). */
    public void tick(Iterable<Session> open, long nowNanos) {
        tick(open, nowNanos, MAX_DIAGNOSES_PER_TICK);
    }

    /** As {@link #tick(Iterable, long)}, diagnosing at most {@code maxDiagnoses} sessions. */
    public void tick(Iterable<Session> open, long nowNanos, int maxDiagnoses) {
        List<Session> sessions = new java.util.ArrayList<>();
        open.forEach(sessions::add);
        Set<Session> alive = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        alive.addAll(sessions);
        seen.keySet().retainAll(alive);
        int n = sessions.size();
        int start = n == 0 ? 0 : Math.floorMod(cursor, n);
        int diagnosed = 0;
        for (int k = 0; k < n && diagnosed < maxDiagnoses; k++) {
            int i = (start + k) % n;
            Session s = sessions.get(i);
            Seen state = seen.computeIfAbsent(s, key -> new Seen());
            boolean fresh = s.eventCount() != state.eventCount;
            boolean quiet = nowNanos - s.lastActivityNanos() >= stallNanos;
            if (!fresh && !(quiet && !state.quietDiagnosed)) {
                continue;
            }
            if (fresh) {
                progress(s, state);
                state.eventCount = s.eventCount();
            }
            state.quietDiagnosed = quiet;
            diagnosed++;
            cursor = i + 1;
            for (Finding f : diagnoser.diagnoseOpen(s, nowNanos, stallNanos).findings()) {
                report(s, state, f);
            }
        }
    }

    /** The codes already reported for a session (so the final report can tell what is new). */
    public Set<String> reported(Session s) {
        Seen state = seen.get(s);
        return state == null ? Set.of() : Set.copyOf(state.codes);
    }

    private void progress(Session s, Seen state) {
        List<Event> events = s.events();
        long fresh = s.eventCount() - state.progressed;
        state.progressed = s.eventCount();
        for (int i = (int) Math.max(0, events.size() - fresh); i < events.size(); i++) {
            Event e = events.get(i);
            String line = progressLine(e, state);
            if (line != null) {
                progress.accept(s, line);
            }
        }
    }

    /** The events worth a line while a session unfolds; the full ladder comes when it ends. */
    private static String progressLine(Event e, Seen state) {
        if (e instanceof SessionEvent.Detected d) {
            String who = e.at().direction().sender();
            if (!state.firstSpeakerTold) {
                state.firstSpeakerTold = true;
                return who + " spoke first (" + d.protocol() + ")";
            }
            return who + " speaks " + d.protocol();
        }
        if (e instanceof ImapEvent.Response r && (r.greeting() || (r.kind() == ImapEvent.Response.Kind.TAGGED && !"OK".equals(r.status()))
                || "BYE".equals(r.status()))) {
            return "server: " + r.display();
        }
        if (e instanceof ImapEvent.StartTlsAccepted || e instanceof SessionEvent.TlsHandoff
                || e instanceof SessionEvent.PlaintextAfterStartTls || e instanceof io.mailscope.dissect.tls.TlsEvent.ServerHelloSeen
                || e instanceof io.mailscope.dissect.tls.TlsEvent.Alert || e instanceof io.mailscope.dissect.tls.TlsEvent.ClientHelloSeen) {
            String text = Timeline.text(e);
            if (e instanceof ImapEvent.StartTlsAccepted a) {
                text = "STARTTLS accepted (" + a.tag() + " OK " + a.text() + ")";
            }
            return text == null ? null : e.at().direction().sender() + ": " + text;
        }
        return null;
    }

    private void report(Session s, Seen state, Finding f) {
        if (state.codes.add(f.code())) {
            out.accept(s, f);
        }
    }
}
