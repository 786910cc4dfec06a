package io.mailscope.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The bytes of a TLS 1.3 handshake as the generator sends them after STARTTLS: a well-formed ClientHello (SNI,
 * supported_versions, key_share...) and ServerHello, then encrypted records (application_data with random bytes).
 * Well-formed so that the full analysis does its real work on them, not an error path.
 */
final class TlsMessages {
    static final String SERVER_NAME = "imap.example.net";

    private TlsMessages() {
    }

    static byte[] clientHello(SplittableRandom rnd) {
        Builder ext = new Builder();
        byte[] name = SERVER_NAME.getBytes(StandardCharsets.US_ASCII);
        ext.u16(0x0000).u16(name.length + 5).u16(name.length + 3).u8(0).u16(name.length).bytes(name);
        ext.u16(0x000a).u16(8).u16(6).u16(0x001d).u16(0x0017).u16(0x0018);
        ext.u16(0x000b).u16(2).u8(1).u8(0);
        int[] sigs = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};
        ext.u16(0x000d).u16(2 + 2 * sigs.length).u16(2 * sigs.length);
        for (int s : sigs) {
            ext.u16(s);
        }
        ext.u16(0x0010).u16(7).u16(5).u8(4).bytes("imap".getBytes(StandardCharsets.US_ASCII));
        ext.u16(0x002b).u16(5).u8(4).u16(0x0304).u16(0x0303);
        ext.u16(0x002d).u16(2).u8(1).u8(1);
        ext.u16(0x0033).u16(38).u16(36).u16(0x001d).u16(32).bytes(random(rnd, 32));

        int[] suites = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
                0x009c, 0x009d, 0x002f, 0x0035};
        Builder body = new Builder();
        body.u16(0x0303).bytes(random(rnd, 32)).u8(32).bytes(random(rnd, 32)).u16(2 * suites.length);
        for (int s : suites) {
            body.u16(s);
        }
        body.u8(1).u8(0).u16(ext.size()).bytes(ext.toByteArray());
        return record(0x16, 0x0301, handshake(1, body.toByteArray()));
    }

    /** ServerHello, ChangeCipherSpec, then the encrypted rest of the server's flight (certificate and all). */
    static byte[] serverFlight(SplittableRandom rnd) {
        Builder ext = new Builder();
        ext.u16(0x002b).u16(2).u16(0x0304);
        ext.u16(0x0033).u16(36).u16(0x001d).u16(32).bytes(random(rnd, 32));
        Builder body = new Builder();
        body.u16(0x0303).bytes(random(rnd, 32)).u8(32).bytes(random(rnd, 32)).u16(0x1301).u8(0)
                .u16(ext.size()).bytes(ext.toByteArray());
        Builder flight = new Builder();
        flight.bytes(record(0x16, 0x0303, handshake(2, body.toByteArray())));
        flight.bytes(changeCipherSpec());
        flight.bytes(applicationData(rnd, 2_600)); // EncryptedExtensions + Certificate
        flight.bytes(applicationData(rnd, 281)); // CertificateVerify
        flight.bytes(applicationData(rnd, 69)); // Finished
        return flight.toByteArray();
    }

    /** The client's ChangeCipherSpec and encrypted Finished. */
    static byte[] clientFinished(SplittableRandom rnd) {
        Builder b = new Builder();
        b.bytes(changeCipherSpec()).bytes(applicationData(rnd, 53));
        return b.toByteArray();
    }

    static byte[] changeCipherSpec() {
        return record(0x14, 0x0303, new byte[] {1});
    }

    static byte[] applicationData(SplittableRandom rnd, int length) {
        return record(0x17, 0x0303, random(rnd, length));
    }

    /**
     * Fills {@code out[off..off+5+length)} with an application_data record whose body is a slice of {@code noise}
     * (cheap: records of the data phase need not be distinct random bytes).
     */
    static void applicationDataInto(byte[] out, int off, int length, byte[] noise, int noiseOffset) {
        out[off] = 0x17;
        out[off + 1] = 3;
        out[off + 2] = 3;
        out[off + 3] = (byte) (length >>> 8);
        out[off + 4] = (byte) length;
        System.arraycopy(noise, noiseOffset, out, off + 5, length);
    }

    private static byte[] handshake(int type, byte[] body) {
        Builder b = new Builder();
        b.u8(type).u24(body.length).bytes(body);
        return b.toByteArray();
    }

    private static byte[] record(int type, int version, byte[] fragment) {
        Builder b = new Builder();
        b.u8(type).u16(version).u16(fragment.length).bytes(fragment);
        return b.toByteArray();
    }

    private static byte[] random(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private static final class Builder extends ByteArrayOutputStream {
        Builder u8(int v) {
            write(v);
            return this;
        }

        Builder u16(int v) {
            write(v >>> 8);
            write(v);
            return this;
        }

        Builder u24(int v) {
            write(v >>> 16);
            return u16(v & 0xffff);
        }

        Builder bytes(byte[] b) {
            writeBytes(b);
            return this;
        }
    }
}
