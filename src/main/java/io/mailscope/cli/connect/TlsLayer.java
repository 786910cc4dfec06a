package io.mailscope.cli.connect;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * TLS over a {@link Wire} with the JDK's {@link SSLEngine}: the engine only transforms bytes, so every record
 * that crosses is seen by the wire (and so explained), and the handshake's silences can be timed. The handshake
 * runs on the caller's thread; afterwards one thread reads ({@link #read}) while another writes ({@link #write}),
 * which the engine allows.
 */
final class TlsLayer {

    /** Decrypted bytes, and the frame whose record carried them. */
    interface PlainSink {
        void plain(byte[] b, int off, int len, long frame);
    }

    /** Told once when the server has not answered the handshake for --stall-after. */
    interface StallListener {
        void stalled(long waitedNanos);
    }

    /** How a handshake ended badly, in terms a person can act on. */
    static final class HandshakeFailure extends Exception {
        enum Kind { SERVER_ALERT, SERVER_CLOSED, RESET, TIMEOUT, LOCAL }

        final Kind kind;
        /** The alert's name when one crossed (received or sent), else null. */
        final String alert;

        HandshakeFailure(Kind kind, String alert, String message) {
            super(message);
            this.kind = kind;
            this.alert = alert;
        }
    }

    private final SSLEngine engine;
    private final Wire wire;
    private final TlsSecrets secrets;
    private final byte[] readBuf = new byte[32 * 1024];
    private ByteBuffer netIn = ByteBuffer.allocate(64 * 1024);
    private ByteBuffer appIn;
    /** Held while a record is written: the session's lock, so a line and its place in the transcript go together. */
    private final Object writeLock;
    private ByteBuffer netOut;
    private boolean closeNotifyReceived;

    TlsLayer(SSLEngine engine, Wire wire, TlsSecrets secrets, Object writeLock) {
        this.writeLock = writeLock;
        this.engine = engine;
        this.wire = wire;
        this.secrets = secrets;
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() + 1024);
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() + 1024);
    }

    SSLEngine engine() {
        return engine;
    }

    /**
     * Runs the handshake. Plaintext that arrives with the server's last flight (an implicit TLS greeting) goes to
     * {@code sink}. Throws with what went wrong; the bytes that crossed (alerts included) were all seen by the wire.
     */
    SSLSession handshake(long timeoutNanos, long stallNanos, StallListener stall, PlainSink sink) throws HandshakeFailure {
        long start = System.nanoTime();
        boolean stallTold = false;
        try {
            engine.beginHandshake();
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            while (hs != SSLEngineResult.HandshakeStatus.FINISHED && hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
                switch (hs) {
                    case NEED_TASK -> {
                        Runnable task;
                        while ((task = engine.getDelegatedTask()) != null) {
                            task.run();
                        }
                    }
                    case NEED_WRAP -> wrapAndSend(ByteBuffer.allocate(0));
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (!unwrapBuffered(sink)) {
                            long waited = System.nanoTime() - start;
                            int slice = (int) Math.max(1, Math.min(250, (timeoutNanos - waited) / 1_000_000));
                            Wire.ReadResult r = wire.read(readBuf, 0, readBuf.length, slice);
                            switch (r) {
                                case DATA -> buffer(readBuf, wire.lastRead());
                                case TIMEOUT -> {
                                    waited = System.nanoTime() - start;
                                    if (!stallTold && waited >= stallNanos) {
                                        stallTold = true;
                                        stall.stalled(waited);
                                    }
                                    if (waited >= timeoutNanos) {
                                        throw new HandshakeFailure(HandshakeFailure.Kind.TIMEOUT, null,
                                                "the server did not complete the TLS handshake within " + Math.round(timeoutNanos / 1e9) + " s");
                                    }
                                }
                                case CLOSED -> throw new HandshakeFailure(HandshakeFailure.Kind.SERVER_CLOSED, null,
                                        "the server closed the connection in the middle of the TLS handshake, without an alert");
                                case RESET -> throw new HandshakeFailure(HandshakeFailure.Kind.RESET, null,
                                        "the server reset the connection in the middle of the TLS handshake");
                            }
                        }
                    }
                    default -> {
                    }
                }
                secrets.poll(engine);
                hs = engine.getHandshakeStatus();
            }
            secrets.poll(engine);
            return engine.getSession();
        } catch (SSLException e) {
            flushAlert();
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            String received = receivedAlert(msg);
            if (received != null) {
                throw new HandshakeFailure(HandshakeFailure.Kind.SERVER_ALERT, received, "the server sent a fatal " + received + " alert");
            }
            throw new HandshakeFailure(HandshakeFailure.Kind.LOCAL, null, msg);
        } catch (IOException e) {
            throw new HandshakeFailure(HandshakeFailure.Kind.RESET, null, "the connection failed during the TLS handshake: " + e.getMessage());
        }
    }

    /** "Received fatal alert: protocol_version" -> "protocol_version". */
    static String receivedAlert(String message) {
        String marker = "Received fatal alert: ";
        int i = message.indexOf(marker);
        return i < 0 ? null : message.substring(i + marker.length()).trim();
    }

    /** After a local failure the engine holds the alert it wants to send: send it, so the server (and the explanation) sees it. */
    private void flushAlert() {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                wrapAndSend(ByteBuffer.allocate(0));
            }
        } catch (IOException | RuntimeException e) {
            // the connection is gone: nothing more can be said to the server
        }
    }

    private void buffer(byte[] b, int n) {
        if (netIn.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() * 2 + n);
            netIn.flip();
            bigger.put(netIn);
            netIn = bigger;
        }
        netIn.put(b, 0, n);
    }

    /** Unwraps what is buffered; returns false when a whole record is still missing. */
    private boolean unwrapBuffered(PlainSink sink) throws SSLException {
        netIn.flip();
        try {
            while (true) {
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                switch (r.getStatus()) {
                    case BUFFER_UNDERFLOW -> {
                        return false;
                    }
                    case BUFFER_OVERFLOW -> {
                        ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() * 2);
                        appIn.flip();
                        bigger.put(appIn);
                        appIn = bigger;
                        continue;
                    }
                    case CLOSED -> {
                        closeNotifyReceived = true;
                        deliver(sink);
                        return true;
                    }
                    case OK -> {
                    }
                }
                deliver(sink);
                return true;
            }
        } finally {
            netIn.compact();
        }
    }

    private void deliver(PlainSink sink) {
        if (appIn.position() > 0) {
            appIn.flip();
            byte[] plain = new byte[appIn.remaining()];
            appIn.get(plain);
            appIn.clear();
            sink.plain(plain, 0, plain.length, wire.lastReceivedFrame());
        }
    }

    /**
     * Reads once (waiting at most {@code timeoutMillis}) and hands any plaintext to {@code sink}. Returns what the
     * wire found; CLOSED also when the server sent close_notify.
     */
    Wire.ReadResult read(PlainSink sink, int timeoutMillis) throws IOException {
        // records already buffered (the handshake's last read may have brought the greeting) come first
        while (netIn.position() > 0 && !closeNotifyReceived) {
            int before = netIn.position();
            if (!unwrapBuffered(sink) || netIn.position() == before) {
                break;
            }
            afterUnwrap();
        }
        if (closeNotifyReceived) {
            return Wire.ReadResult.CLOSED;
        }
        Wire.ReadResult r = wire.read(readBuf, 0, readBuf.length, timeoutMillis);
        if (r != Wire.ReadResult.DATA) {
            return r;
        }
        buffer(readBuf, wire.lastRead());
        while (unwrapBuffered(sink)) {
            afterUnwrap();
            if (closeNotifyReceived || netIn.position() == 0) {
                break;
            }
        }
        return closeNotifyReceived ? Wire.ReadResult.CLOSED : Wire.ReadResult.DATA;
    }

    /** Post-handshake messages (TLS 1.3 KeyUpdate) may ask for an answer. */
    private void afterUnwrap() throws IOException {
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs == SSLEngineResult.HandshakeStatus.NEED_TASK || hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            } else {
                wrapAndSend(ByteBuffer.allocate(0));
            }
            hs = engine.getHandshakeStatus();
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        wrapAndSend(ByteBuffer.wrap(b, off, len));
    }

    private void wrapAndSend(ByteBuffer src) throws IOException {
        synchronized (writeLock) {
            do {
                netOut.clear();
                SSLEngineResult r = engine.wrap(src, netOut);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    netOut = ByteBuffer.allocate(netOut.capacity() * 2);
                    continue;
                }
                netOut.flip();
                if (netOut.hasRemaining()) {
                    byte[] bytes = new byte[netOut.remaining()];
                    netOut.get(bytes);
                    secrets.clientHello(bytes, 0, bytes.length);
                    wire.send(bytes, 0, bytes.length);
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    return;
                }
            } while (src.hasRemaining());
        }
    }

    /** Sends close_notify. */
    void close() {
        try {
            engine.closeOutbound();
            wrapAndSend(ByteBuffer.allocate(0));
        } catch (IOException | RuntimeException e) {
            // the connection is already gone
        }
    }
}
