package io.mailscope.dissect.tls.decrypt;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * Removes the protection of one direction's records under one key: the nonce and additional data of each record
 * version (TLS 1.3, TLS 1.2 AEAD with an explicit or an XORed nonce, TLS 1.2 CBC with MAC-then-encrypt or
 * encrypt-then-MAC), around one bulk cipher object made once.
 */
public abstract sealed class RecordCipher permits RecordCipher.Tls13, RecordCipher.Tls12Aead, RecordCipher.Tls12Cbc {

    /**
     * Decrypts the body of record number {@code seq} (counted from 0 under this key) into {@code out}, which must
     * hold {@code len} bytes and may be {@code in} itself (decryption in place, plaintext from index 0; the JDK's
     * ciphers copy overlapping input first, bouncycastle's CCM buffers it). Returns the plaintext length. For TLS 1.3 the plaintext still ends in the inner
     * content type and padding (see {@link #innerType}).
     */
    public abstract int open(long seq, int type, int version, byte[] in, int off, int len, byte[] out)
            throws RecordException;

    /** TLS 1.3: the real content type is the last non-zero byte; returns its index, -1 when there is none. */
    public static int innerType(byte[] plain, int len) {
        int i = len - 1;
        while (i >= 0 && plain[i] == 0) {
            i--;
        }
        return i;
    }

    static RecordCipher tls13(CipherSuiteSpec suite, byte[] secret) {
        byte[][] keys = KeySchedule.trafficKeys(suite, secret);
        return new Tls13(Aead.of(suite.bulk(), keys[0]), keys[1]);
    }

    static RecordCipher tls12(CipherSuiteSpec suite, byte[] macKey, byte[] key, byte[] iv, boolean encryptThenMac) {
        if (suite.bulk() == CipherSuiteSpec.Bulk.AES_CBC) {
            return new Tls12Cbc(suite, macKey, key, encryptThenMac);
        }
        return new Tls12Aead(Aead.of(suite.bulk(), key), iv, suite.bulk() == CipherSuiteSpec.Bulk.CHACHA20_POLY1305);
    }

    /** nonce = iv XOR the 64-bit sequence number, right-aligned (RFC 8446 5.3, RFC 7905 2). */
    static void xorNonce(byte[] iv, long seq, byte[] nonce) {
        System.arraycopy(iv, 0, nonce, 0, 12);
        for (int i = 0; i < 8; i++) {
            nonce[11 - i] ^= (byte) (seq >>> (8 * i));
        }
    }

    static void putSeq(byte[] b, long seq) {
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (seq >>> (56 - 8 * i));
        }
    }

    /** RFC 8446 5.2: additional data is the record header, as sent. */
    static final class Tls13 extends RecordCipher {
        private final Aead aead;
        private final byte[] iv;
        private final byte[] nonce = new byte[12];
        private final byte[] aad = new byte[5];

        Tls13(Aead aead, byte[] iv) {
            this.aead = aead;
            this.iv = iv;
        }

        @Override
        public int open(long seq, int type, int version, byte[] in, int off, int len, byte[] out) throws RecordException {
            xorNonce(iv, seq, nonce);
            aad[0] = (byte) type;
            aad[1] = (byte) (version >> 8);
            aad[2] = (byte) version;
            aad[3] = (byte) (len >> 8);
            aad[4] = (byte) len;
            return aead.open(nonce, aad, 5, in, off, len, out);
        }
    }

    /**
     * RFC 5288/6655: nonce = 4-byte salt + 8-byte explicit nonce at the start of the record; RFC 7905 (ChaCha20):
     * nonce = 12-byte IV XOR sequence number. Additional data: seq, type, version, plaintext length.
     */
    static final class Tls12Aead extends RecordCipher {
        private final Aead aead;
        private final byte[] iv;
        private final boolean xorNonce;
        private final byte[] nonce = new byte[12];
        private final byte[] aad = new byte[13];

        Tls12Aead(Aead aead, byte[] iv, boolean xorNonce) {
            this.aead = aead;
            this.iv = iv;
            this.xorNonce = xorNonce;
        }

        @Override
        public int open(long seq, int type, int version, byte[] in, int off, int len, byte[] out) throws RecordException {
            int explicit = 0;
            if (xorNonce) {
                xorNonce(iv, seq, nonce);
            } else {
                explicit = 8;
                if (len < explicit) {
                    throw new RecordException("record of " + len + " bytes is shorter than its explicit nonce");
                }
                System.arraycopy(iv, 0, nonce, 0, 4);
                System.arraycopy(in, off, nonce, 4, 8);
            }
            int plainLength = len - explicit - 16;
            if (plainLength < 0) {
                throw new RecordException("record of " + len + " bytes is shorter than its nonce and tag");
            }
            putSeq(aad, seq);
            aad[8] = (byte) type;
            aad[9] = (byte) (version >> 8);
            aad[10] = (byte) version;
            aad[11] = (byte) (plainLength >> 8);
            aad[12] = (byte) plainLength;
            return aead.open(nonce, aad, 13, in, off + explicit, len - explicit, out);
        }
    }

    /**
     * RFC 5246 6.2.3.2: explicit IV, then AES-CBC over content + MAC + padding (MAC-then-encrypt), or with RFC 7366
     * encrypt_then_mac the MAC after the ciphertext, computed over it. The JDK's AES/CBC (AES-NI) and HMAC. Padding
     * and MAC are checked in full; timing does not matter here, nobody answers us.
     */
    static final class Tls12Cbc extends RecordCipher {
        private final Cipher cipher;
        private final SecretKeySpec key;
        private final Mac mac;
        private final int macLength;
        private final boolean encryptThenMac;
        private final byte[] header = new byte[13];
        private final byte[] computed;

        Tls12Cbc(CipherSuiteSpec suite, byte[] macKey, byte[] key, boolean encryptThenMac) {
            try {
                this.cipher = Cipher.getInstance("AES/CBC/NoPadding");
                this.mac = Mac.getInstance(suite.macAlgorithm());
                this.mac.init(new SecretKeySpec(macKey, suite.macAlgorithm()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java lacks AES-CBC or " + suite.macAlgorithm(), e);
            }
            this.key = new SecretKeySpec(key, "AES");
            this.macLength = suite.macLength();
            this.encryptThenMac = encryptThenMac;
            this.computed = new byte[macLength];
        }

        @Override
        public int open(long seq, int type, int version, byte[] in, int off, int len, byte[] out) throws RecordException {
            int cipherLength = encryptThenMac ? len - macLength - 16 : len - 16;
            if (cipherLength < 16 || cipherLength % 16 != 0) {
                throw new RecordException("record of " + len + " bytes is not IV + whole AES blocks"
                        + (encryptThenMac ? " + MAC" : ""));
            }
            if (encryptThenMac) {
                checkMac(seq, type, version, in, off, len - macLength, in, off + len - macLength);
            }
            int n;
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(in, off, 16));
                n = cipher.doFinal(in, off + 16, cipherLength, out, 0);
            } catch (GeneralSecurityException e) {
                throw new RecordException("cannot decrypt: " + e.getMessage());
            }
            int pad = out[n - 1] & 0xff;
            int contentEnd = n - pad - 1 - (encryptThenMac ? 0 : macLength);
            if (contentEnd < 0) {
                throw new RecordException("bad padding (padding length " + pad + ")");
            }
            for (int i = n - pad - 1; i < n - 1; i++) {
                if ((out[i] & 0xff) != pad) {
                    throw new RecordException("bad padding");
                }
            }
            if (!encryptThenMac) {
                checkMac(seq, type, version, out, 0, contentEnd, out, contentEnd);
            }
            return contentEnd;
        }

        private void checkMac(long seq, int type, int version, byte[] data, int off, int len, byte[] expected,
                              int expectedOff) throws RecordException {
            putSeq(header, seq);
            header[8] = (byte) type;
            header[9] = (byte) (version >> 8);
            header[10] = (byte) version;
            header[11] = (byte) (len >> 8);
            header[12] = (byte) len;
            mac.update(header);
            mac.update(data, off, len);
            try {
                mac.doFinal(computed, 0);
            } catch (javax.crypto.ShortBufferException e) {
                throw new IllegalStateException(e);
            }
            if (!MessageDigest.isEqual(computed, java.util.Arrays.copyOfRange(expected, expectedOff, expectedOff + macLength))) {
                throw new RecordException("MAC mismatch");
            }
        }
    }
}
