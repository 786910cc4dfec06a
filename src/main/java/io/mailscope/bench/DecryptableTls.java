package io.mailscope.bench;

import io.mailscope.dissect.tls.decrypt.CipherSuiteSpec;
import io.mailscope.dissect.tls.decrypt.KeySchedule;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The TLS 1.3 of one generated connection when the capture must be decryptable (bench generate --keylog): its own
 * client and server randoms and traffic secrets (TLS_AES_128_GCM_SHA256, as the ServerHello template says), records
 * sealed for real with them (AES-GCM, nonce and additional data as RFC 8446 5.2-5.3), and the NSS key log lines
 * a client would write. Inside: an encrypted handshake ending in Finished, then IMAP FETCH requests and literal
 * responses, then close_notify, so that decrypting it runs the same paths as a real session.
 */
final class DecryptableTls {
    private static final CipherSuiteSpec SUITE = CipherSuiteSpec.of(0x1301);
    private static final int MAX_PLAINTEXT = 16_384;
    /** Offset of the random in a hello record: record header 5, handshake header 4, version 2. */
    private static final int RANDOM_AT = 11;

    private final SplittableRandom rnd;
    private final byte[] clientRandom = new byte[32];
    private final byte[] serverRandom = new byte[32];
    private final byte[][] secrets = new byte[4][]; // client hs, server hs, client app, server app
    private final Sealer client;
    private final Sealer server;
    private int tag;

    DecryptableTls(SplittableRandom rnd) {
        this.rnd = rnd;
        fill(clientRandom);
        fill(serverRandom);
        for (int i = 0; i < 4; i++) {
            secrets[i] = new byte[32];
            fill(secrets[i]);
        }
        client = new Sealer(secrets[0]);
        server = new Sealer(secrets[1]);
    }

    private void fill(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
    }

    /** The key log lines of this connection. */
    String keyLog() {
        HexFormat h = HexFormat.of();
        String r = h.formatHex(clientRandom);
        return "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + r + " " + h.formatHex(secrets[0]) + "\n"
                + "SERVER_HANDSHAKE_TRAFFIC_SECRET " + r + " " + h.formatHex(secrets[1]) + "\n"
                + "CLIENT_TRAFFIC_SECRET_0 " + r + " " + h.formatHex(secrets[2]) + "\n"
                + "SERVER_TRAFFIC_SECRET_0 " + r + " " + h.formatHex(secrets[3]) + "\n";
    }

    byte[] clientHello(byte[] template) {
        byte[] b = template.clone();
        System.arraycopy(clientRandom, 0, b, RANDOM_AT, 32);
        return b;
    }

    /** ServerHello (this connection's random), ChangeCipherSpec, then the sealed EncryptedExtensions, CertificateVerify, Finished. */
    byte[] serverFlight(byte[] serverHelloRecord) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] hello = serverHelloRecord.clone();
        System.arraycopy(serverRandom, 0, hello, RANDOM_AT, 32);
        out.writeBytes(hello);
        out.writeBytes(TlsMessages.changeCipherSpec());
        out.writeBytes(server.seal(22, handshake(8, new byte[2_574]))); // EncryptedExtensions (padded: certificate's size)
        out.writeBytes(server.seal(22, handshake(15, random(260))));    // CertificateVerify
        out.writeBytes(server.seal(22, handshake(20, random(32))));     // Finished
        server.rekey(secrets[3]);
        return out.toByteArray();
    }

    byte[] clientFinished() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(TlsMessages.changeCipherSpec());
        out.writeBytes(client.seal(22, handshake(20, random(32))));
        client.rekey(secrets[2]);
        return out.toByteArray();
    }

    /** A FETCH of one message. */
    byte[] request() {
        tag++;
        return client.seal(23, ascii("a" + tag + " FETCH " + tag + " BODY.PEEK[]\r\n"));
    }

    /** About {@code size} bytes of records answering the last request: the message as a literal, then OK. */
    byte[] response(int size) {
        String head = "* " + tag + " FETCH (BODY[] {";
        String tail = ")\r\na" + tag + " OK Fetch completed.\r\n";
        int overhead = 22 * (size / MAX_PLAINTEXT + 1); // record headers, inner types, tags
        int literal = Math.max(0, size - overhead - head.length() - tail.length() - 10);
        byte[] plain = new byte[head.length() + 10 + literal + tail.length()];
        byte[] headBytes = ascii(head + literal + "}\r\n");
        System.arraycopy(headBytes, 0, plain, 0, headBytes.length);
        int at = headBytes.length;
        for (int i = 0; i < literal; i++) {
            plain[at + i] = (byte) ('a' + (i % 26)); // a message body: its bytes are skipped, not parsed
        }
        at += literal;
        byte[] tailBytes = ascii(tail);
        System.arraycopy(tailBytes, 0, plain, at, tailBytes.length);
        int length = at + tailBytes.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + overhead);
        for (int off = 0; off < length; off += MAX_PLAINTEXT) {
            int n = Math.min(MAX_PLAINTEXT, length - off);
            out.writeBytes(server.seal(23, java.util.Arrays.copyOfRange(plain, off, off + n)));
        }
        return out.toByteArray();
    }

    byte[] closeNotify() {
        return client.seal(21, new byte[] {1, 0});
    }

    private byte[] random(int n) {
        byte[] b = new byte[n];
        fill(b);
        return b;
    }

    private static byte[] handshake(int type, byte[] body) {
        byte[] b = new byte[4 + body.length];
        b[0] = (byte) type;
        b[1] = (byte) (body.length >>> 16);
        b[2] = (byte) (body.length >>> 8);
        b[3] = (byte) body.length;
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One direction's record protection: the JDK's AES-GCM, one Cipher, the sequence number. */
    private static final class Sealer {
        private final Cipher cipher;
        private SecretKeySpec key;
        private byte[] iv;
        private long seq;

        Sealer(byte[] secret) {
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            rekey(secret);
        }

        void rekey(byte[] secret) {
            byte[][] keys = KeySchedule.trafficKeys(SUITE, secret);
            key = new SecretKeySpec(keys[0], "AES");
            iv = keys[1];
            seq = 0;
        }

        /** A TLSCiphertext record: the plaintext, its real content type, sealed under the next sequence number. */
        byte[] seal(int contentType, byte[] content) {
            int length = content.length + 1 + 16;
            byte[] record = new byte[5 + length];
            record[0] = 23;
            record[1] = 3;
            record[2] = 3;
            record[3] = (byte) (length >>> 8);
            record[4] = (byte) length;
            byte[] inner = java.util.Arrays.copyOf(content, content.length + 1);
            inner[content.length] = (byte) contentType;
            byte[] nonce = iv.clone();
            for (int i = 0; i < 8; i++) {
                nonce[11 - i] ^= (byte) (seq >>> (8 * i));
            }
            seq++;
            try {
                cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                cipher.updateAAD(record, 0, 5);
                cipher.doFinal(inner, 0, inner.length, record, 5);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return record;
        }
    }
}
