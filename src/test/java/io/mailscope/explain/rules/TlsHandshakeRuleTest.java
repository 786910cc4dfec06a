package io.mailscope.explain.rules;

import io.mailscope.explain.Confidence;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A handshake the server gave up on: its reason inferred from the hello, and said to be inferred. */
class TlsHandshakeRuleTest {

    /** A TLS 1.0-only ClientHello offering one legacy suite (TLS_RSA_WITH_AES_128_CBC_SHA), no extensions. */
    static byte[] oldClientHello() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0x03);
        body.write(0x01);
        body.writeBytes(new byte[32]);
        body.write(0); // session id
        body.writeBytes(new byte[] {0, 2, 0x00, 0x2f});
        body.writeBytes(new byte[] {1, 0}); // compression: null
        byte[] b = body.toByteArray();
        ByteArrayOutputStream rec = new ByteArrayOutputStream();
        int hs = b.length + 4;
        rec.writeBytes(new byte[] {0x16, 0x03, 0x01, (byte) (hs >> 8), (byte) hs, 0x01, 0, (byte) (b.length >> 8), (byte) b.length});
        rec.writeBytes(b);
        return rec.toByteArray();
    }

    @Test
    void aServerThatClosesOnAnOldHelloIsLikelyAVersionMismatchAndSaysWhatElseItCouldBe() {
        Diagnosis d = Conversation.to(993).clientBytes(oldClientHello()).after(0.01).serverFin().clientFin().diagnosis();
        assertEquals(Outcome.DROPPED, d.outcome());
        var f = d.findings().get(0);
        assertEquals("tls-no-common-cipher", f.code(), "one legacy suite is the stronger sign");
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("tls-version-mismatch", f.alternatives().get(0).code());
    }

    @Test
    void anAlertDecidesAndIsCertain() {
        byte[] alert = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46}; // fatal protocol_version
        Diagnosis d = Conversation.to(993).clientBytes(oldClientHello()).serverBytes(alert).serverFin().clientFin().diagnosis();
        assertEquals(Outcome.ALERT, d.outcome());
        assertEquals(Confidence.CERTAIN, finding(d, "tls-alert").confidence());
        assertEquals(Confidence.CERTAIN, finding(d, "tls-version-mismatch").confidence());
    }
}
