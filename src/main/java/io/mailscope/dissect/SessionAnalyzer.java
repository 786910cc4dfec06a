package io.mailscope.dissect;

import io.mailscope.dissect.proxy.ProxyHandshake;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.SslV2ClientHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsAnalyzer;
import io.mailscope.dissect.tls.TlsSniffer;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.StreamConsumer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The top of dissection for one connection: sniffs what each direction speaks, then routes its bytes to that
 * mail protocol's analyzer ({@link Protocols}) or the TLS analyzer, and after an accepted upgrade (STARTTLS, STLS)
 * hands the stream from the protocol to TLS (Zeek's model). It knows no mail protocol by name. A SOCKS or HTTP
 * CONNECT handshake at the start is read first ({@link ProxyHandshake}); what follows it in each direction is
 * sniffed afresh, and judged by the role of the target's port.
 * Never throws: an analyzer failure becomes a problem event and that direction is only counted from then on.
 */
public final class SessionAnalyzer implements StreamConsumer {

    /**
     * RESYNC: binary bytes on a mail port in a connection picked up midstream (a drop lost its start, or the capture
     * began inside it): the bytes are passed over until a segment begins with a TLS record header, then read as TLS.
     */
    private enum Stage { DETECT, PROXY, SSLV2_HELLO, AFTER_STARTTLS, APP, TLS, RESYNC, OTHER }

    private final class Side {
        final Direction direction;
        Stage stage = Stage.DETECT;
        /** Allocated at the first byte: most connections of a scan or flood never send one (2 x 112 bytes each). */
        byte[] probe;
        int probeLen;
        /** Where the first probed byte arrived: detection events point there, not at the byte that decided. */
        At probeStart;
        String protocol;
        /** Set while this direction, handed to TLS after STARTTLS, may still fall back to plaintext. */
        FallbackWatch fallback;
        /** The mail protocol's analyzer this direction's plaintext goes to (stage APP, and after a fallback). */
        ProtocolAnalyzer app;
        /** The next bytes are the first after a hole: TLS records there mean the upgrade was not captured. */
        boolean afterGap;
        /** Bytes passed over in stage RESYNC. */
        long skipped;

        Side(Direction direction) {
            this.direction = direction;
        }
    }

    private final Session session;
    private final EventSink sink;
    private final boolean redact;
    private final KeyLog keys;
    /**
     * Made at a direction's first byte (or gap): a connection that never carries one (a scan's SYN) has neither, and
     * each is 48 bytes for as long as the connection is open. Read them through {@link #side} unless null is meant.
     */
    private Side client;
    private Side server;
    /** One analyzer per mail protocol spoken on this connection (almost always one), by protocol id. */
    /** Made at the first: a connection that never says a word (a scan's SYN) needs none. */
    private Map<String, ProtocolAnalyzer> analyzers;
    private final IntFunction<PortRole> roleOfPort;
    private TlsAnalyzer tls;
    private ProxyHandshake proxy;
    /** The client's SSL 2.0-format ClientHello being read, when it sent one. */
    private SslV2ClientHello sslv2;
    /** The client's first bytes were judged for a proxy handshake (only those can start one). */
    private boolean proxyJudged;
    private TlsAnalyzer.Plaintext tap;

    public SessionAnalyzer(Session session, boolean redactCredentials) {
        this(session, redactCredentials, PortRoles.defaults()::role, null);
    }

    /** @param keys TLS secrets to decrypt with (see {@link TlsAnalyzer}), or null */
    public SessionAnalyzer(Session session, boolean redactCredentials, KeyLog keys) {
        this(session, redactCredentials, PortRoles.defaults()::role, keys);
    }

    /** @param roleOfPort the role of a proxy's target port (the user's --imap-port/--imaps-port count) */
    public SessionAnalyzer(Session session, boolean redactCredentials, IntFunction<PortRole> roleOfPort) {
        this(session, redactCredentials, roleOfPort, null);
    }

    /**
     * @param roleOfPort the role of a proxy's target port (the user's --imap-port/--imaps-port count)
     * @param keys       TLS secrets to decrypt with (see {@link TlsAnalyzer}), or null
     */
    public SessionAnalyzer(Session session, boolean redactCredentials, IntFunction<PortRole> roleOfPort, KeyLog keys) {
        this.session = session;
        this.sink = session;
        this.redact = redactCredentials;
        this.roleOfPort = roleOfPort;
        this.keys = keys;
    }

    private Side side(Direction d) {
        if (d == Direction.CLIENT_TO_SERVER) {
            if (client == null) {
                client = new Side(Direction.CLIENT_TO_SERVER);
            }
            return client;
        }
        if (server == null) {
            server = new Side(Direction.SERVER_TO_CLIENT);
        }
        return server;
    }

    /** The direction's side if it was made, else null (nothing came that way yet). */
    private Side sideIfAny(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    /** The protocol a direction was found to speak, or null before it sent enough. */
    public String protocol(Direction d) {
        Side side = sideIfAny(d);
        return side == null ? null : side.protocol;
    }

    @Override
    public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timeNanos) {
        Side side = side(direction);
        if (side.stage == Stage.TLS && side.fallback == null && tls != null
                && tls.countIfOpaque(direction, data, offset, length)) {
            return; // inside an encrypted record: only counted, so no position to make (the usual packet of a TLS stream)
        }
        if (side.stage == Stage.TLS && tls != null && length > 0) {
            // route()'s TLS stage, with the position made only if an event needs it (a record header in the
            // middle of a TLS stream usually makes none)
            try {
                int plain = fallbackAt(side, data, offset, length);
                if (plain < 0) {
                    tls.onData(direction, data, offset, length, frame, timeNanos);
                    return;
                }
                At at = new At(direction, frame, timeNanos);
                fallBack(side, data, offset, plain, at);
                route(side, data, plain, length - (plain - offset), at, true);
            } catch (RuntimeException e) {
                internalError(side, new At(direction, frame, timeNanos), e);
            }
            return;
        }
        At at = new At(direction, frame, timeNanos);
        try {
            route(side, data, offset, length, at, true);
        } catch (RuntimeException e) {
            internalError(side, at, e);
        }
    }

    private void route(Side side, byte[] data, int offset, int length, At at, boolean freshChunk) {
        int off = offset;
        int len = length;
        while (len > 0) {
            switch (side.stage) {
                case DETECT, AFTER_STARTTLS -> {
                    if (side.probeLen == 0) {
                        side.probeStart = at;
                    }
                    if (side.probe == null) {
                        side.probe = new byte[ProtocolSniffer.PROBE_SIZE];
                    }
                    int take = Math.min(len, side.probe.length - side.probeLen);
                    System.arraycopy(data, off, side.probe, side.probeLen, take);
                    side.probeLen += take;
                    off += take;
                    len -= take;
                    if (!proxyJudged && side == client && side.stage == Stage.DETECT) {
                        ProxyHandshake.Verdict v = judgeProxy();
                        if (v == ProxyHandshake.Verdict.NEED_MORE && side.probeLen < side.probe.length) {
                            return;
                        }
                        if (v == ProxyHandshake.Verdict.PROXY) {
                            startProxy(at);
                            continue;
                        }
                        proxyJudged = true;
                    }
                    if (side == client && side.stage == Stage.DETECT) {
                        SslV2ClientHello.Verdict v2 = SslV2ClientHello.starts(side.probe, side.probeLen);
                        if (v2 == SslV2ClientHello.Verdict.NEED_MORE && side.probeLen < side.probe.length) {
                            return;
                        }
                        if (v2 == SslV2ClientHello.Verdict.YES) {
                            decide(side, ProtocolSniffer.TLS, at);
                            continue;
                        }
                    }
                    String protocol = ProtocolSniffer.classify(side.direction, side.probe, side.probeLen, false);
                    if (protocol == null) {
                        return;
                    }
                    decide(side, protocol, at);
                }
                case SSLV2_HELLO -> {
                    // An SSL 2.0-format ClientHello: read here (the TLS analyzer reads TLS records), then TLS.
                    int used = sslv2.feed(data, off, len);
                    off += used;
                    len -= used;
                    if (!sslv2.complete()) {
                        return;
                    }
                    ClientHello hello = sslv2.hello();
                    sink.emit(hello != null ? new TlsEvent.ClientHelloSeen(at, hello)
                            : new TlsEvent.Problem(at, "malformed-hello", sslv2.problem()));
                    side.stage = Stage.TLS;
                }
                case PROXY -> {
                    int used = proxy.onData(side.direction, data, off, len, at);
                    off += used;
                    len -= used;
                    if (!proxy.done(side.direction)) {
                        return;
                    }
                    side.stage = Stage.DETECT;
                    side.probeLen = 0;
                    if (proxy.accepted() && proxy.targetPort() >= 0) {
                        session.proxiedTo(roleOfPort.apply(proxy.targetPort()));
                    }
                }
                case APP -> {
                    boolean hole = side.afterGap;
                    side.afterGap = false;
                    if (freshChunk && (hole || side == client) && !side.app.upgradePending(side.direction)) {
                        // after a hole any record header; without one only a ClientHello, which no text line starts
                        // with (the client's STARTTLS was seen, the server's answer was lost)
                        if (hole ? TlsSniffer.recordBoundary(data, off, len) : TlsSniffer.isClientHelloStart(data, off, len)) {
                            // the STARTTLS answer (or the plaintext's end) was in the hole: TLS records, not lines
                            sink.emit(new SessionEvent.TlsResynced(at, 0, false));
                            side.stage = Stage.TLS;
                            continue;
                        }
                    }
                    int used = side.app.onData(side.direction, data, off, len, at);
                    off += used;
                    len -= used;
                    if (side.app.upgradePending(side.direction)) {
                        side.stage = Stage.AFTER_STARTTLS;
                        side.probeLen = 0;
                        if (len > 0 && side.direction == Direction.SERVER_TO_CLIENT && freshChunk
                                && !ProtocolSniffer.looksLikeTlsRecord(data, off, len)) {
                            sink.emit(new SessionEvent.ServerDataAfterStartTls(at,
                                    ProtocolSniffer.escape(data, off, len, 80)));
                        }
                    } else if (used == 0) {
                        return;
                    }
                }
                case TLS -> {
                    int plain = fallbackAt(side, data, off, len);
                    if (plain < 0) {
                        tls().onData(side.direction, data, off, len, at);
                        return;
                    }
                    fallBack(side, data, off, plain, at);
                    len -= plain - off;
                    off = plain;
                }
                case RESYNC -> {
                    if (freshChunk && TlsSniffer.recordBoundary(data, off, len)) {
                        sink.emit(new SessionEvent.TlsResynced(at, side.skipped, true));
                        side.stage = Stage.TLS;
                        continue;
                    }
                    side.skipped += len;
                    return;
                }
                case OTHER -> {
                    return;
                }
            }
        }
    }

    /** The TLS records before {@code plain} go to TLS, and this direction is plaintext again from there on. */
    private void fallBack(Side side, byte[] data, int off, int plain, At at) {
        if (plain > off) {
            tls().onData(side.direction, data, off, plain - off, at);
        }
        sink.emit(new SessionEvent.PlaintextFallback(at, side.fallback.before()));
        side.fallback = null;
        side.stage = Stage.APP;
        side.app.continuePlaintext(side.direction);
    }

    /** Where this TLS direction falls back to plaintext in these bytes, or -1 (see {@link FallbackWatch}). */
    private int fallbackAt(Side side, byte[] data, int off, int len) {
        if (side.fallback == null) {
            return -1;
        }
        int plain = side.fallback.scan(data, off, len);
        if (plain < 0 && !side.fallback.watching()) {
            side.fallback = null;
        }
        return plain;
    }

    /**
     * Whether the client's first bytes open a proxy handshake: only while the server has said nothing (a proxy
     * speaks only when asked), and only on a port without a mail role.
     */
    private ProxyHandshake.Verdict judgeProxy() {
        // On a mail port a proxy request is the client's mistake (its proxy set to the mail server): it is judged
        // as what it is on that port, not followed.
        if (server != null && (server.probeLen > 0 || server.stage != Stage.DETECT) || session.role() != PortRole.OTHER) {
            return ProxyHandshake.Verdict.NOT_PROXY;
        }
        return ProxyHandshake.recognize(client.probe, client.probeLen);
    }

    /** Both directions read the proxy handshake first; the client's probe is replayed into it. */
    private void startProxy(At at) {
        proxyJudged = true;
        proxy = new ProxyHandshake(ProxyHandshake.typeOf(client.probe[0]), sink, redact);
        byte[] probe = client.probe.clone();
        int probeLen = client.probeLen;
        At start = client.probeStart != null ? client.probeStart : at;
        client.probeLen = 0;
        client.stage = Stage.PROXY;
        side(Direction.SERVER_TO_CLIENT).stage = Stage.PROXY;
        route(client, probe, 0, probeLen, start, false);
    }

    /** The probe decided what this direction speaks: record it, switch stage, replay the probe into it. */
    private void decide(Side side, String protocol, At decidedAt) {
        At at = side.probeStart != null ? side.probeStart : decidedAt;
        boolean afterStartTls = side.stage == Stage.AFTER_STARTTLS;
        byte[] probe = side.probe;
        int probeLen = side.probeLen;
        side.probeLen = 0;
        if (afterStartTls) {
            if (ProtocolSniffer.TLS.equals(protocol)) {
                side.stage = Stage.TLS;
                side.fallback = new FallbackWatch();
                sink.emit(new SessionEvent.TlsHandoff(at));
            } else {
                sink.emit(new SessionEvent.PlaintextAfterStartTls(at, describePlaintext(probe, probeLen)));
                side.app.continuePlaintext(side.direction);
                side.stage = Stage.APP;
            }
            route(side, probe.clone(), 0, probeLen, at, false);
            return;
        }
        side.protocol = protocol;
        PortRole role = session.role();
        boolean textual = ProtocolSniffer.TEXT.equals(protocol);
        String shown = Protocols.isMail(protocol) || textual || ProtocolSniffer.TLS.equals(protocol)
                ? "" : ProtocolSniffer.escape(probe, 0, firstLineLength(probe, probeLen), 48);
        sink.emit(new SessionEvent.Detected(at, protocol, shown));
        mismatch(side, protocol, role, at, shown, probe, probeLen);
        String parseAs = parseAs(side, protocol, role);
        side.app = parseAs == null ? null : analyzer(parseAs);
        boolean v2 = side == client && ProtocolSniffer.TLS.equals(protocol)
                && SslV2ClientHello.starts(probe, probeLen) == SslV2ClientHello.Verdict.YES;
        if (v2) {
            sslv2 = new SslV2ClientHello();
        }
        side.stage = ProtocolSniffer.TLS.equals(protocol) ? (v2 ? Stage.SSLV2_HELLO : Stage.TLS)
                : side.app != null ? Stage.APP : midstreamBinary(protocol, role) ? Stage.RESYNC : Stage.OTHER;
        if (side.stage != Stage.OTHER) {
            route(side, probe.clone(), 0, probeLen, at, false);
        }
    }

    /**
     * The mail protocol whose analyzer parses this direction, or null: the protocol it speaks when that is the
     * port's (or the port has none); hand-typed text on a mail port as the port's protocol, so its mistakes
     * (a missing tag...) are named; text on another port as what the other side speaks. A mail protocol foreign
     * to the port is not parsed: its mismatch finding tells that story.
     */
    private String parseAs(Side side, String protocol, PortRole role) {
        if (Protocols.isMail(protocol)) {
            return role == PortRole.OTHER || protocol.equals(role.protocol()) ? protocol : null;
        }
        if (!ProtocolSniffer.TEXT.equals(protocol)) {
            return null;
        }
        if (role != PortRole.OTHER) {
            return role.protocol();
        }
        String other = protocol(side.direction.opposite());
        return other != null && Protocols.isMail(other) ? other : null;
    }

    private void mismatch(Side side, String protocol, PortRole role, At at, String shown, byte[] probe, int probeLen) {
        boolean fromClient = side.direction == Direction.CLIENT_TO_SERVER;
        boolean plaintext = protocol.equals(role.protocol()) || ProtocolSniffer.TEXT.equals(protocol);
        MismatchKind code = null;
        String detail = null;
        if (role.implicitTls() && plaintext) {
            code = fromClient ? MismatchKind.PLAINTEXT_TO_TLS_PORT : MismatchKind.PLAINTEXT_FROM_TLS_PORT;
            detail = (fromClient ? "the client sent plaintext" : "the server sent plaintext")
                    + " to implicit TLS port " + session.connection().server().port();
        } else if (role.startTls() && ProtocolSniffer.TLS.equals(protocol) && !session.connection().midstream()) {
            // (A capture that starts mid-connection may have missed the STARTTLS that made this TLS legitimate.)
            code = fromClient ? MismatchKind.TLS_TO_PLAINTEXT_PORT : MismatchKind.TLS_FROM_PLAINTEXT_PORT;
            detail = (fromClient ? "the client sent TLS" : "the server sent TLS") + " on plaintext "
                    + role.protocol().toUpperCase(Locale.ROOT) + " port " + session.connection().server().port()
                    + " before any STARTTLS";
        } else if (role != PortRole.OTHER && !plaintext && !ProtocolSniffer.TLS.equals(protocol)
                && !midstreamBinary(protocol, role)) {
            // (binary bytes in a connection picked up midstream are most likely inside a TLS record: RESYNC)
            code = MismatchKind.onPort(protocol, role.protocol());
            detail = protocol + " on " + role.label() + " port " + session.connection().server().port()
                    + (shown.isEmpty() ? "" : ": \"" + shown + "\"") + proxyHint(side, probe, probeLen);
        }
        if (code != null) {
            sink.emit(new SessionEvent.Mismatch(at, code, detail));
        }
    }

    /** Binary first bytes on a mail port of a connection whose start was not captured: looked at again for TLS. */
    private boolean midstreamBinary(String protocol, PortRole role) {
        return ProtocolSniffer.BINARY.equals(protocol) && role != PortRole.OTHER && session.connection().midstream();
    }

    /** When a client's first bytes on a mail port are a proxy request: its proxy setting points at the mail server. */
    private String proxyHint(Side side, byte[] probe, int probeLen) {
        if (side != client || ProxyHandshake.recognize(probe, probeLen) != ProxyHandshake.Verdict.PROXY) {
            return "";
        }
        return " (a " + ProxyHandshake.typeOf(probe[0]).label() + " proxy request: the client's proxy setting"
                + " points at the mail server)";
    }

    private static int firstLineLength(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return len;
    }

    /** What a direction sent in plaintext where TLS was due: its length and kind, never its words (they may hold a password). */
    private static String describePlaintext(byte[] probe, int len) {
        int word = 0;
        while (word < len && probe[word] != ' ' && probe[word] != '\r' && probe[word] != '\n') {
            word++;
        }
        boolean printable = true;
        for (int i = 0; i < len; i++) {
            printable &= ProtocolSniffer.isText(probe[i]);
        }
        return printable ? "plaintext starting \"" + ProtocolSniffer.escape(probe, 0, word, 16) + " ...\""
                : "non-TLS bytes " + ProtocolSniffer.escape(probe, 0, len, 8);
    }

    @Override
    public void onGap(Direction direction, long length, long frame, long timeNanos) {
        At at = new At(direction, frame, timeNanos);
        Side side = side(direction);
        sink.emit(new SessionEvent.Gap(at, length));
        side.afterGap = true;
        try {
            switch (side.stage) {
                case DETECT, AFTER_STARTTLS -> {
                    if (side.probeLen > 0) {
                        decide(side, ProtocolSniffer.classify(direction, side.probe, side.probeLen, true), at);
                    }
                    forwardGap(side, length, at);
                }
                default -> forwardGap(side, length, at);
            }
        } catch (RuntimeException e) {
            internalError(side, at, e);
        }
    }

    private void forwardGap(Side side, long length, At at) {
        switch (side.stage) {
            case APP -> side.app.onGap(side.direction, length, at);
            case TLS -> {
                if (side.fallback != null) {
                    side.fallback.gap(length); // its record framing follows the hole too
                }
                tls().onGap(side.direction, length, at);
            }
            default -> {
            }
        }
    }

    @Override
    public void onEnd(Direction direction, long frame, long timeNanos) {
        Side side = sideIfAny(direction);
        if (side == null && tls == null && analyzers == null) {
            return; // nothing came this way and nothing was dissected: nothing to end
        }
        side = side(direction);
        boolean probed = (side.stage == Stage.DETECT || side.stage == Stage.AFTER_STARTTLS) && side.probeLen > 0;
        if (!probed && tls == null && analyzers == null) {
            return; // nothing was dissected this way: nothing to end (and no position to make)
        }
        At at = new At(direction, frame, timeNanos);
        try {
            if (probed) {
                decide(side, ProtocolSniffer.classify(direction, side.probe, side.probeLen, true), at);
            }
            if (tls != null) {
                tls.onEnd(direction, at); // first: records still waiting for a key may hold the mail protocol
            }
            for (ProtocolAnalyzer a : analyzers == null ? List.<ProtocolAnalyzer>of() : analyzers.values()) {
                if (a != null) {
                    a.onEnd(direction, a.upgradePending(direction) || tls == null ? at : at.inTls());
                }
            }
        } catch (RuntimeException e) {
            internalError(side, at, e);
        }
    }

    private void internalError(Side side, At at, RuntimeException e) {
        side.stage = Stage.OTHER;
        sink.emit(new SessionEvent.InternalError(at, side.direction.sender() + " side: mailscope could not dissect this direction further: " + e));
    }

    /** This connection's analyzer of a mail protocol, made on first use; null for a protocol not dissected. */
    private ProtocolAnalyzer analyzer(String protocol) {
        if (analyzers == null) {
            analyzers = new LinkedHashMap<>(2);
        }
        ProtocolAnalyzer a = analyzers.get(protocol);
        if (a == null && !analyzers.containsKey(protocol)) {
            a = Protocols.byId(protocol).newAnalyzer(sink, redact);
            analyzers.put(protocol, a);
        }
        return a;
    }

    private TlsAnalyzer tls() {
        if (tls == null) {
            tls = new TlsAnalyzer(sink, keys, new InsideTls());
        }
        return tls;
    }

    /**
     * The analyzer decrypted application data goes to: the one that saw the plaintext part (after STARTTLS/STLS, so
     * tags and capabilities carry over), else the port's protocol's (implicit TLS: imaps, pop3s, submissions), else
     * IMAP's, as before other protocols came; null when that protocol is not dissected.
     */
    private ProtocolAnalyzer insideTls() {
        if (client != null && client.app != null) {
            return client.app;
        }
        if (server != null && server.app != null) {
            return server.app;
        }
        String protocol = session.role().protocol();
        return analyzer(protocol != null ? protocol : ProtocolSniffer.IMAP);
    }

    /**
     * Decrypted application data goes to the same mail protocol analyzer as plaintext ({@link #insideTls()}), its
     * events marked inside TLS by their {@link At}.
     */
    private final class InsideTls implements TlsAnalyzer.Plaintext {
        @Override
        public void applicationData(Direction direction, byte[] buf, int off, int len, At at) {
            if (tap != null) {
                tap.applicationData(direction, buf, off, len, at);
            }
            ProtocolAnalyzer analyzer = insideTls();
            if (analyzer != null) {
                analyzer.continueInsideTls(direction);
                analyzer.onData(direction, buf, off, len, at);
            }
        }

        @Override
        public void lost(Direction direction, long length, At at) {
            ProtocolAnalyzer analyzer = insideTls();
            if (analyzer != null) {
                analyzer.onGap(direction, length, at);
            }
        }
    }

    /** Also hands decrypted application data to {@code tap} (tests compare it with other decryptors). */
    public void plaintextTap(TlsAnalyzer.Plaintext tap) {
        this.tap = tap;
    }

    public TlsAnalyzer tlsAnalyzer() {
        return tls;
    }

}
