package io.mailscope.explain;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.tcp.TcpConnection;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Finds what can be said about sessions while they are still open (live capture), and says it once.
 *
 * <p>Two kinds: findings that what has been seen already proves (a refused LOGIN, a TLS alert, plaintext on
 * port 993), taken from {@link Diagnoser#diagnoseOpen}; and silences, which only a clock can reveal: a client
 * connected to an implicit TLS port with nothing sent for N seconds, a server that has not greeted, a STARTTLS
 * with no handshake after it, a SYN with no answer. Called periodically with the current time.
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
        /** The server's OK to STARTTLS, while the client has sent neither TLS nor plaintext after it. */
        ImapEvent.StartTlsAccepted starttlsPending;
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

    /** Looks at every open session as of {@code nowNanos} (epoch nanoseconds, the clock of live packets). */
    public void tick(Iterable<Session> open, long nowNanos) {
        Set<Session> alive = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Session s : open) {
            alive.add(s);
            Seen state = seen.computeIfAbsent(s, k -> new Seen());
            if (s.eventCount() != state.eventCount) {
                progress(s, state);
                state.eventCount = s.eventCount();
                for (Finding f : diagnoser.diagnoseOpen(s).findings()) {
                    report(s, state, f);
                }
            }
            waits(s, state, nowNanos);
        }
        seen.keySet().retainAll(alive);
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
            if (e instanceof ImapEvent.StartTlsAccepted a) {
                state.starttlsPending = a;
            } else if (e.at().fromClient() && (e instanceof SessionEvent.TlsHandoff || e instanceof SessionEvent.PlaintextAfterStartTls)) {
                state.starttlsPending = null;
            }
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

    private void waits(Session s, Seen state, long now) {
        TcpConnection c = s.connection();
        long quiet = now - s.lastActivityNanos();
        if (quiet < stallNanos) {
            return;
        }
        String waited = Evidence.duration(quiet);
        boolean established = c.synAckFrame() > 0 || c.midstream();
        if (!established && c.synFrame() > 0) {
            report(s, state, new Finding("no-answer", Severity.ERROR, "The server has not answered the connection attempt.",
                    "The client's SYN to " + c.server() + " (frame " + c.synFrame() + ") has had no answer for " + waited
                            + ": a firewall drops it, the host is down, or the address is wrong.",
                    "Check the address, the port and any firewall on the way.", List.of(c.synFrame())));
            return;
        }
        if (!established) {
            return;
        }
        boolean nobodySpoke = c.clientBytes() == 0 && c.serverBytes() == 0;
        if (nobodySpoke && s.role() == PortRole.IMAPS) {
            report(s, state, new Finding("implicit-tls-mutual-wait", Severity.ERROR,
                    "Both sides are waiting: the server for a TLS ClientHello, the client for a greeting.",
                    "The client connected to " + c.server() + " (SYN-ACK in frame " + c.synAckFrame() + ") and neither side has sent a byte for "
                            + waited + ". Port " + c.server().port() + " is implicit TLS: the server stays silent until the client's TLS ClientHello,"
                            + " while a plaintext client such as telnet or nc waits for an IMAP greeting. That is the blank screen.",
                    "Use a TLS client: `openssl s_client -connect " + c.server() + " -crlf`, or connect to port 143 and send STARTTLS.",
                    List.of(c.synAckFrame())));
            return;
        }
        if (c.serverBytes() == 0 && s.role() == PortRole.IMAP) {
            report(s, state, new Finding("no-greeting", Severity.ERROR, "The server has accepted the connection but not greeted.",
                    "The IMAP server on " + c.server() + " accepted the connection (frame " + c.synAckFrame() + ") and has sent nothing for "
                            + waited + "; an IMAP server speaks first.",
                    "Check the server process and its logs, and that this port really is plaintext IMAP.", List.of(c.synAckFrame())));
            return;
        }
        // Kept up to date as events arrive (progress), so a quiet session costs no scan of its events per tick.
        ImapEvent.StartTlsAccepted accepted = state.starttlsPending;
        if (accepted != null) {
            report(s, state, new Finding("starttls-mutual-wait", Severity.ERROR, "STARTTLS was accepted, and nobody has sent anything since.",
                    "The server answered \"" + accepted.tag() + " OK " + accepted.text() + "\" (frame " + accepted.at().frame()
                            + ") and waits for the client's TLS ClientHello; nothing has crossed for " + waited
                            + ". A client that cannot do TLS (telnet, nc) waits for more text that will never come.",
                    "Use a client that performs the TLS handshake after STARTTLS: `openssl s_client -starttls imap -connect " + c.server() + "`.",
                    List.of(accepted.at().frame())));
        }
    }
}
