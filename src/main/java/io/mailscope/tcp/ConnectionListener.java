package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;

/** Told about each TCP connection's life by the reassembler. */
public interface ConnectionListener {
    /**
     * A new connection: returns the consumer that receives its reassembled streams. For a connection first kept as a
     * compact SYN-only record ({@link #openedCompact}) this comes only when it is made whole, at its first other
     * packet or when it is reported, followed at once by its SYNs again ({@link #segment}) as they were seen;
     * {@link TcpConnection#openKey()} is then the token given at {@link #openedCompact}.
     */
    StreamConsumer opened(TcpConnection connection);

    /**
     * A connection opened with a client's SYN and is kept as a compact record until it says more (only when the
     * reassembler was asked to, {@link TcpReassembler#compactSynOnly}): no {@link TcpConnection} exists yet.
     * {@code token} identifies it until {@link #opened} and {@link #closed} (as {@link TcpConnection#openKey()}).
     */
    default void openedCompact(Object token) {
    }

    /**
     * Every segment of the connection, after the reassembler has updated its state and before any data it
     * makes contiguous is delivered. Used for the timeline (SYN, FIN, RST) and live silence detection.
     */
    default void segment(TcpConnection connection, Direction direction, TcpSegment segment) {
    }

    /** The connection is finished (closed, reset, evicted or end of capture): report it; it is then released. */
    void closed(TcpConnection connection);
}
