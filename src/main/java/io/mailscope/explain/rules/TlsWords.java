package io.mailscope.explain.rules;

import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.Grease;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;

import java.util.ArrayList;
import java.util.List;

/** How findings word TLS facts: what an alert means and what to do about it, what a ClientHello offers. */
final class TlsWords {
    private TlsWords() {
    }

    static String alertCause(TlsEvent.Alert a) {
        return switch (a.description()) {
            case -1 -> "It was encrypted, so its reason is not visible in the capture.";
            case 0 -> "close_notify: an orderly close.";
            case 10 -> "unexpected_message: a message arrived out of order, often a client or server speaking another protocol.";
            case 20 -> "bad_record_mac: a record failed its integrity check (corruption or a broken middlebox).";
            case 40 -> "handshake_failure: no acceptable set of parameters (cipher suite, group or signature algorithm) in common.";
            case 42 -> "bad_certificate: the certificate was corrupt or its signature did not verify.";
            case 43 -> "unsupported_certificate: the certificate type is not supported.";
            case 44 -> "certificate_revoked: the certificate was revoked by its issuer.";
            case 45 -> "certificate_expired: the certificate is outside its validity period (or a clock is wrong).";
            case 46 -> "certificate_unknown: the certificate could not be accepted for another reason.";
            case 47 -> "illegal_parameter: a field in the handshake was out of range.";
            case 48 -> "unknown_ca: the client does not trust the CA that issued the certificate (self-signed, private CA, or missing intermediate).";
            case 49 -> "access_denied: the peer's identity was valid but access was refused.";
            case 50 -> "decode_error: a message could not be decoded, often plaintext where TLS was expected.";
            case 51 -> "decrypt_error: a handshake signature or Finished check failed.";
            case 70 -> "protocol_version: the versions the client offers are not ones the server accepts.";
            case 71 -> "insufficient_security: the server requires stronger ciphers than the client offered.";
            case 80 -> "internal_error: the sender failed for a reason of its own.";
            case 86 -> "inappropriate_fallback: a version downgrade was detected.";
            case 90 -> "user_canceled: the handshake was cancelled.";
            case 109 -> "missing_extension: a required extension was absent.";
            case 110 -> "unsupported_extension.";
            case 112 -> "unrecognized_name: the server has no certificate for the name the client asked for (SNI).";
            case 116 -> "certificate_required: the server wanted a client certificate.";
            case 120 -> "no_application_protocol: no ALPN protocol in common.";
            default -> "See RFC 8446 section 6.2 for this alert.";
        };
    }

    static String alertFix(TlsEvent.Alert a) {
        return switch (a.description()) {
            case 70 -> "Make the client and server share a TLS version (TLS 1.2 or 1.3 on both).";
            case 40, 71 -> "Make the client and server share a cipher suite, group and signature algorithm.";
            case 42, 43, 44, 45, 46, 48, 49 -> "Fix the server certificate (trusted CA, full chain, right name, valid dates) or make the client trust its CA.";
            case 112 -> "Connect with the name the server has a certificate for, or add that name to the server's certificate.";
            case 116 -> "Configure the client with the client certificate the server requires.";
            case 50, 10 -> "Make sure both sides speak TLS from the first byte (implicit TLS port) or after STARTTLS only.";
            default -> "Read the log of the side that sent the alert for the detailed reason.";
        };
    }

    static boolean offersOnlyOldVersions(ClientHello ch) {
        return ch.highestVersion() < 0x0304;
    }

    static boolean offersOnlyWeakCiphers(ClientHello ch) {
        int modern = 0;
        for (int cs : ch.cipherSuites()) {
            String n = TlsNames.cipherSuite(cs);
            if (n.startsWith("TLS_AES_") || n.startsWith("TLS_CHACHA20_") || (n.contains("ECDHE") && (n.contains("GCM") || n.contains("CHACHA20")))) {
                modern++;
            }
        }
        return modern == 0;
    }

    /** Cipher suites other than GREASE and the signalling values (renegotiation SCSV, fallback SCSV). */
    static int realSuites(ClientHello ch) {
        int n = 0;
        for (int cs : ch.cipherSuites()) {
            if (!Grease.is(cs) && cs != 0x00ff && cs != 0x5600) {
                n++;
            }
        }
        return n;
    }

    static String versions(ClientHello ch) {
        List<String> v = new ArrayList<>();
        for (int x : ch.supportedVersions()) {
            if (!Grease.is(x)) {
                v.add(TlsNames.version(x));
            }
        }
        if (v.isEmpty() && ch.partial() && !ch.extensions().contains(0x002b)) {
            return "up to " + TlsNames.version(ch.legacyVersion()) + " or later (its supported_versions were not captured)";
        }
        if (v.isEmpty()) {
            return "up to " + TlsNames.version(ch.legacyVersion());
        }
        return String.join(" and ", v);
    }

    static String cipherSample(ClientHello ch) {
        List<String> names = new ArrayList<>();
        for (int cs : ch.cipherSuites()) {
            if (!Grease.is(cs) && names.size() < 3) {
                names.add(TlsNames.cipherSuite(cs));
            }
        }
        return String.join(", ", names) + (ch.cipherSuites().size() > 3 ? ", ..." : "");
    }
}
