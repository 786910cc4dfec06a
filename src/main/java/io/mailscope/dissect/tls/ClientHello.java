package io.mailscope.dissect.tls;

import java.util.List;

/**
 * A parsed TLS ClientHello. Lists keep wire order and include GREASE values (see {@link Grease});
 * fingerprints remove them as their definitions say.
 *
 * @param legacyVersion        the hello's legacy_version (0x0303 even for TLS 1.3)
 * @param recordVersion        the version of the record that carried it
 * @param cipherSuites         cipher suite code points
 * @param compressionMethods   compression method bytes
 * @param extensions           extension types in wire order
 * @param sni                  server_name host name, or null
 * @param alpn                 ALPN protocol names
 * @param supportedVersions    supported_versions values, empty when the extension is absent
 * @param supportedGroups      supported_groups (elliptic curves) values
 * @param ecPointFormats       ec_point_formats values
 * @param signatureAlgorithms  signature_algorithms values in wire order
 * @param keyShareGroups       groups of the key_share entries
 * @param pskModes             psk_key_exchange_modes values
 * @param ja3String            the JA3 string; ja3 is its MD5
 * @param ja4                  the JA4 fingerprint (a_b_c)
 * @param cut                  null for a hello that arrived whole; else where the capture cut it. A cut hello holds
 *                             what arrived before the cut (lists that were cut hold their complete entries, extensions
 *                             only those that arrived whole), and no fingerprints: ja3String, ja3 and ja4 are null,
 *                             since a fingerprint of part of a hello would name another client
 */
public record ClientHello(
        int legacyVersion,
        int recordVersion,
        byte[] random,
        byte[] sessionId,
        List<Integer> cipherSuites,
        List<Integer> compressionMethods,
        List<Integer> extensions,
        String sni,
        List<String> alpn,
        List<Integer> supportedVersions,
        List<Integer> supportedGroups,
        List<Integer> ecPointFormats,
        List<Integer> signatureAlgorithms,
        List<Integer> keyShareGroups,
        List<Integer> pskModes,
        boolean preSharedKey,
        boolean earlyData,
        boolean sessionTicket,
        boolean encryptThenMac,
        boolean extendedMasterSecret,
        boolean renegotiationInfo,
        boolean encryptedClientHello,
        String ja3String,
        String ja3,
        String ja4,
        Cut cut) {

    /** The capture cut this hello: its fields hold only what arrived (see {@link #cut}). */
    public boolean partial() {
        return cut != null;
    }

    /** The highest version the client offers: max of supported_versions (GREASE removed) if present, else legacy_version. */
    public int highestVersion() {
        // (a cut hello may have lost its supported_versions: rules ask partial() before trusting this)
        int best = -1;
        for (int v : supportedVersions) {
            if (!Grease.is(v) && v > best) {
                best = v;
            }
        }
        return best >= 0 ? best : legacyVersion;
    }
}
