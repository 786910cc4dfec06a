package io.mailscope.cli.connect;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * The TCP connection as bytes that cross it: every byte sent or received is told to a {@link Listener} with the
 * moment it crossed (which turns it into packets to explain), whether TLS or plaintext.
 */
final class Wire {

    /** Told about everything that crosses; returns the frame number given to it. */
    interface Listener {
        long sent(byte[] b, int off, int len);

        long received(byte[] b, int off, int len);

        /** The server closed its side (FIN). */
        void serverClosed();

        /** The connection was reset. */
        void reset();
    }

    /** What a read found. */
    enum ReadResult { DATA, TIMEOUT, CLOSED, RESET }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Listener listener;
    private final Object writeLock = new Object();
    private volatile long lastReceivedFrame;
    private volatile boolean serverClosed;
    private int lastRead;

    Wire(Socket socket, Listener listener) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.listener = listener;
    }

    void send(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        synchronized (writeLock) {
            out.write(b, off, len);
            out.flush();
            listener.sent(b, off, len);
        }
    }

    /**
     * Reads what is there into {@code buf}, waiting at most {@code timeoutMillis} (0: forever). After DATA,
     * {@link #lastRead()} bytes are in {@code buf} from {@code off}.
     */
    ReadResult read(byte[] buf, int off, int len, int timeoutMillis) throws IOException {
        if (serverClosed) {
            return ReadResult.CLOSED;
        }
        try {
            socket.setSoTimeout(timeoutMillis);
            int n = in.read(buf, off, len);
            if (n < 0) {
                serverClosed = true;
                listener.serverClosed();
                return ReadResult.CLOSED;
            }
            lastRead = n;
            lastReceivedFrame = listener.received(buf, off, n);
            return ReadResult.DATA;
        } catch (SocketTimeoutException e) {
            return ReadResult.TIMEOUT;
        } catch (SocketException e) {
            if (socket.isClosed()) {
                return ReadResult.CLOSED; // closed by us, from the other thread
            }
            serverClosed = true;
            listener.reset();
            return ReadResult.RESET;
        }
    }

    int lastRead() {
        return lastRead;
    }

    /** The frame that carried the last bytes received. */
    long lastReceivedFrame() {
        return lastReceivedFrame;
    }

    boolean serverClosed() {
        return serverClosed;
    }

    /** Our side is done sending: FIN (the server may still answer). */
    void shutdownOutput() {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // already gone
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
