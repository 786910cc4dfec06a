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

/** The mail stories on POP3 (port 110 with STLS, 995 implicit TLS), in POP3's words. */
class Pop3RulesTest {
    private static final String GREETING = "+OK Dovecot (Debian) ready.";

    @Test
    void anErrGreetingIsARefusedSession() {
        Diagnosis d = Conversation.to(110).greeting("-ERR [SYS/TEMP] Too many connections from your address")
                .after(0.1).serverFin().clientFin().diagnosis();
        Finding g = finding(d, "greeting-refused");
        assertTrue(g.explanation().contains("\"-ERR [SYS/TEMP] Too many connections from your address\""), g.explanation());
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("greeting-refused", d.findings().get(0).code());
        assertEquals("pop3", d.protocol());
    }

    @Test
    void userRefusedBeforeStlsForWantOfTlsIsLoginBeforeStarttls() {
        Diagnosis d = Conversation.to(110).greeting(GREETING)
                .client("USER alice")
                .server("-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.")
                .client("QUIT").server("+OK Logging out").serverFin().clientFin().diagnosis();
        Finding f = finding(d, "login-before-starttls");
        assertTrue(f.fix().contains("Send STLS first") && f.fix().contains("-starttls pop3") && f.fix().contains("995"), f.fix());
        assertEquals(Outcome.REFUSED, d.outcome());
        assertFalse(codes(d).contains("cleartext-credentials"), "USER alone carries no password: " + codes(d));
    }

    @Test
    void aRefusedPasswordWhenTheServerOffersStlsIsOnlyLikelyWrong() {
        Diagnosis d = Conversation.to(110).greeting(GREETING)
                .client("CAPA").server("+OK").server("STLS").server("USER").server(".")
                .client("USER alice").server("+OK")
                .client("PASS wrong").server("-ERR Authentication failed.")
                .serverFin().clientFin().diagnosis();
        Finding f = finding(d, "authentication-failed");
        assertEquals("likely", f.confidence().label(), f.toString());
        assertEquals("login-before-starttls", f.alternatives().get(0).code());
        Finding c = finding(d, "cleartext-credentials");
        assertTrue(c.explanation().contains("\"PASS ***\""), c.explanation());
    }

    @Test
    void aLaterSuccessfulLoginKeepsTheSessionOk() {
        Diagnosis d = Conversation.to(110).greeting(GREETING)
                .client("USER alice").server("+OK").client("PASS wrong").server("-ERR [AUTH] Authentication failed.")
                .client("USER alice").server("+OK").client("PASS secret").server("+OK Logged in.")
                .client("QUIT").server("+OK Logging out.").serverFin().clientFin().diagnosis();
        assertEquals(Outcome.OK, d.outcome(), codes(d).toString());
        assertEquals("warning", finding(d, "authentication-failed").severity().label());
    }

    @Test
    void refusedStlsIsStarttlsRefusedInPop3Words() {
        Diagnosis d = Conversation.to(110).greeting(GREETING)
                .client("STLS").server("-ERR TLS support isn't enabled.")
                .client("QUIT").server("+OK Logging out").serverFin().clientFin().diagnosis();
        Finding f = finding(d, "starttls-refused");
        assertEquals("The server refused STLS.", f.summary());
        assertTrue(f.explanation().contains("\"-ERR TLS support isn't enabled.\""), f.explanation());
        assertTrue(f.fix().contains("port 995"), f.fix());
    }

    @Test
    void stlsNotInCapaIsStarttlsNotAdvertised() {
        Diagnosis d = Conversation.to(110).greeting(GREETING)
                .client("CAPA").server("+OK").server("USER").server("UIDL").server(".")
                .client("QUIT").server("+OK Logging out").serverFin().clientFin().diagnosis();
        Finding f = finding(d, "starttls-not-advertised");
        assertTrue(f.explanation().contains("do not include STLS"), f.explanation());
    }

    @Test
    void imapSpokenToAPop3PortIsNamed() {
        Diagnosis d = Conversation.to(110).greeting(GREETING)
                .client("a1 LOGIN alice secret").server("-ERR Unknown command.").serverFin().clientFin().diagnosis();
        Finding f = finding(d, "imap-on-pop3-port");
        assertTrue(f.summary().contains("other than POP3") && f.fix().contains("POP3 is 110 (STLS) or 995"), f.summary() + f.fix());
    }
}
