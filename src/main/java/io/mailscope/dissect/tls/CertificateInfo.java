package io.mailscope.dissect.tls;

import java.time.Instant;
import java.util.List;

/**
 * One X.509 certificate from a TLS Certificate message (TLS 1.2 and earlier, where it crosses in the clear).
 *
 * @param subject   RFC 4514 subject DN
 * @param issuer    RFC 4514 issuer DN
 * @param dnsNames  subjectAltName DNS entries, then the subject CN if there were none
 * @param notBefore validity start
 * @param notAfter  validity end
 * @param key       public key summary, e.g. "RSA 2048", "EC secp256r1", "Ed25519"
 * @param sha256    SHA-256 of the DER, lower-case hex
 * @param error     non-null when the DER could not be parsed; the other fields may then be null
 */
public record CertificateInfo(
        String subject,
        String issuer,
        List<String> dnsNames,
        Instant notBefore,
        Instant notAfter,
        String key,
        String signatureAlgorithm,
        String serialHex,
        boolean selfSigned,
        String sha256,
        String error) {
}
