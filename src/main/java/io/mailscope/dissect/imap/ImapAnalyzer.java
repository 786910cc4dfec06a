package io.mailscope.dissect.imap;

import io.mailscope.dissect.At;
import io.mailscope.dissect.EventSink;
import io.mailscope.dissect.imap.ImapEvent.Response.Kind;
import io.mailscope.tcp.Direction;

import java.util.Set;
import java.util.zip.DataFormatException;

/**
 * Parses the IMAP of both directions of one connection and emits {@link ImapEvent}s (the Zeek model: bytes in,
 * events out; what they mean is decided elsewhere).
 *
 * <p>Each direction has a {@link LineFramer} (lines and literals, bounded, never buffering a literal) and, after
 * COMPRESS DEFLATE, a {@link DeflateInput}. The conversation state that needs both directions lives here: the
 * pending STARTTLS/COMPRESS/AUTHENTICATE/IDLE tags, the tags in use and the server's capabilities.
 *
 * <p>Nothing is thrown out of the public methods: bad input becomes {@link ImapEvent.Problem} events, and an
 * unexpected failure becomes an {@link io.mailscope.dissect.SessionEvent.InternalError} after which that direction is no longer parsed.
 */
public final class ImapAnalyzer implements io.mailscope.dissect.ProtocolAnalyzer {
    /** Literals above this are reported (they are still skipped by counting, whatever their size). */
    static final long LARGE_LITERAL = 64L * 1024 * 1024;
    private static final String UNTERMINATED = " [unterminated]";
    private static final String CUT = " [cut by the capture]";

    private final EventSink sink;
    private final boolean redact;
    private final Side client;
    private final Side server;
    private final TagTracker tags = new TagTracker();
    private final Capabilities capabilities = new Capabilities();

    /** Time and frame of the chunk being parsed: events carry the At of the chunk that completed them. */
    private At current;

    private String startTlsTag;
    private boolean startTlsAccepted;
    private String compressTag;
    private String compressMechanism;
    private boolean compressed;
    private String authenticateTag;
    private String idleTag;
    private boolean serverSpoke;

    public ImapAnalyzer(EventSink sink, boolean redactCredentials) {
        this(sink, redactCredentials, LineFramer.DEFAULT_MAX_LINE);
    }

    ImapAnalyzer(EventSink sink, boolean redactCredentials, int maxLine) {
        this.sink = sink;
        this.redact = redactCredentials;
        this.client = new Side(Direction.CLIENT_TO_SERVER, maxLine);
        this.server = new Side(Direction.SERVER_TO_CLIENT, maxLine);
    }

    /**
     * Feeds bytes of one direction. Returns how many were consumed as IMAP: all of them, except when this
     * direction switched to TLS (see {@link #tlsPending}) inside this chunk, in which case the bytes after the
     * switching line are left for the next analyzer. Once tlsPending(direction) is true this returns 0.
     */
    @Override
    public int onData(Direction direction, byte[] data, int offset, int length, At at) {
        Side side = side(direction);
        if (side.tlsPending) return 0;
        if (side.stopped) {
            side.ignoredBytes += length;
            return length;
        }
        current = at;
        try {
            if (side.inflater != null) {
                inflate(side, data, offset, length);
                return length;
            }
            if (side.afterGap && length > 0) {
                side.afterGap = false;
                startTlsAnswerAfterHole(side, data, offset, length);
            }
            int used = 0;
            while (used < length) {
                used += side.framer.feed(data, offset + used, length - used);
                if (side.tlsPending) return used;          // the rest is TLS: not ours
                if (side.inflater != null && used < length) { // the rest is compressed
                    inflate(side, data, offset + used, length - used);
                    return length;
                }
            }
            return length;
        } catch (RuntimeException e) {
            internalError(side, e);
            return length;
        }
    }

    @Override
    public void onGap(Direction direction, long length, At at) {
        Side side = side(direction);
        if (side.tlsPending || side.stopped || length <= 0) return;
        current = at;
        side.afterGap = true;
        try {
            if (side.inflater != null) {
                // a deflate stream cannot be resumed after missing bytes
                problem(ImapProblem.GAP, length + " bytes missing inside the compressed stream; " + direction.sender()
                        + " side no longer parsed");
                stop(side);
                return;
            }
            if (side == server && startTlsTag != null && startTlsAnswerCut(side.framer.partialText())) {
                side.framer.gap(length);
                problem(ImapProblem.GAP, length + " bytes missing at the end of the server's answer to STARTTLS, whose"
                        + " status (OK) arrived: TLS follows");
                return;
            }
            long literalLeft = side.framer.literalLeft();
            LineFramer.GapEffect effect = side.framer.gap(length);
            if (effect == LineFramer.GapEffect.INSIDE_LITERAL) {
                problem(ImapProblem.GAP, length + " bytes missing inside a literal (" + (literalLeft - length)
                        + " of it still to come); parsing goes on after it");
            } else {
                problem(ImapProblem.GAP, length + " bytes missing; the line in progress is dropped and parsing resumes at the"
                        + " next line");
            }
        } catch (RuntimeException e) {
            internalError(side, e);
        }
    }

    @Override
    public void onEnd(Direction direction, At at) {
        Side side = side(direction);
        current = at;
        try {
            if (!side.tlsPending && !side.stopped) {
                LineFramer framer = side.framer;
                if (framer.inLiteral()) {
                    // the line that announced the literal is reported too (where it was announced), or a
                    // connection cut during an APPEND would not show the APPEND at all
                    if (framer.length() > 0 && side.literalAt != null
                            && !side.guard.skip(framer.buffer(), framer.length(), side.literalAt, sink)) {
                        current = side.literalAt;
                        line(side, framer.buffer(), framer.length(), framer.truncated(), false);
                        current = at;
                    }
                    problem(ImapProblem.UNTERMINATED_LINE, "the stream ended " + framer.literalLeft() + " bytes before the end"
                            + " of a literal of " + framer.literalSize());
                } else if (framer.hasPartialLine() && !side.guard.skip(framer.buffer(), framer.length(), at, sink)) {
                    // consistent rule: a partial last line is parsed as a line (display marked), never acted on,
                    // and reported as unterminated-line
                    line(side, framer.buffer(), framer.length(), framer.truncated(), false);
                    problem(ImapProblem.UNTERMINATED_LINE, "the stream ended inside a line (no CRLF)");
                }
                side.guard.end(sink);
            }
            side.framer.clear();
        } catch (RuntimeException e) {
            internalError(side, e);
        } finally {
            // nothing may follow the end; never parse compressed bytes as plaintext should it happen anyway
            stop(side);
        }
    }

    /** True once the server's tagged OK to STARTTLS was seen: the next bytes of this direction should be TLS. */
    public boolean tlsPending(Direction direction) {
        return side(direction).tlsPending;
    }

    @Override
    public boolean upgradePending(Direction direction) {
        return tlsPending(direction);
    }

    /** The direction went on in plaintext after STARTTLS: keep parsing it as IMAP. */
    @Override
    public void continuePlaintext(Direction direction) {
        Side side = side(direction);
        if (!side.tlsPending) return;
        side.tlsPending = false;
        // The caller (SessionAnalyzer) reports this as its own event, with the right time: nothing to add here.
    }

    /**
     * The bytes that follow in this direction are decrypted TLS application data: parse them as IMAP again
     * (after STARTTLS the conversation goes on with the same tags and state).
     */
    @Override
    public void continueInsideTls(Direction direction) {
        side(direction).tlsPending = false;
    }

    /** The capabilities the server has advertised so far (upper-case). */
    public Set<String> capabilities() {
        return capabilities.current();
    }

    EventSink sink() {
        return sink;
    }

    /** Lines that ended with a bare LF in this direction. */
    int bareLfCount(Direction direction) {
        return side(direction).bareLf;
    }

    long ignoredBytes(Direction direction) {
        return side(direction).ignoredBytes;
    }

    // ---------------------------------------------------------------------------------------------------------

    private Side side(Direction direction) {
        return direction == Direction.CLIENT_TO_SERVER ? client : server;
    }

    private void inflate(Side side, byte[] data, int offset, int length) {
        try {
            side.inflater.feed(data, offset, length, side.framer);
        } catch (DataFormatException e) {
            problem(ImapProblem.INFLATE_ERROR, side.direction.sender() + " side: " + e.getMessage()
                    + "; no longer parsed");
            stop(side);
        }
    }

    private void stop(Side side) {
        side.stopped = true;
        if (side.inflater != null) side.inflater.end();
        side.inflater = null;
    }

    private void internalError(Side side, RuntimeException e) {
        try {
            sink.emit(new io.mailscope.dissect.SessionEvent.InternalError(current, side.direction.sender() + " side no longer parsed as IMAP: " + e));
        } catch (RuntimeException ignored) {
            // the sink itself failed: nothing more we can say
        }
        stop(side);
    }

    private void emit(ImapEvent event) {
        sink.emit(event);
    }

    private void problem(ImapProblem code, String detail) {
        emit(new ImapEvent.Problem(current, code, detail));
    }

    /** Dispatches a complete (or, at the end, unterminated) line. Returns false to stop the framer after it. */
    private boolean line(Side side, byte[] buffer, int length, boolean truncated, boolean terminated) {
        String text = ImapText.decode(buffer, length);
        if (truncated) text = text + "…";
        return side.direction == Direction.CLIENT_TO_SERVER
                ? clientLine(text, terminated)
                : serverLine(text, terminated);
    }

    private boolean clientLine(String text, boolean terminated) {
        String mark = terminated ? "" : UNTERMINATED;
        if (authenticateTag != null) {
            boolean cancelled = text.trim().equals("*");
            String display = redact && !cancelled ? "***" : ImapText.bound(text);
            emit(new ImapEvent.AuthenticateData(current, display + mark, cancelled));
            return true;
        }
        if (idleTag != null && text.trim().equalsIgnoreCase("DONE")) {
            if (terminated) idleTag = null;
            emit(new ImapEvent.Done(current));
            return true;
        }
        if (text.isBlank()) {
            problem(ImapProblem.BAD_SYNTAX, "empty command line");
            return true;
        }
        ClientLine line = ClientLine.parse(text, redact);
        String display = line.display() + mark;
        emit(new ImapEvent.Command(current, line.tag(), line.name(), display, line.credentials()));
        if (line.missingTag()) problem(ImapProblem.MISSING_TAG, "command without a tag: " + display);
        if (!terminated) return true;

        if (startTlsTag != null) {
            problem(ImapProblem.PIPELINED_AFTER_STARTTLS, "command sent after STARTTLS before the server answered: " + display);
        }
        String tag = line.tag();
        if (tag != null) {
            switch (tags.use(tag)) {
                case PENDING -> problem(ImapProblem.TAG_REUSED, "tag " + tag + " reused while the earlier command with that"
                        + " tag was still pending");
                case COMPLETED -> problem(ImapProblem.TAG_REUSED, "tag " + tag + " reused; the earlier command with that tag"
                        + " had completed");
                case NONE -> { }
            }
        }
        switch (line.name()) {
            case "STARTTLS" -> {
                if (startTlsTag != null || startTlsAccepted) {
                    problem(ImapProblem.STARTTLS_TWICE, startTlsAccepted
                            ? "STARTTLS sent again after TLS was already accepted"
                            : "STARTTLS sent again while the first one (tag " + startTlsTag + ") was pending");
                }
                if (tag != null && !startTlsAccepted) startTlsTag = tag;
            }
            case "AUTHENTICATE" -> {
                if (tag != null) authenticateTag = tag;
            }
            case "IDLE" -> {
                if (tag != null) idleTag = tag;
            }
            case "COMPRESS" -> {
                if (tag != null && !compressed) {
                    compressTag = tag;
                    compressMechanism = line.firstArg();
                }
            }
            default -> { }
        }
        return true;
    }

    /**
     * The server's first bytes after a hole begin with the STARTTLS tag: a segment that starts the answer to
     * STARTTLS (tags are the client's own, unlike anything else in the server's words), so the line is read from
     * here instead of being dropped up to its end as the rest of a line the hole cut. With a small snaplen the
     * hole before it is the rest of the previous segment, and the answer is the segment's first bytes.
     */
    private void startTlsAnswerAfterHole(Side side, byte[] data, int offset, int length) {
        if (side != server || startTlsTag == null || !side.framer.discarding()) {
            return;
        }
        String prefix = startTlsTag + " ";
        if (length < prefix.length()) {
            return;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (data[offset + i] != (byte) prefix.charAt(i)) {
                return;
            }
        }
        side.framer.resumeAtLineStart();
    }

    /**
     * A hole (a snaplen cut) ended the server's line in progress: when it is the tagged answer to STARTTLS and its
     * status word arrived whole ("a1 OK Begin TLS negotia"), the answer is known, and the upgrade is taken as a
     * whole answer would be. (After its OK the server says nothing until the client's TLS, so the hole holds only
     * the rest of that line.)
     */
    private boolean startTlsAnswerCut(String partial) {
        if (partial == null || !partial.startsWith(startTlsTag + " ")) {
            return false;
        }
        int status = startTlsTag.length() + 1;
        int end = partial.indexOf(' ', status);
        if (end < 0) {
            return false; // the status word itself may be cut ("a1 O", "a1 NO" cut to "a1 N")
        }
        String word = partial.substring(status, end);
        if (!word.equalsIgnoreCase("OK") && !word.equalsIgnoreCase("NO") && !word.equalsIgnoreCase("BAD")) {
            return false;
        }
        serverLine(partial, false, true);
        return true;
    }

    private boolean serverLine(String text, boolean terminated) {
        return serverLine(text, terminated, false);
    }

    /** @param cut the capture cut the line after these words: shown so, and taken as a whole answer */
    private boolean serverLine(String text, boolean terminated, boolean cut) {
        ServerLine line = ServerLine.parse(text);
        boolean greeting = !serverSpoke && line.kind() == Kind.UNTAGGED
                && (line.status().equals("OK") || line.status().equals("PREAUTH") || line.status().equals("BYE"));
        serverSpoke = true;
        String display = cut ? line.display() + CUT : terminated ? line.display() : line.display() + UNTERMINATED;
        emit(new ImapEvent.Response(current, line.kind(), line.tag(), line.status(), line.code(), line.text(),
                display, greeting));
        if (!line.wellFormed() && !cut) problem(ImapProblem.BAD_SYNTAX, "not an IMAP response: " + display);
        if (!terminated && !cut) return true;

        if (line.kind() != Kind.TAGGED) {
            if ("CAPABILITY".equals(line.status())) {
                capabilitiesChanged(capabilities.replace(line.text()));
            } else if (line.code() != null && (line.status().equals("OK") || line.status().equals("PREAUTH"))) {
                capabilitiesChanged(capabilities.fromCode(line.code()));
            }
            return true;
        }
        String tag = line.tag();
        String status = line.status();
        boolean ok = status.equals("OK");
        if (!ok) refusedLiteral(tag);
        tags.complete(tag);
        if (tag.equals(authenticateTag)) authenticateTag = null;
        if (tag.equals(idleTag)) idleTag = null;
        if (tag.equals(startTlsTag)) {
            startTlsTag = null;
            if (!ok) {
                emit(new ImapEvent.StartTlsRefused(current, tag, status, line.text()));
                return true;
            }
            if (compressed) {
                // RFC 4978 forbids STARTTLS after COMPRESS; the TLS would be inside the deflate stream
                problem(ImapProblem.BAD_SYNTAX, "STARTTLS accepted inside a COMPRESS stream; not switching to TLS");
                return true;
            }
            startTlsAccepted = true;
            emit(new ImapEvent.StartTlsAccepted(current, tag, line.text()));
            // RFC 3501 6.2.1: the client must discard what it knew of the capabilities
            capabilitiesChanged(capabilities.clear());
            client.tlsPending = true;
            server.tlsPending = true;
            return false;
        }
        if (ok && line.code() != null) capabilitiesChanged(capabilities.fromCode(line.code()));
        if (tag.equals(compressTag)) {
            compressTag = null;
            if (ok) {
                compressed = true;
                emit(new ImapEvent.CompressionStarted(current, compressMechanism));
                client.inflater = new DeflateInput();
                server.inflater = new DeflateInput();
                return false;
            }
        }
        return true;
    }

    /**
     * A server that does not want a synchronizing literal answers the command with a tagged NO/BAD instead of
     * "+" (e.g. APPEND of a message that is too big), and the client never sends the literal: end the client's
     * line there, or its next commands would be skipped as literal bytes.
     */
    private void refusedLiteral(String tag) {
        LineFramer framer = client.framer;
        if (client.stopped || client.inflater != null || !framer.awaitingSynchronizingLiteral()) return;
        String pending = ImapText.decode(framer.buffer(), framer.length());
        int start = ImapText.skipSpaces(pending, 0);
        if (!pending.startsWith(tag + " ", start)) return;
        At answer = current;
        current = client.literalAt;
        try {
            framer.refuseLiteral();
        } finally {
            current = answer;
        }
    }

    private void capabilitiesChanged(boolean changed) {
        if (changed) emit(new ImapEvent.Capabilities(current, capabilities.current()));
    }

    /** One direction: its framer, and whether it is compressed, switched to TLS or given up. */
    private final class Side implements LineFramer.Listener {
        final Direction direction;
        final LineFramer framer;
        DeflateInput inflater;
        boolean tlsPending;
        boolean stopped;
        long ignoredBytes;
        int bareLf;
        /** Where the last literal was announced: a refused literal's command is reported there. */
        At literalAt;
        /** The next byte fed is the first after a hole: where a TCP segment begins. */
        boolean afterGap;
        /** Binary "lines" (TLS read on after a hole, midstream) are said as such, never read as commands. */
        final io.mailscope.dissect.NotText.Guard guard = new io.mailscope.dissect.NotText.Guard();

        Side(Direction direction, int maxLine) {
            this.direction = direction;
            this.framer = new LineFramer(maxLine, this);
        }

        @Override
        public void literal(long size, boolean nonSynchronizing) {
            literalAt = current;
            emit(new ImapEvent.Literal(current, size, nonSynchronizing));
            if (size > LARGE_LITERAL) {
                problem(ImapProblem.LITERAL_TOO_LARGE, direction.sender() + " announced a literal of " + size
                        + " bytes; skipped by counting");
            }
        }

        @Override
        public void overlong(int maxLine) {
            problem(ImapProblem.OVERLONG_LINE, direction.sender() + " line longer than " + maxLine
                    + " bytes; the rest of it is skipped");
        }

        @Override
        public void retained(int bytes) {
            sink.retained(bytes);
        }

        @Override
        public void bareLf() {
            if (bareLf++ == 0) {
                problem(ImapProblem.BARE_LF, direction.sender() + " ended a line with LF instead of CRLF (reported once per"
                        + " direction)");
            }
        }

        @Override
        public boolean line(byte[] buffer, int length, boolean truncated) {
            if (guard.skip(buffer, length, current, sink)) {
                return true;
            }
            return ImapAnalyzer.this.line(this, buffer, length, truncated, true);
        }
    }
}
