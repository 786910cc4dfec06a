package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What was spoken does not fit the port, from either side. */
class PortRoleRuleTest {

    @Test
    void typingIntoTheImplicitTlsPort() {
        Diagnosis d = Conversation.to(993).after(2).client(". LOGIN alice secret").after(0.01).serverFin().clientFin().diagnosis();
        assertEquals("plaintext-to-tls-port", d.findings().get(0).code());
        assertEquals(Outcome.DROPPED, d.outcome());
    }

    @Test
    void aPlaintextServerBehindTheImplicitTlsPortIsNamedAndNotDroppedSilently() {
        Diagnosis d = Conversation.to(993).greeting("* OK [CAPABILITY IMAP4rev1] ready")
                .client("a1 LOGOUT").server("* BYE bye").server("a1 OK done").serverFin().clientFin().diagnosis();
        Finding f = finding(d, "plaintext-from-tls-port");
        assertFalse(f.certain(), "the port map may be what is wrong");
    }

    @Test
    void httpOnTheImapPort() {
        Diagnosis d = Conversation.to(143).greeting("* OK ready")
                .client("GET / HTTP/1.1").server("* BAD Error in IMAP command").serverFin().clientFin().diagnosis();
        assertEquals("http-on-imap-port", d.findings().get(0).code());
        assertEquals(Outcome.REFUSED, d.outcome());
    }

    @Test
    void aSilentServerIsSaidToHaveWaitedOnlyAsLongAsTheCaptureShows() {
        // the capture ends right after the plaintext: not "the client gave up", and no longer than was seen
        Finding f = finding(Conversation.to(993).client("a1 CAPABILITY").diagnosis(), "plaintext-to-tls-port");
        assertTrue(f.explanation().contains("both sides then waited, for 0.000 s, until the capture ended."), f.explanation());
    }
}
