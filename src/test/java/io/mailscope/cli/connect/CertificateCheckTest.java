package io.mailscope.cli.connect;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A server's chain judged as a mail client would, each problem named in plain words. */
class CertificateCheckTest {
    static TestPki pki;
    static X509TrustManager labCa;

    @BeforeAll
    static void pki() throws Exception {
        pki = new TestPki();
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("lab", pki.ca.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        labCa = (X509TrustManager) tmf.getTrustManagers()[0];
    }

    private static List<String> codes(CertificateCheck c, X509Certificate cert) {
        return c.examine(List.of(cert), Instant.now()).stream().map(CertificateCheck.Problem::code).toList();
    }

    @Test
    void aCertificateFromATrustedCaForTheRightNameHasNoProblem() throws Exception {
        assertEquals(List.of(), codes(new CertificateCheck(labCa, TestPki.NAME, false, () -> 0), pki.good().cert()));
    }

    @Test
    void expiredSaysWhenAndIsNotAlsoCalledUntrusted() throws Exception {
        CertificateCheck c = new CertificateCheck(labCa, TestPki.NAME, false, () -> 0);
        List<CertificateCheck.Problem> p = c.examine(List.of(pki.expired().cert()), Instant.now());
        assertEquals(List.of("expired"), p.stream().map(CertificateCheck.Problem::code).toList());
        assertTrue(p.get(0).words().startsWith("expired on 2020-01-31 ("), p.get(0).words());
    }

    @Test
    void aNameMismatchNamesBothNames() throws Exception {
        CertificateCheck c = new CertificateCheck(labCa, "imap.example.test", false, () -> 0);
        List<CertificateCheck.Problem> p = c.examine(List.of(pki.good().cert()), Instant.now());
        assertEquals("name-mismatch", p.get(0).code());
        assertTrue(p.get(0).words().startsWith("is for mail.example.test, not for imap.example.test"), p.get(0).words());
    }

    @Test
    void aWildcardStandsForExactlyOneLabel() {
        assertTrue(CertificateCheck.covers(List.of("*.example.test"), "mail.example.test"));
        assertTrue(!CertificateCheck.covers(List.of("*.example.test"), "a.mail.example.test"));
        assertTrue(!CertificateCheck.covers(List.of("*.example.test"), "example.test"));
        assertTrue(CertificateCheck.covers(List.of("::1"), "[::1]"));
        assertTrue(CertificateCheck.covers(List.of("MAIL.example.test"), "mail.EXAMPLE.test"));
    }

    @Test
    void selfSignedAndUnknownIssuerAreToldApart() throws Exception {
        CertificateCheck c = new CertificateCheck(labCa, TestPki.NAME, false, () -> 0);
        assertEquals(List.of("self-signed"), codes(c, TestPki.selfSigned(TestPki.NAME).cert()));
        TestPki other = new TestPki();
        assertEquals(List.of("unknown-issuer"), codes(c, other.good().cert()));
    }

    @Test
    void aProblemRefusesTheChainUnlessInsecure() throws Exception {
        X509Certificate[] chain = {pki.expired().cert()};
        CertificateCheck strict = new CertificateCheck(labCa, TestPki.NAME, false, () -> 7);
        CertificateException e = assertThrows(CertificateException.class, () -> strict.checkServerTrusted(chain, "ECDHE_ECDSA"));
        assertTrue(e.getMessage().startsWith("the server's certificate expired on 2020-01-31"), e.getMessage());
        assertTrue(strict.rejected());
        assertEquals(7, strict.seenInFrame());

        CertificateCheck insecure = new CertificateCheck(labCa, TestPki.NAME, true, () -> 7);
        insecure.checkServerTrusted(chain, "ECDHE_ECDSA");
        assertEquals(List.of("expired"), insecure.problems().stream().map(CertificateCheck.Problem::code).toList());
    }
}
