package io.mailscope.dissect.tls.decrypt;

import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import java.nio.charset.StandardCharsets;

/**
 * The two key schedules a key log feeds: TLS 1.3's HKDF-Expand-Label (RFC 8446 7.1, 7.3) from a traffic secret,
 * and TLS 1.2's PRF (RFC 5246 5, 6.3) from a master secret. Built on bouncycastle's HKDF and HMAC (lightweight API:
 * no provider look-up, and this runs once per connection and direction, so its speed does not matter).
 */
public final class KeySchedule {
    private KeySchedule() {
    }

    static Digest digest(String hash) {
        return hash.equals("SHA-384") ? new SHA384Digest() : new SHA256Digest();
    }

    /** HKDF-Expand-Label(secret, label, context, length) with the "tls13 " prefix. */
    public static byte[] expandLabel(String hash, byte[] secret, String label, byte[] context, int length) {
        byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[2 + 1 + full.length + 1 + context.length];
        info[0] = (byte) (length >> 8);
        info[1] = (byte) length;
        info[2] = (byte) full.length;
        System.arraycopy(full, 0, info, 3, full.length);
        info[3 + full.length] = (byte) context.length;
        System.arraycopy(context, 0, info, 4 + full.length, context.length);
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(digest(hash));
        hkdf.init(HKDFParameters.skipExtractParameters(secret, info));
        byte[] out = new byte[length];
        hkdf.generateBytes(out, 0, length);
        return out;
    }

    /** TLS 1.3 write key and IV of a traffic secret. */
    public static byte[][] trafficKeys(CipherSuiteSpec suite, byte[] secret) {
        return new byte[][] {
                expandLabel(suite.hash(), secret, "key", new byte[0], suite.keyLength()),
                expandLabel(suite.hash(), secret, "iv", new byte[0], 12)};
    }

    /** The next TLS 1.3 traffic secret after a KeyUpdate (RFC 8446 7.2). */
    public static byte[] nextTrafficSecret(CipherSuiteSpec suite, byte[] secret) {
        return expandLabel(suite.hash(), secret, "traffic upd", new byte[0], suite.hashLength());
    }

    /** TLS 1.2 PRF(secret, label, seed) = P_hash(secret, label + seed). */
    public static byte[] prf12(String hash, byte[] secret, String label, byte[] seed, int length) {
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        byte[] labelSeed = new byte[l.length + seed.length];
        System.arraycopy(l, 0, labelSeed, 0, l.length);
        System.arraycopy(seed, 0, labelSeed, l.length, seed.length);
        HMac mac = new HMac(digest(hash));
        mac.init(new KeyParameter(secret));
        int size = mac.getMacSize();
        byte[] a = labelSeed; // A(0)
        byte[] out = new byte[length];
        int filled = 0;
        byte[] block = new byte[size];
        while (filled < length) {
            byte[] next = new byte[size];
            mac.update(a, 0, a.length);
            mac.doFinal(next, 0); // A(i) = HMAC(secret, A(i-1))
            a = next;
            mac.update(a, 0, a.length);
            mac.update(labelSeed, 0, labelSeed.length);
            mac.doFinal(block, 0);
            int n = Math.min(size, length - filled);
            System.arraycopy(block, 0, out, filled, n);
            filled += n;
        }
        return out;
    }

    /**
     * The TLS 1.2 key block split into {client MAC key, server MAC key, client key, server key, client IV, server IV}
     * (RFC 5246 6.3; the seed is server_random + client_random).
     */
    public static byte[][] keyBlock12(CipherSuiteSpec suite, byte[] masterSecret, byte[] clientRandom,
                                      byte[] serverRandom) {
        int mac = suite.macLength();
        int key = suite.keyLength();
        int iv = suite.fixedIvLength();
        byte[] seed = new byte[64];
        System.arraycopy(serverRandom, 0, seed, 0, 32);
        System.arraycopy(clientRandom, 0, seed, 32, 32);
        byte[] block = prf12(suite.hash(), masterSecret, "key expansion", seed, 2 * (mac + key + iv));
        byte[][] parts = new byte[6][];
        int[] lengths = {mac, mac, key, key, iv, iv};
        int p = 0;
        for (int i = 0; i < 6; i++) {
            parts[i] = java.util.Arrays.copyOfRange(block, p, p + lengths[i]);
            p += lengths[i];
        }
        return parts;
    }
}
