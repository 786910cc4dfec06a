package io.mailscope.dissect;

import io.mailscope.dissect.imap.ImapAnalyzer;
import io.mailscope.dissect.tls.TlsAnalyzer;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.StreamConsumer;

/**
 * The top of dissection for one connection: sniffs what each direction speaks, then routes its bytes to the
 * IMAP or TLS analyzer, and after an accepted STARTTLS hands the stream from IMAP to TLS (Zeek's model).
 * Never throws: an analyzer failure becomes a problem event and that direction is only counted from then on.
 */
public final class SessionAnalyzer implements StreamConsumer {

    private enum Stage { DETECT, AFTER_STARTTLS, IMAP, TLS, OTHER }

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

        Side(Direction direction) {
            this.direction = direction;
        }
    }

    private final Session session;
    private final EventSink sink;
    private final boolean redact;
    private final Side client = new Side(Direction.CLIENT_TO_SERVER);
    private final Side server = new Side(Direction.SERVER_TO_CLIENT);
    private ImapAnalyzer imap;
    private TlsAnalyzer tls;

    public SessionAnalyzer(Session session, boolean redactCredentials) {
        this.session = session;
        this.sink = session;
        this.redact = redactCredentials;
    }

    private Side side(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    /** The protocol a direction was found to speak, or null before it sent enough. */
    public String protocol(Direction d) {
        return side(d).protocol;
    }

    @Override
    public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timeNanos) {
        At at = new At(direction, frame, timeNanos);
        Side side = side(direction);
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
                    String protocol = ProtocolSniffer.classify(side.direction, side.probe, side.probeLen, false);
                    if (protocol == null) {
                        return;
                    }
                    decide(side, protocol, at);
                }
                case IMAP -> {
                    int used = imap().onData(side.direction, data, off, len, at);
                    off += used;
                    len -= used;
                    if (imap().tlsPending(side.direction)) {
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
                    if (plain > off) {
                        tls().onData(side.direction, data, off, plain - off, at);
                    }
                    sink.emit(new SessionEvent.PlaintextFallback(at, side.fallback.before()));
                    side.fallback = null;
                    side.stage = Stage.IMAP;
                    imap().continuePlaintext(side.direction);
                    len -= plain - off;
                    off = plain;
                }
                case OTHER -> {
                    return;
                }
            }
        }
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
                imap().continuePlaintext(side.direction);
                side.stage = Stage.IMAP;
            }
            route(side, probe.clone(), 0, probeLen, at, false);
            return;
        }
        side.protocol = protocol;
        PortRole role = session.role();
        boolean textual = ProtocolSniffer.TEXT.equals(protocol);
        String shown = ProtocolSniffer.IMAP.equals(protocol) || textual || ProtocolSniffer.TLS.equals(protocol)
                ? "" : ProtocolSniffer.escape(probe, 0, firstLineLength(probe, probeLen), 48);
        sink.emit(new SessionEvent.Detected(at, protocol, shown));
        mismatch(side, protocol, role, at, shown);
        if (ProtocolSniffer.TLS.equals(protocol)) {
            side.stage = Stage.TLS;
        } else if (ProtocolSniffer.IMAP.equals(protocol)
                || (textual && (role != PortRole.OTHER || ProtocolSniffer.IMAP.equals(side(side.direction.opposite()).protocol)))) {
            // Hand-typed text on a mail port is parsed as IMAP, so its mistakes (missing tag...) are named.
            side.stage = Stage.IMAP;
        } else {
            side.stage = Stage.OTHER;
        }
        if (side.stage != Stage.OTHER) {
            route(side, probe.clone(), 0, probeLen, at, false);
        }
    }

    private void mismatch(Side side, String protocol, PortRole role, At at, String shown) {
        boolean fromClient = side.direction == Direction.CLIENT_TO_SERVER;
        boolean plaintext = ProtocolSniffer.IMAP.equals(protocol) || ProtocolSniffer.TEXT.equals(protocol);
        MismatchKind code = null;
        String detail = null;
        if (role == PortRole.IMAPS && plaintext) {
            code = fromClient ? MismatchKind.PLAINTEXT_TO_TLS_PORT : MismatchKind.PLAINTEXT_FROM_TLS_PORT;
            detail = (fromClient ? "the client sent plaintext" : "the server sent plaintext")
                    + " to implicit TLS port " + session.connection().server().port();
        } else if (role == PortRole.IMAP && ProtocolSniffer.TLS.equals(protocol) && !session.connection().midstream()) {
            // (A capture that starts mid-connection may have missed the STARTTLS that made this TLS legitimate.)
            code = fromClient ? MismatchKind.TLS_TO_PLAINTEXT_PORT : MismatchKind.TLS_FROM_PLAINTEXT_PORT;
            detail = (fromClient ? "the client sent TLS" : "the server sent TLS") + " on plaintext IMAP port "
                    + session.connection().server().port() + " before any STARTTLS";
        } else if (role != PortRole.OTHER && !plaintext && !ProtocolSniffer.TLS.equals(protocol)) {
            code = switch (protocol) {
                case ProtocolSniffer.HTTP -> MismatchKind.HTTP_ON_IMAP_PORT;
                case ProtocolSniffer.SMTP -> MismatchKind.SMTP_ON_IMAP_PORT;
                case ProtocolSniffer.POP3 -> MismatchKind.POP3_ON_IMAP_PORT;
                default -> MismatchKind.UNKNOWN_ON_MAIL_PORT;
            };
            detail = protocol + " on " + role.label() + " port " + session.connection().server().port()
                    + (shown.isEmpty() ? "" : ": \"" + shown + "\"");
        }
        if (code != null) {
            sink.emit(new SessionEvent.Mismatch(at, code, detail));
        }
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
            case IMAP -> imap().onGap(side.direction, length, at);
            case TLS -> tls().onGap(side.direction, length, at);
            default -> {
            }
        }
    }

    @Override
    public void onEnd(Direction direction, long frame, long timeNanos) {
        At at = new At(direction, frame, timeNanos);
        Side side = side(direction);
        try {
            if ((side.stage == Stage.DETECT || side.stage == Stage.AFTER_STARTTLS) && side.probeLen > 0) {
                decide(side, ProtocolSniffer.classify(direction, side.probe, side.probeLen, true), at);
            }
            if (imap != null) {
                imap.onEnd(direction, at);
            }
            if (tls != null) {
                tls.onEnd(direction, at);
            }
        } catch (RuntimeException e) {
            internalError(side, at, e);
        }
    }

    private void internalError(Side side, At at, RuntimeException e) {
        side.stage = Stage.OTHER;
        sink.emit(new SessionEvent.InternalError(at, side.direction.sender() + " side: mailscope could not dissect this direction further: " + e));
    }

    private ImapAnalyzer imap() {
        if (imap == null) {
            imap = new ImapAnalyzer(sink, redact);
        }
        return imap;
    }

    private TlsAnalyzer tls() {
        if (tls == null) {
            tls = new TlsAnalyzer(sink);
        }
        return tls;
    }

    public TlsAnalyzer tlsAnalyzer() {
        return tls;
    }

    public ImapAnalyzer imapAnalyzer() {
        return imap;
    }
}
