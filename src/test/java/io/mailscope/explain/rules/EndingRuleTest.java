package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import static io.mailscope.explain.rules.Conversation.codes;
import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a session was cut short: BYE, a reset, a server that hangs up without a word. */
class EndingRuleTest {

    @Test
    void aByeGreetingRefusesTheConnection() {
        Diagnosis d = Conversation.to(143).greeting("* BYE Too many connections from your IP").serverFin().clientFin().diagnosis();
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("server-bye", d.findings().get(0).code());
    }

    @Test
    void aByeAnsweringLogoutIsNoFinding() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .client("a1 LOGOUT").server("* BYE Logging out").server("a1 OK Logout completed.")
                .serverFin().clientFin().diagnosis();
        assertEquals(Outcome.OK, d.outcome());
        assertFalse(codes(d).contains("server-bye"), codes(d).toString());
    }

    @Test
    void aServerThatHangsUpAfterItsGreetingWithoutByeIsAServerHangup() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready")
                .after(0.01).serverFin().clientFin().diagnosis();
        assertEquals(Outcome.DROPPED, d.outcome());
        assertEquals("server-hangup", d.findings().get(0).code());
    }

    @Test
    void aServerHangupIsALastResortThatYieldsToAnExplanation() {
        // The server closed after refusing the login: the refusal explains the end, not "closed without BYE".
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready")
                .client("a1 LOGIN alice secret").server("a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed.")
                .serverFin().clientFin().diagnosis();
        assertEquals("login-before-starttls", d.findings().get(0).code());
        assertFalse(codes(d).contains("server-hangup"), codes(d).toString());
    }

    @Test
    void aResetInTheMiddleDropsTheSession() {
        Diagnosis d = Conversation.to(143).greeting("* OK ready").client("a1 SELECT INBOX").serverRst().diagnosis();
        assertEquals(Outcome.DROPPED, d.outcome());
        assertTrue(finding(d, "reset").explanation().contains("a1 SELECT INBOX"));
    }

    @Test
    void aResetAfterTheClientsOwnFinIsOnlyTheAftermath() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .client("a1 LOGIN alice secret").server("a1 OK Logged in").clientFin().clientRst().diagnosis();
        assertFalse(codes(d).contains("reset"), codes(d).toString());
    }
}
