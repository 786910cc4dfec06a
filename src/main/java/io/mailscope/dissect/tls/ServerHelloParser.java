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
        WireReader r = new WireReader(body, off, len);
        int legacyVersion = r.u16("legacy_version");
        byte[] random = r.bytes(32, "random");
        byte[] sessionId = r.sessionId("legacy_session_id_echo");
        int cipher = r.u16("cipher_suite");
        int compression = r.u8("legacy_compression_method");
        boolean hrr = Arrays.equals(random, HRR_RANDOM);

        List<Integer> extensions = new ArrayList<>();
        int selected = legacyVersion;
        String alpn = null;
        int keyShareGroup = -1;
        if (r.remaining() > 0) {
            WireReader exts = r.vector(2, "extensions");
            while (exts.remaining() > 0) {
                int type = exts.u16("extension type");
                WireReader e = exts.vector(2, "extension_data");
                extensions.add(type);
                switch (type) {
                    case ClientHelloParser.EXT_SUPPORTED_VERSIONS -> selected = e.u16("selected_version");
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
            if (r.remaining() > 0) {
                throw new Malformed(r.remaining() + " bytes after the extensions");
            }
        }
        List<Integer> ext = List.copyOf(extensions);
        String ja3s = Fingerprints.ja3sString(legacyVersion, cipher, ext);
        return new ServerHello(legacyVersion, selected, random, sessionId, cipher, compression, ext, alpn,
                keyShareGroup, hrr, ja3s, Fingerprints.md5Hex(ja3s));
    }
}
