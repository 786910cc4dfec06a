package io.mailscope.dissect.tls;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Names from the IANA TLS registries (cipher suites, supported groups, signature schemes, extension types,
 * alert descriptions, handshake types, versions).
 *
 * <p>The tables live in {@code src/main/resources/io/mailscope/dissect/tls/iana-*.tsv} ("0xHHHH\tname" per line).
 * They were generated from Wireshark's value strings ({@code tshark -G values}, TShark 4.0.17), which use the IANA
 * names, plus a few newer IANA code points; regenerate with {@code sh src/test/scripts/gen-iana-tsv.sh}.
 * Each table is loaded once, on first use, into a sorted int array searched by binary search (code points are
 * sparse 16-bit values, so this is a few KB instead of a 64K-entry array per registry).
 */
public final class TlsNames {
    private TlsNames() {
    }

    /** One registry: sorted code points and their names. */
    private record Table(int[] codes, String[] names) {
        String get(int code) {
            int i = Arrays.binarySearch(codes, code);
            return i >= 0 ? names[i] : null;
        }

        static Table load(String file) {
            try (InputStream in = TlsNames.class.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + file);
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                int[] codes = new int[64];
                String[] names = new String[64];
                int n = 0;
                for (String line; (line = r.readLine()) != null; ) {
                    int tab = line.indexOf('\t');
                    if (tab < 0 || line.startsWith("#")) {
                        continue;
                    }
                    if (n == codes.length) {
                        codes = Arrays.copyOf(codes, n * 2);
                        names = Arrays.copyOf(names, n * 2);
                    }
                    codes[n] = Integer.decode(line.substring(0, tab));
                    names[n] = line.substring(tab + 1);
                    n++;
                }
                // The generator sorts the file; sort anyway so a hand edit cannot break the binary search.
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                int[] c = codes;
                Arrays.sort(order, (a, b) -> Integer.compare(c[a], c[b]));
                int[] sortedCodes = new int[n];
                String[] sortedNames = new String[n];
                for (int i = 0; i < n; i++) {
                    sortedCodes[i] = codes[order[i]];
                    sortedNames[i] = names[order[i]];
                }
                return new Table(sortedCodes, sortedNames);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    // Lazy holders: a registry is read the first time a name from it is asked for.
    private static final class CipherSuites { static final Table T = Table.load("iana-cipher-suites.tsv"); }
    private static final class Groups { static final Table T = Table.load("iana-groups.tsv"); }
    private static final class SignatureSchemes { static final Table T = Table.load("iana-signature-schemes.tsv"); }
    private static final class Extensions { static final Table T = Table.load("iana-extensions.tsv"); }
    private static final class Alerts { static final Table T = Table.load("iana-alerts.tsv"); }
    private static final class HandshakeTypes { static final Table T = Table.load("iana-handshake-types.tsv"); }
    private static final class Versions { static final Table T = Table.load("iana-versions.tsv"); }

    /** "TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0", "SSL 3.0", "GREASE", draft names, else "0x%04x". */
    public static String version(int v) {
        return switch (v) {
            case 0x0304 -> "TLS 1.3";
            case 0x0303 -> "TLS 1.2";
            case 0x0302 -> "TLS 1.1";
            case 0x0301 -> "TLS 1.0";
            case 0x0300 -> "SSL 3.0";
            default -> {
                if (Grease.is(v)) {
                    yield "GREASE";
                }
                String name = Versions.T.get(v);
                yield name != null ? name : String.format("0x%04x", v);
            }
        };
    }

    /** IANA alert description name, e.g. "unknown_ca", "protocol_version"; "alert(N)" when unassigned. */
    public static String alert(int d) {
        String name = Alerts.T.get(d);
        return name != null ? name : "alert(" + d + ")";
    }

    /** IANA cipher suite name, e.g. "TLS_AES_128_GCM_SHA256"; "GREASE" or "0xHHHH" otherwise. */
    public static String cipherSuite(int c) {
        return orHex(CipherSuites.T, c);
    }

    /** Supported group name, e.g. "x25519", "secp256r1", "ffdhe2048". */
    public static String group(int g) {
        return orHex(Groups.T, g);
    }

    /** Signature scheme name, e.g. "rsa_pss_rsae_sha256", "ecdsa_secp256r1_sha256". */
    public static String signatureScheme(int s) {
        return orHex(SignatureSchemes.T, s);
    }

    /** Extension type name, e.g. "server_name", "application_layer_protocol_negotiation". */
    public static String extension(int e) {
        return orHex(Extensions.T, e);
    }

    /** Handshake message type name, e.g. "server_key_exchange"; "handshake(N)" when unassigned. */
    public static String handshakeType(int t) {
        String name = HandshakeTypes.T.get(t);
        return name != null ? name : "handshake(" + t + ")";
    }

    /** Record content type name (RFC 8446 ContentType). */
    public static String contentType(int t) {
        return switch (t) {
            case 20 -> "change_cipher_spec";
            case 21 -> "alert";
            case 22 -> "handshake";
            case 23 -> "application_data";
            case 24 -> "heartbeat";
            default -> "content(" + t + ")";
        };
    }

    private static String orHex(Table table, int code) {
        if (Grease.is(code)) {
            return "GREASE";
        }
        String name = table.get(code);
        return name != null ? name : String.format("0x%04X", code);
    }
}
