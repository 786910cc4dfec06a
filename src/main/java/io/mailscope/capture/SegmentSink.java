package io.mailscope.capture;

/** Receives every TCP segment decoded from a capture, in capture order. */
@FunctionalInterface
public interface SegmentSink {
    /** The segment is reused after this call returns: copy what you keep. */
    void segment(TcpSegment segment);
}
