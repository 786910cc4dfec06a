package io.mailscope.capture;

/** Receives raw captured frames. The buffer is reused after the call returns. */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param linkType  the LINKTYPE_ value of the frame's interface
     * @param capLen    bytes present in the capture
     * @param origLen   bytes on the wire
     */
    void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen);
}
