package io.mailscope.dissect;

import io.mailscope.tcp.Direction;

/**
 * What the line-based mail protocols (POP3, SMTP) share: one bounded {@link LineReader} per direction, the
 * upgrade handshake's bookkeeping (a direction waiting for TLS takes no bytes), and the rule that nothing is thrown
 * out of {@link #onData} or {@link #onEnd}: a failure stops that direction with an {@link SessionEvent.InternalError}.
 * Subclasses read the lines and say what a gap or the end of a stream leaves unfinished (the hooks {@link #gap},
 * {@link #endedInsideLine}, {@link #ended}), since that differs by protocol.
 */
public abstract class LineProtocolAnalyzer implements ProtocolAnalyzer {
    protected final EventSink sink;
    protected final boolean redact;
    protected final Side client;
    protected final Side server;
    /** Where the bytes being read arrived: the events they give are placed there. */
    protected At current;

    protected LineProtocolAnalyzer(EventSink sink, boolean redactCredentials, int maxLine) {
        this.sink = sink;
        this.redact = redactCredentials;
        this.client = new Side(Direction.CLIENT_TO_SERVER, maxLine);
        this.server = new Side(Direction.SERVER_TO_CLIENT, maxLine);
    }

    /** "POP3", "SMTP": how the internal-error note names the protocol. */
    protected abstract String protocolName();

    /** A complete (or, at the end, unterminated) line. Returns false when the rest of the chunk is TLS. */
    protected abstract boolean line(Side side, byte[] buf, int len, boolean truncated, boolean terminated);

    /** A line longer than the reader keeps: the rest of it is skipped. */
    protected abstract void overlong(Side side, int maxLine);

    @Override
    public int onData(Direction direction, byte[] data, int offset, int length, At at) {
        Side side = side(direction);
        if (side.tlsPending) {
            return 0;
        }
        if (side.stopped) {
            return length;
        }
        current = at;
        try {
            return side.reader.feed(data, offset, length, side);
        } catch (RuntimeException e) {
            internalError(side, e);
            return length;
        }
    }

    /** Bytes that will never arrive: not this analyzer's once TLS took the direction over or it stopped. */
    @Override
    public void onGap(Direction direction, long length, At at) {
        Side side = side(direction);
        if (side.tlsPending || side.stopped || length <= 0) {
            return;
        }
        current = at;
        gap(side, length);
    }

    /**
     * The end of a direction: a line without its CRLF is still read (unterminated), then the protocol says what else
     * was left unfinished. The direction takes nothing more.
     */
    @Override
    public void onEnd(Direction direction, At at) {
        Side side = side(direction);
        current = at;
        try {
            if (!side.tlsPending && !side.stopped) {
                LineReader r = side.reader;
                if (r.hasPartialLine()) {
                    if (!side.guard.skip(r.buffer(), r.length(), at, sink)) {
                        line(side, r.buffer(), r.length(), r.truncated(), false);
                    }
                    endedInsideLine(direction);
                }
                ended(direction);
                side.guard.end(sink);
            }
        } catch (RuntimeException e) {
            internalError(side, e);
        } finally {
            side.stopped = true;
        }
    }

    /** {@code length} bytes of this side are missing (the reader must be told: {@code side.reader.gap(length)}). */
    protected abstract void gap(Side side, long length);

    /** The stream ended inside a line (read already, as unterminated). */
    protected abstract void endedInsideLine(Direction direction);

    /** The stream ended (after any unterminated line): say what was left open, e.g. a multi-line answer. */
    protected abstract void ended(Direction direction);

    @Override
    public boolean upgradePending(Direction direction) {
        return side(direction).tlsPending;
    }

    @Override
    public void continuePlaintext(Direction direction) {
        side(direction).tlsPending = false;
    }

    protected Side side(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    protected void internalError(Side side, RuntimeException e) {
        side.stopped = true;
        sink.emit(new SessionEvent.InternalError(current, side.direction.sender() + " side no longer parsed as "
                + protocolName() + ": " + e));
    }

    /** One direction: its line reader and where it stands. */
    protected final class Side implements LineReader.Listener {
        public final Direction direction;
        public final LineReader reader;
        /** Binary "lines" (TLS read on after a hole, midstream) are said as such, never read as commands. */
        final NotText.Guard guard = new NotText.Guard();
        /** The upgrade was accepted: the next bytes of this direction should be TLS. */
        public boolean tlsPending;
        public boolean stopped;

        Side(Direction direction, int maxLine) {
            this.direction = direction;
            this.reader = new LineReader(maxLine);
        }

        @Override
        public boolean line(byte[] buffer, int length, boolean truncated, boolean bareLf) {
            if (guard.skip(buffer, length, current, sink)) {
                return true;
            }
            return LineProtocolAnalyzer.this.line(this, buffer, length, truncated, true);
        }

        @Override
        public void overlong(int maxLine) {
            LineProtocolAnalyzer.this.overlong(this, maxLine);
        }
    }
}
