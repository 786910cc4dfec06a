package io.mailscope.dissect.tls;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateParserTest {
    static byte[] serverCertDer() {
        String pem = TlsTestSupport.resource("server-cert.pem");
        return Base64.getDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    @Test
    void opensslCertificateIsSummarised() throws Exception {
        byte[] der = serverCertDer();
        CertificateInfo info = CertificateParser.parse(der, 0, der.length);
        assertNull(info.error());
        assertEquals("CN=mail.example.test,O=Mailscope Test,C=DE", info.subject());
        assertEquals("RSA 2048", info.key());
        assertEquals(RecordedStacksTest.sha256OfPem(TlsTestSupport.resource("server-cert.pem")), info.sha256());
        assertTrue(info.selfSigned());
    }

    @Test
    void truncatedCertificateGivesAnError() {
        byte[] der = serverCertDer();
        CertificateInfo info = CertificateParser.parse(der, 0, der.length / 2);
        assertNotNull(info.error());
        assertNotNull(info.sha256());
    }

    @Test
    void deeplyNestedAsn1GivesAnErrorNotAStackOverflow() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int depth = 40_000;
        int inner = 0;
        byte[][] headers = new byte[depth][];
        for (int i = depth - 1; i >= 0; i--) {
            headers[i] = new byte[] {0x30, (byte) 0x83, (byte) (inner >> 16), (byte) (inner >> 8), (byte) inner};
            inner += 5;
        }
        for (byte[] h : headers) {
            out.writeBytes(h);
        }
        byte[] der = out.toByteArray();
        CertificateInfo info = CertificateParser.parse(der, 0, der.length);
        assertNotNull(info.error());
    }

    @Test
    void everyByteFlippedStillGivesAnAnswer() {
        byte[] der = serverCertDer();
        for (int i = 0; i < der.length; i += 7) {
            byte[] copy = der.clone();
            copy[i] ^= 0x5a;
            CertificateInfo info = CertificateParser.parse(copy, 0, copy.length);
            assertNotNull(info.sha256());
            assertTrue(info.error() != null || info.subject() != null);
        }
    }
}
