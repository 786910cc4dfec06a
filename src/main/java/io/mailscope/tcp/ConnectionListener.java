package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;

/** Told about each TCP connection's life by the reassembler. */
public interface ConnectionListener {
    /** A new connection: returns the consumer that receives its reassembled streams. */
    StreamConsumer opened(TcpConnection connection);

    /**
     * Every segment of the connection, after the reassembler has updated its state and before any data it
     * makes contiguous is delivered. Used for the timeline (SYN, FIN, RST) and live silence detection.
     */
    default void segment(TcpConnection connection, Direction direction, TcpSegment segment) {
    }

    /** The connection is finished (closed, reset, evicted or end of capture): report it; it is then released. */
    void closed(TcpConnection connection);
}
