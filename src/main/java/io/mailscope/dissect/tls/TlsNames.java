package io.mailscope.dissect.tls;

/** Names from the IANA TLS registries. (Stub: filled in by the TLS work.) */
public final class TlsNames {
    private TlsNames() {
    }

    /** "TLS 1.3", "TLS 1.2", "TLS 1.1", "TLS 1.0", "SSL 3.0", else "0x%04x". */
    public static String version(int v) {
        return switch (v) {
            case 0x0304 -> "TLS 1.3";
            case 0x0303 -> "TLS 1.2";
            case 0x0302 -> "TLS 1.1";
            case 0x0301 -> "TLS 1.0";
            case 0x0300 -> "SSL 3.0";
            default -> Grease.is(v) ? "GREASE" : String.format("0x%04x", v);
        };
    }

    public static String alert(int d) {
        return "alert(" + d + ")";
    }

    public static String cipherSuite(int c) {
        return String.format("0x%04X", c);
    }

    public static String extension(int e) {
        return "ext(" + e + ")";
    }

    public static String group(int g) {
        return "group(" + g + ")";
    }

    public static String signatureScheme(int s) {
        return String.format("0x%04x", s);
    }
}
