package io.mailscope.explain.rules;

import io.mailscope.explain.Confidence;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import static io.mailscope.explain.rules.Conversation.codes;
import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** login-before-starttls, authentication-failed and cleartext-credentials, as servers word their refusals. */
class LoginRuleTest {

    @Test
    void dovecotsLogindisabledAndPrivacyRequiredMakeTheTlsRefusalCertain() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.")
                .client("a1 LOGIN alice secret")
                .server("a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.")
                .close().diagnosis();
        Finding f = finding(d, "login-before-starttls");
        assertEquals(Confidence.CERTAIN, f.confidence());
        assertTrue(f.alternatives().isEmpty());
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("login-before-starttls", d.findings().get(0).code(), "it leads: " + codes(d));
        assertTrue(codes(d).contains("cleartext-credentials"));
    }

    @Test
    void imap4dsCommandDisabledWithXtlsrequiredIsLikelyTheTlsRefusalAndNamesAWrongPasswordAsTheAlternative() {
        // GNU Mailutils imap4d: no LOGINDISABLED, but STARTTLS and XTLSREQUIRED, and "Command disabled".
        Diagnosis d = Conversation.to(143)
                .greeting("* OK IMAP4rev1")
                .client("a1 CAPABILITY")
                .server("* CAPABILITY IMAP4rev1 NAMESPACE ID IDLE LITERAL+ UNSELECT STARTTLS XTLSREQUIRED")
                .server("a1 OK CAPABILITY Completed")
                .client("a2 LOGIN alice secret")
                .server("a2 NO LOGIN Command disabled")
                .close().diagnosis();
        Finding f = finding(d, "login-before-starttls");
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("authentication-failed", f.alternatives().get(0).code());
        assertFalse(codes(d).contains("authentication-failed"), "not said twice: " + codes(d));
        assertTrue(f.explanation().contains("XTLSREQUIRED"), f.explanation());
        assertEquals(Outcome.REFUSED, d.outcome());
    }

    @Test
    void aBareNoBeforeTlsFromAServerOfferingStarttlsIsLikelyWrongCredentialsButNamesTls() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready")
                .client("a1 LOGIN alice wrong")
                .server("a1 NO Login failed.")
                .close().diagnosis();
        Finding f = finding(d, "authentication-failed");
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("login-before-starttls", f.alternatives().get(0).code());
        assertEquals(Outcome.REFUSED, d.outcome());
    }

    @Test
    void aBareNoFromAServerWithoutTlsIsCertainlyTheCredentials() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .client("a1 LOGIN alice wrong")
                .server("a1 NO Login failed.")
                .close().diagnosis();
        assertEquals(Confidence.CERTAIN, finding(d, "authentication-failed").confidence());
    }

    @Test
    void authenticationFailedCodeIsCertainWhateverTheServerOffers() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready")
                .client("a1 LOGIN alice wrong")
                .server("a1 NO [AUTHENTICATIONFAILED] Authentication failed.")
                .close().diagnosis();
        assertEquals(Confidence.CERTAIN, finding(d, "authentication-failed").confidence());
        assertFalse(codes(d).contains("login-before-starttls"));
    }

    @Test
    void exchangesInvalidStateIsTheTlsRefusal() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK The Microsoft Exchange IMAP4 service is ready.")
                .client(". LOGIN alice secret")
                .server(". BAD Command received in Invalid state.")
                .close().diagnosis();
        assertEquals(Confidence.CERTAIN, finding(d, "login-before-starttls").confidence());
    }

    @Test
    void aClientToldLogindisabledThatLeavesWithoutTryingCouldNotLogIn() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.")
                .client("a1 LOGOUT")
                .server("* BYE Logging out")
                .server("a1 OK Logout completed.")
                .serverFin().clientFin().diagnosis();
        Finding f = finding(d, "login-before-starttls");
        assertEquals(Confidence.LIKELY, f.confidence());
        assertTrue(f.summary().contains("gave up"), f.summary());
        assertEquals(Outcome.REFUSED, d.outcome());
    }

    @Test
    void aClientThatLeavesWithABareFinAfterLogindisabledGaveUpToo() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.")
                .after(0.2).close().diagnosis();
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("login-before-starttls", d.findings().get(0).code());
    }

    @Test
    void withoutStarttlsOnOfferThereWasNoTlsToStart() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] Dovecot ready.")
                .client("a1 LOGOUT").server("* BYE Logging out").server("a1 OK Logout completed.")
                .serverFin().clientFin().diagnosis();
        assertFalse(codes(d).contains("login-before-starttls"), codes(d).toString());
        assertTrue(codes(d).contains("starttls-not-advertised"));
    }

    @Test
    void aLoginAcceptedAfterTheClientLeftNothingUnsaidIsOk() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready")
                .client("a1 LOGIN alice secret").server("a1 OK Logged in")
                .client("a2 LOGOUT").server("* BYE bye").server("a2 OK done")
                .serverFin().clientFin().diagnosis();
        assertEquals(Outcome.OK, d.outcome());
        assertEquals(java.util.List.of("cleartext-credentials"), codes(d));
    }
}
