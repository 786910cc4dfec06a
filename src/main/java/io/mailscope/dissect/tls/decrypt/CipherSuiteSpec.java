package io.mailscope.dissect.tls.decrypt;

/**
 * What decrypting a cipher suite needs: its bulk cipher, key length, MAC (CBC suites only) and the hash of its
 * key schedule (TLS 1.3 HKDF, TLS 1.2 PRF). Only the record protection matters here, so suites that differ only in
 * key exchange or authentication (ECDHE_RSA, ECDHE_ECDSA, DHE_RSA, RSA) share a spec.
 *
 * @param keyLength  bulk key bytes
 * @param fixedIvLength IV bytes from the key schedule: 12 for TLS 1.3 and ChaCha20, 4 for TLS 1.2 GCM/CCM, 0 for CBC
 * @param macAlgorithm JCA name of the HMAC of a CBC suite, or null for AEAD suites
 * @param macLength  HMAC bytes (0 for AEAD)
 * @param hash       JCA name of the key schedule's hash: SHA-256 or SHA-384
 */
public record CipherSuiteSpec(int id, Bulk bulk, int keyLength, int fixedIvLength, String macAlgorithm, int macLength,
                              String hash, boolean tls13) {

    public enum Bulk {
        AES_GCM(16), AES_CCM(16), AES_CCM_8(8), CHACHA20_POLY1305(16), AES_CBC(0);

        /** The AEAD tag length; 0 for CBC. */
        public final int tagLength;

        Bulk(int tagLength) {
            this.tagLength = tagLength;
        }
    }

    /** The spec of a suite, or null when mailscope cannot decrypt it (export, RC4, 3DES, CAMELLIA, NULL...). */
    public static CipherSuiteSpec of(int id) {
        return switch (id) {
            case 0x1301 -> tls13(id, Bulk.AES_GCM, 16, "SHA-256");
            case 0x1302 -> tls13(id, Bulk.AES_GCM, 32, "SHA-384");
            case 0x1303 -> tls13(id, Bulk.CHACHA20_POLY1305, 32, "SHA-256");
            case 0x1304 -> tls13(id, Bulk.AES_CCM, 16, "SHA-256");
            case 0x1305 -> tls13(id, Bulk.AES_CCM_8, 16, "SHA-256");
            // TLS 1.2 AES-GCM: RSA, DHE_RSA, ECDHE_ECDSA, ECDHE_RSA
            case 0x009c, 0x009e, 0xc02b, 0xc02f -> aead12(id, Bulk.AES_GCM, 16, 4, "SHA-256");
            case 0x009d, 0x009f, 0xc02c, 0xc030 -> aead12(id, Bulk.AES_GCM, 32, 4, "SHA-384");
            // TLS 1.2 ChaCha20-Poly1305 (RFC 7905): ECDHE_RSA, ECDHE_ECDSA, DHE_RSA
            case 0xcca8, 0xcca9, 0xccaa -> aead12(id, Bulk.CHACHA20_POLY1305, 32, 12, "SHA-256");
            // TLS 1.2 AES-CCM (RFC 6655, 7251)
            case 0xc09c, 0xc09e, 0xc0ac -> aead12(id, Bulk.AES_CCM, 16, 4, "SHA-256");
            case 0xc09d, 0xc09f, 0xc0ad -> aead12(id, Bulk.AES_CCM, 32, 4, "SHA-256");
            case 0xc0a0, 0xc0a2, 0xc0ae -> aead12(id, Bulk.AES_CCM_8, 16, 4, "SHA-256");
            case 0xc0a1, 0xc0a3, 0xc0af -> aead12(id, Bulk.AES_CCM_8, 32, 4, "SHA-256");
            // TLS 1.2 AES-CBC with HMAC-SHA1: RSA, DHE_RSA, ECDHE_ECDSA, ECDHE_RSA
            case 0x002f, 0x0033, 0xc009, 0xc013 -> cbc(id, 16, "HmacSHA1", 20, "SHA-256");
            case 0x0035, 0x0039, 0xc00a, 0xc014 -> cbc(id, 32, "HmacSHA1", 20, "SHA-256");
            case 0x003c, 0x0067, 0xc023, 0xc027 -> cbc(id, 16, "HmacSHA256", 32, "SHA-256");
            case 0x003d, 0x006b -> cbc(id, 32, "HmacSHA256", 32, "SHA-256");
            case 0xc024, 0xc028 -> cbc(id, 32, "HmacSHA384", 48, "SHA-384");
            default -> null;
        };
    }

    private static CipherSuiteSpec tls13(int id, Bulk bulk, int keyLength, String hash) {
        return new CipherSuiteSpec(id, bulk, keyLength, 12, null, 0, hash, true);
    }

    private static CipherSuiteSpec aead12(int id, Bulk bulk, int keyLength, int ivLength, String hash) {
        return new CipherSuiteSpec(id, bulk, keyLength, ivLength, null, 0, hash, false);
    }

    private static CipherSuiteSpec cbc(int id, int keyLength, String mac, int macLength, String hash) {
        return new CipherSuiteSpec(id, Bulk.AES_CBC, keyLength, 0, mac, macLength, hash, false);
    }

    /** Bytes of hash output: the length of a TLS 1.3 traffic secret. */
    public int hashLength() {
        return hash.equals("SHA-384") ? 48 : 32;
    }
}
