package io.mailscope.cli.connect;

import io.mailscope.capture.FrameSink;
import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.imap.ImapAnalyzer;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.pipeline.Analysis;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.explain.LiveWatch;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.ReassemblyLimits;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Explains a connection that {@code connect} makes with the code that explains captures: what crosses the socket
 * becomes packets ({@link SyntheticTcp}) for an {@link Analysis}; the IMAP inside TLS, which a capture cannot
 * show but the client can, is parsed by an {@link ImapAnalyzer} into the same session, as is what the TLS
 * handshake revealed after it went encrypted (TLS 1.3 certificates, alerts). {@link LiveWatch} says what is
 * known while the connection is open (and what a silence means), the {@code Diagnoser} the rest at the end.
 * Each finding code is told once.
 *
 * <p>What a silent server on an unusual port is cannot be known in advance: the port's role is a hypothesis
 * ({@link #reconsider}) and the connection so far is replayed under the new one. Replay needs the steps kept;
 * they are kept up to {@link #MAX_LOG_BYTES}, by which time the role has long been settled.
 */
final class Explainer implements FrameSink {
    static final long MAX_LOG_BYTES = 4L << 20;

    private sealed interface Step permits Packet, Inner, InnerStart, Injected {}

    private record Packet(long frame, long time, byte[] bytes) implements Step {}

    private record Inner(Direction direction, byte[] bytes, At at) implements Step {}

    private record InnerStart() implements Step {}

    private record Injected(Event event) implements Step {}

    private final InetSocketAddress server;
    private final boolean redact;
    private final long stallNanos;
    private final Consumer<Finding> out;
    private final SyntheticTcp tcp;
    private final List<Step> log = new ArrayList<>();
    private long logBytes;
    private boolean logging = true;
    private final Set<String> told = new HashSet<>();

    private PortRole role;
    private Analysis analysis;
    private LiveWatch watch;
    private ImapAnalyzer inner;
    private AnalyzedSession finished;
    private boolean replaying;

    /**
     * @param role       what the server's port is taken to speak (see {@link #reconsider})
     * @param stallNanos how long a silence lasts before it is a finding (--stall-after)
     * @param out        each finding, once per code, as soon as it is known
     */
    Explainer(InetSocketAddress client, InetSocketAddress server, PortRole role, boolean redactCredentials,
              long stallNanos, Consumer<Finding> out) {
        this.server = server;
        this.redact = redactCredentials;
        this.stallNanos = stallNanos;
        this.out = out;
        this.role = role;
        this.tcp = new SyntheticTcp(client, server, this);
        start();
    }

    private void start() {
        int port = server.getPort();
        // the role the connection is made in, for its port; any other mail role works the same way (--port-role)
        PortRoles roles = role == PortRole.OTHER ? PortRoles.defaults() : new PortRoles(java.util.Map.of(role, Set.of(port)));
        analysis = new Analysis(roles, ReassemblyLimits.DEFAULT, redact, 2_000_000_000L, s -> finished = s);
        watch = new LiveWatch(stallNanos, (s, f) -> tell(f));
        inner = null;
        finished = null;
    }

    PortRole role() {
        return role;
    }

    /** The connection's packets so far, as the {@link SyntheticTcp} writes them. */
    SyntheticTcp tcp() {
        return tcp;
    }

    @Override
    public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
        if (!replaying) {
            keep(new Packet(frameNumber, timeNanos, java.util.Arrays.copyOfRange(buf, offset, offset + capLen)), capLen);
        }
        analysis.frame(frameNumber, timeNanos, linkType, buf, offset, capLen, origLen);
        watch.tick(analysis.tracker().openSessions(), timeNanos);
    }

    /** From here on, the client's and server's bytes given to {@link #inner} are the IMAP inside TLS. */
    void innerStarts() {
        keep(new InnerStart(), 0);
        inner = new ImapAnalyzer(this::emit, redact);
    }

    /** Decrypted bytes, which crossed encrypted in {@code frame}. */
    void inner(Direction d, byte[] data, int off, int len, long frame, long timeNanos) {
        if (inner == null) {
            innerStarts();
        }
        At at = new At(d, frame, timeNanos, true); // decrypted: inside TLS, whatever frame the caller names
        keep(new Inner(d, java.util.Arrays.copyOfRange(data, off, off + len), at), len);
        inner.onData(d, data, off, len, at);
        watch.tick(analysis.tracker().openSessions(), timeNanos);
    }

    /** An event the client knows and a capture would not show (a TLS 1.3 certificate, an encrypted alert). */
    void inject(Event e) {
        keep(new Injected(e), 64);
        emit(e);
        watch.tick(analysis.tracker().openSessions(), e.at().timeNanos());
    }

    private void emit(Event e) {
        Session s = session();
        if (s != null) {
            s.add(e);
        }
    }

    /** The clock: silences become findings after --stall-after. */
    void tick(long nowNanos) {
        watch.tick(analysis.tracker().openSessions(), nowNanos);
    }

    /**
     * Takes the port to speak {@code newRole} from now on and explains the connection again from its start,
     * telling only findings not told before. Returns false when the connection is too long to replay.
     */
    boolean reconsider(PortRole newRole) {
        if (newRole == role) {
            return true;
        }
        if (!logging) {
            return false;
        }
        role = newRole;
        start();
        replaying = true;
        try {
            for (Step step : log) {
                if (step instanceof Packet p) {
                    frame(p.frame(), p.time(), io.mailscope.capture.LinkTypes.RAW, p.bytes(), 0, p.bytes().length, p.bytes().length);
                } else if (step instanceof InnerStart) {
                    inner = new ImapAnalyzer(this::emit, redact);
                } else if (step instanceof Inner i) {
                    inner.onData(i.direction(), i.bytes(), 0, i.bytes().length, i.at());
                } else if (step instanceof Injected j) {
                    emit(j.event());
                }
            }
        } finally {
            replaying = false;
        }
        return true;
    }

    private void keep(Step step, long bytes) {
        if (replaying || !logging) {
            return;
        }
        logBytes += bytes + 32;
        if (logBytes > MAX_LOG_BYTES) {
            logging = false;
            log.clear();
            return;
        }
        log.add(step);
    }

    private void tell(Finding f) {
        if (told.add(f.code())) {
            out.accept(f);
        }
    }

    /** The session being explained, or null once its connection has closed. */
    Session session() {
        Iterator<Session> it = analysis.tracker().openSessions().iterator();
        return it.hasNext() ? it.next() : finished != null ? finished.session() : null;
    }

    /** The client lines that crossed in {@code frame}, as the dissector shows them (passwords redacted). */
    List<String> clientLinesIn(long frame) {
        List<String> lines = new ArrayList<>();
        Session s = session();
        if (s == null) {
            return lines;
        }
        List<Event> events = s.events();
        for (int i = events.size() - 1; i >= 0 && events.get(i).at().frame() >= frame; i--) {
            Event e = events.get(i);
            if (e.at().frame() == frame && e.at().fromClient()) {
                if (e instanceof ImapEvent.Command c) {
                    lines.add(0, c.display());
                } else if (e instanceof ImapEvent.AuthenticateData a) {
                    lines.add(0, a.display());
                }
            }
        }
        return lines;
    }

    /** The server's capabilities as last announced before TLS (upper case), empty when none were seen. */
    Set<String> capabilitiesBeforeTls() {
        Set<String> caps = new LinkedHashSet<>();
        Session s = session();
        if (s == null) {
            return caps;
        }
        for (Event e : s.events()) {
            if (e instanceof io.mailscope.dissect.tls.TlsEvent.ClientHelloSeen || e instanceof io.mailscope.dissect.SessionEvent.TlsHandoff) {
                break;
            }
            if (e instanceof ImapEvent.Capabilities c) {
                caps = new LinkedHashSet<>(c.capabilities());
            }
        }
        return caps;
    }

    /** The version the server's ServerHello chose (0x0304 for TLS 1.3), or null before one was seen. */
    Integer serverHelloVersion() {
        Session s = session();
        if (s == null) {
            return null;
        }
        Integer v = null;
        for (Event e : s.events()) {
            if (e instanceof io.mailscope.dissect.tls.TlsEvent.ServerHelloSeen sh) {
                v = sh.hello().selectedVersion();
            }
        }
        return v;
    }

    /** The end: every finding not yet told, and the diagnosed session. */
    AnalyzedSession finish() {
        analysis.finish();
        if (finished != null) {
            finished.diagnosis().findings().forEach(this::tell);
        }
        return finished;
    }
}
