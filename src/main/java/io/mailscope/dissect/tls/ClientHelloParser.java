package io.mailscope.dissect.tls;

import io.mailscope.dissect.tls.WireReader.Malformed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Parses a ClientHello handshake body (RFC 8446 4.1.2, RFC 5246 7.4.1.2) and computes JA3 and JA4. */
final class ClientHelloParser {
    private ClientHelloParser() {
    }

    static final int EXT_SERVER_NAME = 0x0000;
    static final int EXT_SUPPORTED_GROUPS = 0x000a;
    static final int EXT_EC_POINT_FORMATS = 0x000b;
    static final int EXT_SIGNATURE_ALGORITHMS = 0x000d;
    static final int EXT_ALPN = 0x0010;
    static final int EXT_ENCRYPT_THEN_MAC = 0x0016;
    static final int EXT_EXTENDED_MASTER_SECRET = 0x0017;
    static final int EXT_SESSION_TICKET = 0x0023;
    static final int EXT_PRE_SHARED_KEY = 0x0029;
    static final int EXT_EARLY_DATA = 0x002a;
    static final int EXT_SUPPORTED_VERSIONS = 0x002b;
    static final int EXT_PSK_KEY_EXCHANGE_MODES = 0x002d;
    static final int EXT_KEY_SHARE = 0x0033;
    static final int EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d;
    static final int EXT_RENEGOTIATION_INFO = 0xff01;

    static ClientHello parse(byte[] body, int off, int len, int recordVersion) throws Malformed {
        return parse(body, off, len, len, recordVersion);
    }

    /**
     * Parses a hello of which only {@code captured} of its {@code length} body bytes arrived (the capture cut it):
     * what arrived is read as far as it goes (lists keep their complete entries, extensions those that arrived
     * whole), the result says where the cut fell ({@link ClientHello#cut}) and carries no fingerprints. A
     * structure that is wrong in the bytes that did arrive is still {@link Malformed}.
     */
    static ClientHello parse(byte[] body, int off, int captured, int length, int recordVersion) throws Malformed {
        boolean whole = captured >= length;
        WireReader r = new WireReader(body, off, Math.min(captured, length));
        int legacyVersion = -1;
        byte[] random = new byte[0];
        byte[] sessionId = new byte[0];
        List<Integer> ciphers = List.of();
        List<Integer> compression = List.of();
        List<Integer> extensions = new ArrayList<>();
        String sni = null;
        List<String> alpn = List.of();
        List<Integer> versions = List.of();
        List<Integer> groups = List.of();
        List<Integer> pointFormats = List.of();
        List<Integer> sigAlgs = List.of();
        List<Integer> keyShares = List.of();
        List<Integer> pskModes = List.of();
        boolean psk = false, earlyData = false, ticket = false, etm = false, ems = false, reneg = false, ech = false;
        String cutIn = null;

        try {
            legacyVersion = r.u16("legacy_version");
            random = r.bytes(32, "random");
            sessionId = r.sessionId("legacy_session_id");
            ciphers = whole ? r.u16List(2, "cipher_suites") : arrivedU16s(r, "cipher_suites");
            compression = r.u8List("legacy_compression_methods");
            if (r.remaining() > 0 || !whole) { // SSL 3.0 style hellos end after compression methods
                int claimed = r.u16("extensions");
                WireReader exts = r.sub(Math.min(claimed, r.remaining()), "extensions");
                if (whole && exts.remaining() < claimed) {
                    throw new Malformed("extensions: needs " + claimed + " bytes, " + exts.remaining() + " left");
                }
                while (exts.remaining() > 0) {
                    if (exts.remaining() < 4 || exts.remaining() < 4 + peekU16(exts, 2)) {
                        // the extension the capture cut: named when its type arrived
                        throw new WireReader.Short(exts.remaining() >= 2 ? "extension " + TlsNames.extension(peekU16(exts, 0))
                                : "extensions", "extension cut");
                    }
                    int type = exts.u16("extension type");
                    WireReader e = exts.vector(2, "extension_data");
                    extensions.add(type);
                    switch (type) {
                        case EXT_SERVER_NAME -> sni = serverName(e);
                        case EXT_ALPN -> alpn = alpnNames(e);
                        case EXT_SUPPORTED_VERSIONS -> versions = e.u16List(1, "supported_versions");
                        case EXT_SUPPORTED_GROUPS -> groups = e.u16List(2, "supported_groups");
                        case EXT_EC_POINT_FORMATS -> pointFormats = e.u8List("ec_point_formats");
                        case EXT_SIGNATURE_ALGORITHMS -> sigAlgs = e.u16List(2, "signature_algorithms");
                        case EXT_KEY_SHARE -> keyShares = keyShareGroups(e);
                        case EXT_PSK_KEY_EXCHANGE_MODES -> pskModes = e.u8List("psk_key_exchange_modes");
                        case EXT_PRE_SHARED_KEY -> psk = true;
                        case EXT_EARLY_DATA -> earlyData = true;
                        case EXT_SESSION_TICKET -> ticket = true;
                        case EXT_ENCRYPT_THEN_MAC -> etm = true;
                        case EXT_EXTENDED_MASTER_SECRET -> ems = true;
                        case EXT_RENEGOTIATION_INFO -> reneg = true;
                        case EXT_ENCRYPTED_CLIENT_HELLO -> ech = true;
                        default -> {
                            // listed by type only
                        }
                    }
                }
                if (exts.remaining() == 0 && !whole) {
                    // every extension that arrived was read; the cut lies beyond them
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
            if (e instanceof CutList list) {
                ciphers = list.entries;
            }
        }
        List<Integer> ext = List.copyOf(extensions);
        if (!whole) {
            // A fingerprint of part of a hello would name another client: none rather than a wrong one.
            return new ClientHello(legacyVersion, recordVersion, random, sessionId, ciphers, compression, ext, sni,
                    alpn, versions, groups, pointFormats, sigAlgs, keyShares, pskModes, psk, earlyData, ticket, etm, ems,
                    reneg, ech, null, null, null, new Cut(captured, length, cutIn));
        }
        String ja3String = Fingerprints.ja3String(legacyVersion, ciphers, ext, groups, pointFormats);
        String ja4 = Fingerprints.ja4(legacyVersion, versions, sni != null || ext.contains(EXT_SERVER_NAME),
                ciphers, ext, alpn.isEmpty() ? null : alpn.get(0), sigAlgs);
        return new ClientHello(legacyVersion, recordVersion, random, sessionId, ciphers, compression, ext, sni,
                alpn, versions, groups, pointFormats, sigAlgs, keyShares, pskModes, psk, earlyData, ticket, etm, ems,
                reneg, ech, ja3String, Fingerprints.md5Hex(ja3String), ja4, null);
    }

    /**
     * The complete entries of a 2-byte-length list of 16-bit values that may be cut: when the list goes past what
     * arrived, its whole entries travel in the {@link CutList} that ends the parse there.
     */
    private static List<Integer> arrivedU16s(WireReader r, String what) throws Malformed {
        int claimed = r.u16(what);
        if ((claimed & 1) != 0) {
            throw new Malformed(what + ": odd length " + claimed);
        }
        if (claimed <= r.remaining()) {
            WireReader v = r.sub(claimed, what);
            Integer[] out = new Integer[claimed / 2];
            for (int i = 0; i < out.length; i++) {
                out[i] = v.u16(what);
            }
            return List.of(out);
        }
        Integer[] out = new Integer[r.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.u16(what);
        }
        throw new CutList(what, List.of(out));
    }

    /** A cut list whose whole entries arrived: the caller keeps them and stops there. */
    static final class CutList extends WireReader.Short {
        final List<Integer> entries;

        CutList(String what, List<Integer> entries) {
            super(what, what + " cut after " + entries.size() + " entries");
            this.entries = entries;
        }
    }

    private static int peekU16(WireReader r, int at) {
        byte[] b = r.array();
        int p = r.position() + at;
        return (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
    }

    /** First host_name entry of the server_name list (RFC 6066 3); an empty extension (server echo) gives null. */
    private static String serverName(WireReader e) throws Malformed {
        if (e.remaining() == 0) {
            return null;
        }
        WireReader list = e.vector(2, "server_name_list");
        String host = null;
        while (list.remaining() > 0) {
            int nameType = list.u8("server_name type");
            WireReader name = list.vector(2, "server_name");
            if (nameType == 0 && host == null) {
                host = new String(name.array(), name.position(), name.remaining(), StandardCharsets.US_ASCII);
            }
        }
        return host;
    }

    /** ALPN names as ISO-8859-1, so every byte survives as one char (JA4 looks at the raw first and last byte). */
    static List<String> alpnNames(WireReader e) throws Malformed {
        WireReader list = e.vector(2, "protocol_name_list");
        List<String> names = new ArrayList<>(4);
        while (list.remaining() > 0) {
            WireReader name = list.vector(1, "protocol_name");
            names.add(new String(name.array(), name.position(), name.remaining(), StandardCharsets.ISO_8859_1));
        }
        return List.copyOf(names);
    }

    private static List<Integer> keyShareGroups(WireReader e) throws Malformed {
        WireReader list = e.vector(2, "client_shares");
        List<Integer> groups = new ArrayList<>(4);
        while (list.remaining() > 0) {
            groups.add(list.u16("key_share group"));
            list.vector(2, "key_exchange");
        }
        return List.copyOf(groups);
    }
}
