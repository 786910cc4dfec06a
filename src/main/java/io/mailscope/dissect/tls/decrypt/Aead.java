package io.mailscope.dissect.tls.decrypt;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * One AEAD key of one direction: opens a ciphertext-and-tag with a nonce and additional data.
 *
 * <p>Which implementation, by measurement (16 KiB records, JDK 17 on this project's x86-64 build machine, see
 * {@code mailscope bench}): the JDK's AES/GCM decrypts at about 5 GB/s once warm (AES-NI and CLMUL intrinsics),
 * bouncycastle's lightweight GCMBlockCipher at 130 MB/s; the JDK's ChaCha20-Poly1305 at 600-900 MB/s against
 * bouncycastle's 300 MB/s. So GCM and ChaCha20 use the JDK. The JDK has no AES-CCM: that is bouncycastle's
 * CCMBlockCipher. Each object holds its own {@link Cipher}, made once per direction and key, never per record.
 */
sealed interface Aead permits Aead.Jdk, Aead.BcCcm {

    /** Decrypts {@code in[off, off+len)} (ciphertext then tag) into {@code out}; returns the plaintext length. */
    int open(byte[] nonce, byte[] aad, int aadLen, byte[] in, int off, int len, byte[] out) throws RecordException;

    static Aead of(CipherSuiteSpec.Bulk bulk, byte[] key) {
        return switch (bulk) {
            case AES_GCM -> new Jdk("AES/GCM/NoPadding", new SecretKeySpec(key, "AES"), true);
            case CHACHA20_POLY1305 -> new Jdk("ChaCha20-Poly1305", new SecretKeySpec(key, "ChaCha20"), false);
            case AES_CCM, AES_CCM_8 -> new BcCcm(key, bulk.tagLength);
            case AES_CBC -> throw new IllegalArgumentException("CBC is not an AEAD");
        };
    }

    final class Jdk implements Aead {
        private final Cipher cipher;
        private final SecretKeySpec key;
        private final boolean gcm;

        Jdk(String transformation, SecretKeySpec key, boolean gcm) {
            try {
                this.cipher = Cipher.getInstance(transformation);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java has no " + transformation, e);
            }
            this.key = key;
            this.gcm = gcm;
        }

        @Override
        public int open(byte[] nonce, byte[] aad, int aadLen, byte[] in, int off, int len, byte[] out)
                throws RecordException {
            if (len < 16) {
                throw new RecordException("record of " + len + " bytes is shorter than its authentication tag");
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, gcm ? new GCMParameterSpec(128, nonce) : new IvParameterSpec(nonce));
                cipher.updateAAD(aad, 0, aadLen);
                return cipher.doFinal(in, off, len, out, 0);
            } catch (AEADBadTagException e) {
                throw new RecordException("authentication tag mismatch");
            } catch (GeneralSecurityException e) {
                throw new RecordException("cannot decrypt: " + e.getMessage());
            }
        }
    }

    final class BcCcm implements Aead {
        private final CCMModeCipher cipher = CCMBlockCipher.newInstance(AESEngine.newInstance());
        private final KeyParameter key;
        private final int tagLength;

        BcCcm(byte[] key, int tagLength) {
            this.key = new KeyParameter(key);
            this.tagLength = tagLength;
        }

        @Override
        public int open(byte[] nonce, byte[] aad, int aadLen, byte[] in, int off, int len, byte[] out)
                throws RecordException {
            if (len < tagLength) {
                throw new RecordException("record of " + len + " bytes is shorter than its authentication tag");
            }
            byte[] ad = aadLen == aad.length ? aad : java.util.Arrays.copyOf(aad, aadLen);
            cipher.init(false, new AEADParameters(key, tagLength * 8, nonce, ad));
            try {
                int n = cipher.processBytes(in, off, len, out, 0);
                return n + cipher.doFinal(out, n);
            } catch (InvalidCipherTextException e) {
                throw new RecordException("authentication tag mismatch");
            }
        }
    }
}
