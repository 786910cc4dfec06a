package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import static io.mailscope.explain.rules.Conversation.codes;
import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mail stories on SMTP (25, 587 with STARTTLS, 465 implicit TLS), in SMTP's words. */
class SmtpRulesTest {
    private static final String GREETING = "220 mail.example.test ESMTP Postfix";

    @Test
    void a554GreetingIsARefusedSession() {
        Diagnosis d = Conversation.to(25).greeting("554 5.7.1 mail.example.test ESMTP not accepting connections")
                .client("QUIT").server("221 2.0.0 Bye").serverFin().clientFin().diagnosis();
        Finding g = finding(d, "greeting-refused");
        assertTrue(g.explanation().contains("\"554 5.7.1 mail.example.test ESMTP not accepting connections\""), g.explanation());
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("smtp", d.protocol());
    }

    @Test
    void a530ToAnyCommandBeforeTlsIsLoginBeforeStarttls() {
        Diagnosis d = Conversation.to(587).greeting(GREETING)
                .client("EHLO client.example.test").server("250-mail.example.test").server("250 STARTTLS")
                .client("MAIL FROM:<bob@example.test>").server("530 5.7.0 Must issue a STARTTLS command first")
                .client("QUIT").server("221 2.0.0 Bye").serverFin().clientFin().diagnosis();
        Finding f = finding(d, "login-before-starttls");
        assertTrue(f.fix().contains("-starttls smtp") && f.fix().contains("port 465"), f.fix());
        assertEquals(Outcome.REFUSED, d.outcome(), codes(d).toString());
    }

    @Test
    void authPlainInTheClearIsCleartextCredentialsAndItsRefusalAnAuthenticationFailure() {
        Diagnosis d = Conversation.to(25).greeting(GREETING)
                .client("EHLO client.example.test").server("250-mail.example.test").server("250 AUTH PLAIN LOGIN")
                .client("AUTH PLAIN AGFsaWNlAHdyb25n").server("535 5.7.8 Error: authentication failed: authentication failure")
                .serverFin().clientFin().diagnosis();
        Finding c = finding(d, "cleartext-credentials");
        assertTrue(c.explanation().contains("\"AUTH PLAIN ***\""), c.explanation());
        Finding a = finding(d, "authentication-failed");
        assertEquals("certain", a.confidence().label(), "no STARTTLS offered: it was the credentials");
    }

    @Test
    void aRelayRefusalAfterADeliveredMessageDoesNotDecideTheOutcome() {
        Diagnosis d = Conversation.to(25).greeting(GREETING)
                .client("MAIL FROM:<bob@example.test>").server("250 2.1.0 Ok")
                .client("RCPT TO:<carol@example.org>").server("554 5.7.1 <carol@example.org>: Relay access denied")
                .client("RCPT TO:<alice@mail.example.test>").server("250 2.1.5 Ok")
                .client("DATA").server("354 End data with <CR><LF>.<CR><LF>")
                .client("Subject: hi").client("").client("hello").client(".").server("250 2.0.0 Ok: queued as 1234")
                .client("QUIT").server("221 2.0.0 Bye").serverFin().clientFin().diagnosis();
        finding(d, "smtp-relay-denied");
        assertEquals(Outcome.OK, d.outcome(), "the message to the local recipient was accepted: " + codes(d));
    }

    @Test
    void commandsBehindStartTlsAreStarttlsPipelining() {
        Diagnosis d = Conversation.to(587).greeting(GREETING)
                .client("EHLO client.example.test").server("250-mail.example.test").server("250 STARTTLS")
                .client("STARTTLS").client("MAIL FROM:<bob@example.test>").server("220 2.0.0 Ready to start TLS")
                .serverFin().clientFin().diagnosis();
        Finding f = finding(d, "starttls-pipelining");
        assertTrue(f.explanation().contains("MAIL FROM:<bob@example.test>"), f.explanation());
    }
}
