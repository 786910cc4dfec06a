package io.mailscope.dissect.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * JA3, JA3S and JA4 exactly as /work/shared/reference/fingerprints.md defines them (JA3 by Salesforce,
 * JA4 a_b_c by FoxIO, BSD-3). JA4S/JA4X are deliberately absent: their licence does not fit this project.
 */
final class Fingerprints {
    private Fingerprints() {
    }

    static String ja3String(int legacyVersion, List<Integer> ciphers, List<Integer> extensions,
                            List<Integer> groups, List<Integer> pointFormats) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(legacyVersion).append(',');
        joinDecimal(sb, ciphers);
        sb.append(',');
        joinDecimal(sb, extensions);
        sb.append(',');
        joinDecimal(sb, groups);
        sb.append(',');
        joinDecimal(sb, pointFormats);
        return sb.toString();
    }

    static String ja3sString(int legacyVersion, int cipher, List<Integer> extensions) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(legacyVersion).append(',').append(cipher).append(',');
        joinDecimal(sb, extensions);
        return sb.toString();
    }

    /** Digests of the fingerprint strings hashed last: one client software's hellos repeat them. */
    private static final DigestMemo MD5 = new DigestMemo("MD5");
    private static final DigestMemo SHA256 = new DigestMemo("SHA-256");

    static String md5Hex(String s) {
        return MD5.hex(s);
    }

    /** JA4 a_b_c for a TCP ClientHello. {@code firstAlpn} is the first ALPN value as ISO-8859-1 (byte = char), or null. */
    static String ja4(int legacyVersion, List<Integer> supportedVersions, boolean hasSni, List<Integer> ciphers,
                      List<Integer> extensions, String firstAlpn, List<Integer> signatureAlgorithms) {
        List<Integer> c = withoutGrease(ciphers);
        List<Integer> e = withoutGrease(extensions);
        String a = "t" + ja4Version(legacyVersion, supportedVersions) + (hasSni ? 'd' : 'i')
                + twoDigits(c.size()) + twoDigits(e.size()) + ja4Alpn(firstAlpn);
        return a + '_' + ja4b(c) + '_' + ja4c(e, signatureAlgorithms);
    }

    static String ja4b(List<Integer> ciphers) {
        return hash12(sortedHex(withoutGrease(ciphers)));
    }

    static String ja4c(List<Integer> extensions, List<Integer> signatureAlgorithms) {
        List<Integer> kept = new ArrayList<>();
        for (int x : withoutGrease(extensions)) {
            if (x != 0x0000 && x != 0x0010) { // SNI and ALPN count in a, not in c
                kept.add(x);
            }
        }
        StringBuilder sb = new StringBuilder(sortedHex(kept));
        List<Integer> sig = withoutGrease(signatureAlgorithms);
        if (!sig.isEmpty()) {
            sb.append('_');
            for (int i = 0; i < sig.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                hex4(sb, sig.get(i));
            }
        }
        return hash12(sb.toString());
    }

    static String ja4Version(int legacyVersion, List<Integer> supportedVersions) {
        int v = -1;
        for (int x : supportedVersions) {
            if (!Grease.is(x) && x > v) {
                v = x;
            }
        }
        if (v < 0) {
            v = legacyVersion;
        }
        return switch (v) {
            case 0x0304 -> "13";
            case 0x0303 -> "12";
            case 0x0302 -> "11";
            case 0x0301 -> "10";
            case 0x0300 -> "s3";
            case 0x0002 -> "s2";
            case 0xfeff -> "d1";
            case 0xfefd -> "d2";
            case 0xfefc -> "d3";
            default -> "00";
        };
    }

    /**
     * First and last character of the first ALPN value when both are ASCII alphanumeric, else the first hex
     * digit of its first byte and the last hex digit of its last byte; "00" without ALPN (or an empty value).
     * A one-character value gives that character twice (first == last).
     */
    static String ja4Alpn(String firstAlpn) {
        if (firstAlpn == null || firstAlpn.isEmpty()) {
            return "00";
        }
        char first = firstAlpn.charAt(0);
        char last = firstAlpn.charAt(firstAlpn.length() - 1);
        if (isAlnum(first) && isAlnum(last)) {
            return "" + first + last;
        }
        String hexFirst = String.format("%02x", first & 0xff);
        String hexLast = String.format("%02x", last & 0xff);
        return "" + hexFirst.charAt(0) + hexLast.charAt(1);
    }

    private static boolean isAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static String twoDigits(int n) {
        int capped = Math.min(n, 99);
        return capped < 10 ? "0" + capped : Integer.toString(capped);
    }

    private static String sortedHex(List<Integer> values) {
        int[] sorted = new int[values.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = values.get(i);
        }
        java.util.Arrays.sort(sorted);
        StringBuilder sb = new StringBuilder(sorted.length * 5);
        for (int i = 0; i < sorted.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            hex4(sb, sorted[i]);
        }
        return sb.toString();
    }

    /** First 12 hex characters of SHA-256; "000000000000" for an empty input. */
    static String hash12(String s) {
        if (s.isEmpty()) {
            return "000000000000";
        }
        return SHA256.hex(s).substring(0, 12);
    }

    static List<Integer> withoutGrease(List<Integer> values) {
        List<Integer> out = new ArrayList<>(values.size());
        for (int v : values) {
            if (!Grease.is(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static void joinDecimal(StringBuilder sb, List<Integer> values) {
        boolean first = true;
        for (int v : values) {
            if (Grease.is(v)) {
                continue;
            }
            if (!first) {
                sb.append('-');
            }
            sb.append(v);
            first = false;
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Four lowercase hex digits of the low 16 bits. */
    private static void hex4(StringBuilder sb, int v) {
        sb.append(HEX[(v >> 12) & 0xf]).append(HEX[(v >> 8) & 0xf]).append(HEX[(v >> 4) & 0xf]).append(HEX[v & 0xf]);
    }
}
