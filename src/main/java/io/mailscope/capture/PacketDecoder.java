package io.mailscope.capture;

/**
 * Decodes link, IP and TCP headers of raw frames into a reused {@link TcpSegment} and passes TCP to a sink;
 * counts and skips everything else. Shared by file reading and live capture. (Stub: filled in by the capture work.)
 */
public final class PacketDecoder implements FrameSink {
    private final SegmentSink sink;

    public PacketDecoder(SegmentSink sink) {
        this.sink = sink;
    }

    /** True when frames of this LINKTYPE_ value can be decoded. */
    public static boolean supportsLinkType(int linkType) {
        return false;
    }

    @Override
    public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
    }

    public CaptureStats stats() {
        return new CaptureStats(0, 0, 0, 0, 0, 0);
    }

    SegmentSink sink() {
        return sink;
    }
}
