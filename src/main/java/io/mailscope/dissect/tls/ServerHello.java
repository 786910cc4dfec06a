package io.mailscope.dissect.tls;

import java.util.List;

/**
 * A parsed TLS ServerHello (or HelloRetryRequest, which TLS 1.3 sends as a ServerHello with a fixed random).
 *
 * @param legacyVersion     the hello's legacy_version
 * @param selectedVersion   the negotiated version: supported_versions if present (TLS 1.3), else legacy_version; in a
 *                          hello cut before its extensions, TLS 1.3 when the chosen suite is a TLS 1.3 suite (only
 *                          TLS 1.3 has them), else legacy_version; -1 when cut before the cipher suite
 * @param cipherSuite       the chosen cipher suite
 * @param compressionMethod the chosen compression
 * @param extensions        extension types in wire order
 * @param alpn              the chosen ALPN protocol or null
 * @param keyShareGroup     the group of the server's key_share, or -1
 * @param helloRetryRequest true for a HelloRetryRequest
 * @param ja3sString        the JA3S string; ja3s is its MD5; both null in a cut hello
 * @param cut               null for a hello that arrived whole; else where the capture cut it
 */
public record ServerHello(
        int legacyVersion,
        int selectedVersion,
        byte[] random,
        byte[] sessionId,
        int cipherSuite,
        int compressionMethod,
        List<Integer> extensions,
        String alpn,
        int keyShareGroup,
        boolean helloRetryRequest,
        String ja3sString,
        String ja3s,
        Cut cut) {

    /** The capture cut this hello: its fields hold only what arrived (see {@link #cut}). */
    public boolean partial() {
        return cut != null;
    }
}
