package io.mailscope.capture.live;

import java.util.Objects;

import io.mailscope.capture.FrameSink;

/**
 * Hands every frame to two sinks in order, e.g. the {@link io.mailscope.capture.PcapWriter} of {@code -w} first (so the file has
 * the frame even if analysis then fails on it), then the analysis.
 */
public record Tee(FrameSink first, FrameSink second) implements FrameSink {
    public Tee {
        Objects.requireNonNull(first);
        Objects.requireNonNull(second);
    }

    @Override
    public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
        first.frame(frameNumber, timeNanos, linkType, buf, offset, capLen, origLen);
        second.frame(frameNumber, timeNanos, linkType, buf, offset, capLen, origLen);
    }
}
