package io.mailscope.cli.connect;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the TLS handshake settled (or how far it got): version, cipher suite (IANA name), the name asked for, the
 * server's chain and what is wrong with it.
 *
 * @param version  "TLSv1.3"..., or null when no ServerHello came
 * @param accepted the chain was trusted (or --insecure let it through)
 */
record TlsFacts(String version, String cipher, String sni, List<X509Certificate> chain,
                List<CertificateCheck.Problem> problems, boolean accepted) {
}
