package io.mailscope.tcp;

/**
 * Receives the reassembled byte streams of one connection, both directions, in capture order.
 * Modelled on Zeek's analyzer interface (DeliverStream, Undelivered, EndOfData).
 */
public interface StreamConsumer {
    /**
     * Contiguous bytes in one direction. The array is only valid during the call.
     *
     * @param frame     frame number of the segment that made these bytes contiguous
     * @param timeNanos that segment's timestamp
     */
    void onData(Direction direction, byte[] data, int offset, int length, long frame, long timeNanos);

    /** Bytes that will never arrive (lost before the capture, or dropped by a memory limit). */
    void onGap(Direction direction, long length, long frame, long timeNanos);

    /** No more bytes in this direction (FIN, RST, eviction or end of capture). Called at most once per direction. */
    void onEnd(Direction direction, long frame, long timeNanos);

    StreamConsumer IGNORE = new StreamConsumer() {
        @Override
        public void onData(Direction direction, byte[] data, int offset, int length, long frame, long timeNanos) {
        }

        @Override
        public void onGap(Direction direction, long length, long frame, long timeNanos) {
        }

        @Override
        public void onEnd(Direction direction, long frame, long timeNanos) {
        }
    };
}
