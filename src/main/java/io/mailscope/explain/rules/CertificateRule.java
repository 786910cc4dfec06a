package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.tls.CertificateInfo;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.Severity;

import java.time.Instant;
import java.util.List;

/**
 * The server's certificate as the capture shows it (TLS 1.2 and earlier send it in the clear): expired, not yet
 * valid, or for another name than the client asked for.
 */
final class CertificateRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        var f = x.f;
        if (f.serverCertificates == null || f.serverCertificates.chain().isEmpty()) {
            return;
        }
        CertificateInfo leaf = f.serverCertificates.chain().get(0);
        if (leaf.error() != null) {
            return;
        }
        Instant when = Instant.ofEpochSecond(0, f.serverCertificates.at().timeNanos());
        At at = f.serverCertificates.at();
        if (leaf.notAfter() != null && when.isAfter(leaf.notAfter())) {
            x.add(CommonCode.CERTIFICATE_EXPIRED, Severity.ERROR, "The server's certificate had expired.",
                    "The certificate for " + leaf.subject() + " (" + x.ev.at(at) + ") was valid until " + leaf.notAfter()
                            + ", before this connection (" + when + "). Clients that check it refuse the connection.",
                    "Renew the server's certificate and reload the server.", at.frame());
        } else if (leaf.notBefore() != null && when.isBefore(leaf.notBefore())) {
            x.add(CommonCode.CERTIFICATE_NOT_YET_VALID, Severity.ERROR, "The server's certificate was not yet valid.",
                    "The certificate for " + leaf.subject() + " (" + x.ev.at(at) + ") is valid only from " + leaf.notBefore()
                            + ", after this connection (" + when + "): a clock is wrong or the certificate was issued in the future.",
                    "Check the server's and client's clocks; reissue the certificate.", at.frame());
        }
        String sni = f.clientHellos.isEmpty() ? null : f.clientHellos.get(0).hello().sni();
        if (sni != null && !leaf.dnsNames().isEmpty() && !matchesAny(sni, leaf.dnsNames())) {
            x.add(CommonCode.CERTIFICATE_NAME_MISMATCH, Severity.ERROR, "The server's certificate is for another name.",
                    "The client asked for " + Evidence.quote(sni) + " (SNI in " + x.ev.at(f.clientHellos.get(0).at())
                            + ") but the certificate (" + x.ev.at(at) + ") covers only " + String.join(", ", leaf.dnsNames())
                            + ". Clients that check the name refuse the connection.",
                    "Connect with a name the certificate covers, or add " + sni + " to the certificate's subjectAltName.",
                    f.clientHellos.get(0).at().frame(), at.frame());
        }
    }

    static boolean matchesAny(String host, List<String> names) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        for (String n : names) {
            String p = n.toLowerCase(java.util.Locale.ROOT);
            if (p.equals(h)) {
                return true;
            }
            if (p.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(p.substring(1))) {
                return true;
            }
        }
        return false;
    }
}
