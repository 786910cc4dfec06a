package io.mailscope.tcp;

/** Connections for tests of the layers above TCP, which never create them themselves. */
public final class TestConnections {
    private TestConnections() {
    }

    /** 127.0.0.1:50000 -> 127.0.0.1:port, established. */
    public static TcpConnection imap(int port) {
        TcpConnection c = new TcpConnection(1, Endpoint.parse("127.0.0.1", 50000), Endpoint.parse("127.0.0.1", port));
        c.synFrame = 1;
        c.synAckFrame = 2;
        return c;
    }

    /** 127.0.0.1:50000 -> 127.0.0.1:port, first seen mid-stream (no handshake in the capture). */
    public static TcpConnection midstream(int port) {
        TcpConnection c = new TcpConnection(1, Endpoint.parse("127.0.0.1", 50000), Endpoint.parse("127.0.0.1", port));
        c.midstream = true;
        return c;
    }
}
