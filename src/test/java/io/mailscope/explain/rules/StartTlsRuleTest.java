package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import static io.mailscope.explain.rules.Conversation.codes;
import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** STARTTLS accepted and then not followed by TLS: plaintext typed after it, silence, a server falling back. */
class StartTlsRuleTest {
    /** A TLS 1.2 record holding a warning close_notify alert, as Courier sends it before falling back. */
    private static final byte[] CLOSE_NOTIFY = {0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00};

    @Test
    void courierFallsBackToPlaintextAfterItsTlsLayerGivesUp() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS] Courier-IMAP ready.")
                .client("a1 STARTTLS")
                .server("a1 OK Begin SSL/TLS negotiation now.")
                .after(1).client("a2 LOGIN alice secret")
                .serverBytes(CLOSE_NOTIFY)
                .server("a1 NO STARTTLS failed: An unexpected TLS packet was received.")
                .server("* NO Error in IMAP command received by server.")
                .after(0.1).serverFin().clientFin().diagnosis();
        assertEquals(Outcome.REFUSED, d.outcome(), "the server refused in words, no alert ended it: " + codes(d));
        Finding p = finding(d, "plaintext-after-starttls");
        assertTrue(p.explanation().contains("a1 NO STARTTLS failed"), p.explanation());
        assertTrue(p.explanation().contains("close_notify"), p.explanation());
        finding(d, "starttls-fallback");
        finding(d, "cleartext-credentials");
        assertTrue(codes(d).stream().noneMatch(c -> c.equals("tls-alert")), codes(d).toString());
        assertEquals("plaintext-after-starttls", d.findings().get(0).code());
    }

    @Test
    void theSameFactIsSaidOnceAtItsOwnTime() {
        var s = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
                .client("a1 STARTTLS").server("a1 OK Begin TLS negotiation now.")
                .after(1).client("a2 LOGIN alice secret")
                .after(0.01).serverFin().clientFin().session();
        long mentions = io.mailscope.explain.Timeline.of(s.session()).stream()
                .filter(t -> t.text().toLowerCase().contains("plaintext after starttls")).count();
        assertEquals(1, mentions);
        assertEquals(Outcome.DROPPED, s.diagnosis().outcome());
    }

    @Test
    void silenceAfterTheOkIsAMutualWait() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
                .client("a1 STARTTLS").server("a1 OK Begin TLS negotiation now.")
                .after(20).clientFin().serverFin().diagnosis();
        assertEquals(Outcome.STALLED, d.outcome());
        assertEquals("starttls-mutual-wait", d.findings().get(0).code());
        assertTrue(d.findings().get(0).certain(), "20 s of silence after the OK is a wait: " + d.findings().get(0).alternatives());
    }

    @Test
    void aRefusedStarttlsIsRefused() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1] ready")
                .client("a1 STARTTLS").server("a1 BAD TLS support isn't enabled.")
                .close().diagnosis();
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("starttls-refused", d.findings().get(0).code());
        finding(d, "starttls-not-advertised");
    }

    @Test
    void aStarttlsOkTheCaptureEndedOnIsOnlyLikelyAMutualWait() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
                .client("a1 STARTTLS").server("a1 OK Begin TLS negotiation now").diagnosis();
        Finding f = finding(d, "starttls-mutual-wait");
        assertFalse(f.certain());
        assertEquals("hello-not-yet-due", f.alternatives().get(0).code());
        assertTrue(f.explanation().contains("the client sent nothing for 0.000 s, until the capture ended."), f.explanation());
    }

    @Test
    void aClientThatClosesRightAfterTheStarttlsOkDidNotWait() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
                .client("a1 STARTTLS").server("a1 OK Begin TLS negotiation now").after(0.05).clientFin().serverFin().diagnosis();
        Finding f = finding(d, "starttls-mutual-wait");
        assertEquals("client-gave-up", f.alternatives().get(0).code());
    }
}
