package io.mailscope.cli.connect;

import javax.crypto.SecretKey;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The TLS secrets of one connection in the NSS key log format (what SSLKEYLOGFILE means to curl and browsers), so
 * Wireshark, tshark or {@code mailscope analyze --keylog} can decrypt a capture of it.
 *
 * <p>The JDK has no key log. Its engine keeps the secrets where reflection can read them when the package is
 * open ({@code --add-opens java.base/sun.security.ssl=ALL-UNNAMED}; the mailscope jar's manifest says so): TLS 1.3's
 * handshake traffic secrets are the handshake context's {@code baseReadSecret}/{@code baseWriteSecret} once the
 * ServerHello is in, its application traffic secrets the {@code baseSecret} of the record layer's read and write
 * ciphers once the Finished messages are; they are collected after every step of the handshake ({@link #poll}).
 * TLS 1.2's master secret is in the session. BouncyCastle's TLS API would expose them openly, but
 * it is not available to this build. When reflection is refused, {@link #unavailable()} says why.
 */
final class TlsSecrets {
    private static final String LABEL_CHTS = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    private static final String LABEL_SHTS = "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    private static final String LABEL_CATS = "CLIENT_TRAFFIC_SECRET_0";
    private static final String LABEL_SATS = "SERVER_TRAFFIC_SECRET_0";

    private static final Reflection REFLECTION = Reflection.open();

    private final List<byte[]> reads = new ArrayList<>();
    private final List<byte[]> writes = new ArrayList<>();
    private byte[] clientRandom;

    /** Null when secrets can be read, else why not (one sentence). */
    static String unavailable() {
        return REFLECTION.failure;
    }

    /** The client random, taken from the ClientHello as it went out (record header 5 + handshake header 4 + version 2). */
    void clientHello(byte[] record, int off, int len) {
        if (clientRandom == null && len >= 43 && record[off] == 22 && record[off + 5] == 1) {
            clientRandom = java.util.Arrays.copyOfRange(record, off + 11, off + 43);
        }
    }

    /** Notes the engine's current record-layer secrets (TLS 1.3): call after every wrap and unwrap of the handshake. */
    void poll(SSLEngine engine) {
        if (REFLECTION.failure != null) {
            return;
        }
        // the handshake's own secrets first (they come first), then the record layer's current ones
        addIfNew(reads, REFLECTION.handshakeSecret(engine, true));
        addIfNew(writes, REFLECTION.handshakeSecret(engine, false));
        addIfNew(reads, REFLECTION.secret(engine, true));
        addIfNew(writes, REFLECTION.secret(engine, false));
    }

    private static void addIfNew(List<byte[]> list, byte[] secret) {
        if (secret == null) {
            return;
        }
        for (byte[] known : list) {
            if (java.util.Arrays.equals(known, secret)) {
                return;
            }
        }
        list.add(secret);
    }

    /** The key log lines known so far, for a session of {@code protocol} ("TLSv1.3", "TLSv1.2"). */
    List<String> lines(String protocol, SSLSession session) {
        List<String> out = new ArrayList<>();
        if (clientRandom == null || REFLECTION.failure != null) {
            return out;
        }
        HexFormat hex = HexFormat.of();
        String random = hex.formatHex(clientRandom);
        if ("TLSv1.3".equals(protocol)) {
            String[] readLabels = {LABEL_SHTS, LABEL_SATS};
            String[] writeLabels = {LABEL_CHTS, LABEL_CATS};
            for (int i = 0; i < Math.min(2, writes.size()); i++) {
                out.add(writeLabels[i] + " " + random + " " + hex.formatHex(writes.get(i)));
            }
            for (int i = 0; i < Math.min(2, reads.size()); i++) {
                out.add(readLabels[i] + " " + random + " " + hex.formatHex(reads.get(i)));
            }
        } else if (session != null) {
            byte[] master = REFLECTION.masterSecret(session);
            if (master != null) {
                out.add("CLIENT_RANDOM " + random + " " + hex.formatHex(master));
            }
        }
        return out;
    }

    /** The reflective access, opened once. */
    private static final class Reflection {
        final String failure;
        Field conContext;
        Field inputRecord;
        Field outputRecord;
        Field readCipher;
        Field writeCipher;
        Field readBase;
        Field writeBase;
        Field handshakeContext;
        Field handshakeRead;
        Field handshakeWrite;
        Method masterSecret;

        private Reflection(String failure) {
            this.failure = failure;
        }

        static Reflection open() {
            try {
                Reflection r = new Reflection(null);
                Class<?> engine = Class.forName("sun.security.ssl.SSLEngineImpl");
                r.conContext = open(engine.getDeclaredField("conContext"));
                Class<?> transport = Class.forName("sun.security.ssl.TransportContext");
                r.inputRecord = open(transport.getDeclaredField("inputRecord"));
                r.outputRecord = open(transport.getDeclaredField("outputRecord"));
                r.readCipher = open(Class.forName("sun.security.ssl.InputRecord").getDeclaredField("readCipher"));
                r.writeCipher = open(Class.forName("sun.security.ssl.OutputRecord").getDeclaredField("writeCipher"));
                r.readBase = open(Class.forName("sun.security.ssl.SSLCipher$SSLReadCipher").getDeclaredField("baseSecret"));
                r.writeBase = open(Class.forName("sun.security.ssl.SSLCipher$SSLWriteCipher").getDeclaredField("baseSecret"));
                r.handshakeContext = open(transport.getDeclaredField("handshakeContext"));
                Class<?> hc = Class.forName("sun.security.ssl.HandshakeContext");
                r.handshakeRead = open(hc.getDeclaredField("baseReadSecret"));
                r.handshakeWrite = open(hc.getDeclaredField("baseWriteSecret"));
                r.masterSecret = Class.forName("sun.security.ssl.SSLSessionImpl").getDeclaredMethod("getMasterSecret");
                r.masterSecret.setAccessible(true);
                return r;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Reflection("this Java does not let mailscope read its TLS secrets (" + e.getClass().getSimpleName()
                        + "); run it with --add-opens java.base/sun.security.ssl=ALL-UNNAMED");
            }
        }

        private static Field open(Field f) {
            f.setAccessible(true);
            return f;
        }

        byte[] secret(SSLEngine engine, boolean read) {
            try {
                Object ctx = conContext.get(engine);
                Object record = (read ? inputRecord : outputRecord).get(ctx);
                Object cipher = (read ? readCipher : writeCipher).get(record);
                Object key = cipher == null ? null : (read ? readBase : writeBase).get(cipher);
                return key instanceof SecretKey k ? k.getEncoded() : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        byte[] handshakeSecret(SSLEngine engine, boolean read) {
            try {
                Object hc = handshakeContext.get(conContext.get(engine));
                Object key = hc == null ? null : (read ? handshakeRead : handshakeWrite).get(hc);
                return key instanceof SecretKey k ? k.getEncoded() : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }

        byte[] masterSecret(SSLSession session) {
            try {
                Object key = masterSecret.invoke(session);
                return key instanceof SecretKey k ? k.getEncoded() : null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }
}
