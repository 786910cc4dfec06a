package io.mailscope.dissect.tls;

import io.mailscope.dissect.tls.WireReader.Malformed;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** Parses a ServerHello handshake body (RFC 8446 4.1.3), recognising a HelloRetryRequest by its random. */
final class ServerHelloParser {
    private ServerHelloParser() {
    }

    /** SHA-256("HelloRetryRequest"): the fixed random of a HelloRetryRequest (RFC 8446 4.1.3). */
    private static final byte[] HRR_RANDOM = HexFormat.of()
            .parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    static ServerHello parse(byte[] body, int off, int len) throws Malformed {
        return parse(body, off, len, len);
    }

    /**
     * Parses a ServerHello of which only {@code captured} of its {@code length} body bytes arrived: the fields that
     * arrived, the extensions that arrived whole, where the cut fell, no JA3S. The negotiated version of a hello cut
     * before its supported_versions still follows from the chosen suite: TLS 1.3's suites (0x1301-0x1305) exist only
     * in TLS 1.3, and any other suite means the legacy_version is the negotiated one.
     */
    static ServerHello parse(byte[] body, int off, int captured, int length) throws Malformed {
        boolean whole = captured >= length;
        WireReader r = new WireReader(body, off, Math.min(captured, length));
        int legacyVersion = -1;
        byte[] random = new byte[0];
        byte[] sessionId = new byte[0];
        int cipher = -1;
        int compression = -1;
        List<Integer> extensions = new ArrayList<>();
        int selected = -1;
        boolean versionSeen = false;
        String alpn = null;
        int keyShareGroup = -1;
        String cutIn = null;
        try {
            legacyVersion = r.u16("legacy_version");
            random = r.bytes(32, "random");
            sessionId = r.sessionId("legacy_session_id_echo");
            cipher = r.u16("cipher_suite");
            compression = r.u8("legacy_compression_method");
            if (r.remaining() > 0 || !whole) {
                int claimed = r.u16("extensions");
                WireReader exts = r.sub(Math.min(claimed, r.remaining()), "extensions");
                if (whole && exts.remaining() < claimed) {
                    throw new Malformed("extensions: needs " + claimed + " bytes, " + exts.remaining() + " left");
                }
                while (exts.remaining() > 0) {
                    int type = exts.u16("extensions");
                    WireReader e = exts.vector(2, "extension " + TlsNames.extension(type));
                    extensions.add(type);
                    switch (type) {
                        case ClientHelloParser.EXT_SUPPORTED_VERSIONS -> {
                            selected = e.u16("selected_version");
                            versionSeen = true;
                        }
                        case ClientHelloParser.EXT_ALPN -> {
                            List<String> names = ClientHelloParser.alpnNames(e);
                            alpn = names.isEmpty() ? null : names.get(0);
                        }
                        // ServerHello: KeyShareEntry (group + key); HelloRetryRequest: just the selected group.
                        case ClientHelloParser.EXT_KEY_SHARE -> keyShareGroup = e.u16("key_share group");
                        default -> {
                            // listed by type only
                        }
                    }
                }
                if (!whole) {
                    throw new WireReader.Short("extensions", "extensions cut");
                }
            }
            if (r.remaining() > 0) {
                throw new Malformed(r.remaining() + " bytes after the extensions");
            }
        } catch (WireReader.Short e) {
            if (whole) {
                throw e;
            }
            cutIn = e.what;
        }
        boolean hrr = Arrays.equals(random, HRR_RANDOM);
        if (!versionSeen) {
            selected = whole ? legacyVersion : cipher < 0 ? -1 : tls13Suite(cipher) ? 0x0304 : legacyVersion;
        }
        List<Integer> ext = List.copyOf(extensions);
        if (!whole) {
            return new ServerHello(legacyVersion, selected, random, sessionId, cipher, compression, ext, alpn,
                    keyShareGroup, hrr, null, null, new Cut(captured, length, cutIn));
        }
        String ja3s = Fingerprints.ja3sString(legacyVersion, cipher, ext);
        return new ServerHello(legacyVersion, selected, random, sessionId, cipher, compression, ext, alpn,
                keyShareGroup, hrr, ja3s, Fingerprints.md5Hex(ja3s), null);
    }

    /** TLS 1.3's cipher suites (RFC 8446 B.4, RFC 8998, RFC 9150): a server can choose one only in TLS 1.3. */
    static boolean tls13Suite(int cipher) {
        return cipher >= 0x1301 && cipher <= 0x1305 || cipher == 0x00c6 || cipher == 0x00c7 || cipher == 0xc0b4
                || cipher == 0xc0b5;
    }
}
