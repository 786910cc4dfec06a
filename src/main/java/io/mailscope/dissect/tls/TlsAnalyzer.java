package io.mailscope.dissect.tls;

import io.mailscope.dissect.At;
import io.mailscope.dissect.EventSink;
import io.mailscope.tcp.Direction;

/**
 * Follows the TLS record layer of both directions of one connection and emits {@link TlsEvent}s.
 * Decoder in Netty's style: consumes what it can, keeps the rest (bounded). (Stub: filled in by the TLS work.)
 */
public final class TlsAnalyzer {
    private final EventSink sink;

    public TlsAnalyzer(EventSink sink) {
        this.sink = sink;
    }

    /** Bytes of one direction, in order. The array is only valid during the call. */
    public void onData(Direction direction, byte[] data, int offset, int length, At at) {
    }

    public void onGap(Direction direction, long length, At at) {
    }

    public void onEnd(Direction direction, At at) {
    }

    /** Application-data (encrypted) bytes counted in this direction. */
    public long encryptedBytes(Direction direction) {
        return 0;
    }

    EventSink sink() {
        return sink;
    }
}
