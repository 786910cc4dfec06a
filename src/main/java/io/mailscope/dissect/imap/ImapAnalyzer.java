package io.mailscope.dissect.imap;

import io.mailscope.dissect.At;
import io.mailscope.dissect.EventSink;
import io.mailscope.tcp.Direction;

import java.util.Set;

/**
 * Parses the IMAP of both directions of one connection and emits {@link ImapEvent}s. (Stub: filled in by the IMAP work.)
 */
public final class ImapAnalyzer {
    private final EventSink sink;

    public ImapAnalyzer(EventSink sink, boolean redactCredentials) {
        this.sink = sink;
    }

    /**
     * Feeds bytes of one direction. Returns how many were consumed as IMAP: all of them, except when this
     * direction switched to TLS (see {@link #tlsPending}) inside this chunk, in which case the bytes after the
     * switching line are left for the next analyzer. Once tlsPending(direction) is true this returns 0.
     */
    public int onData(Direction direction, byte[] data, int offset, int length, At at) {
        return length;
    }

    public void onGap(Direction direction, long length, At at) {
    }

    public void onEnd(Direction direction, At at) {
    }

    /** True once the server's tagged OK to STARTTLS was seen: the next bytes of this direction should be TLS. */
    public boolean tlsPending(Direction direction) {
        return false;
    }

    /** The direction went on in plaintext after STARTTLS: keep parsing it as IMAP. */
    public void continuePlaintext(Direction direction) {
    }

    /** The capabilities the server has advertised so far (upper-case). */
    public Set<String> capabilities() {
        return Set.of();
    }

    EventSink sink() {
        return sink;
    }
}
