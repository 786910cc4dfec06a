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

/** Who waited for whom: the blank screen on 993, a server that never greets, a client silent until the timeout. */
class WaitRuleTest {

    @Test
    void nothingSaidOnTheImplicitTlsPortIsTheBlankScreen() {
        Diagnosis d = Conversation.to(993).after(8).clientFin().serverFin().diagnosis();
        assertEquals(Outcome.STALLED, d.outcome());
        Finding f = finding(d, "implicit-tls-mutual-wait");
        assertTrue(f.certain());
        assertEquals("none", d.firstSpeaker());
    }

    @Test
    void aClientSilentAfterTheGreetingUntilTheServersInactivityByeIsAnIdleTimeout() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] Dovecot ready.")
                .after(180).server("* BYE Disconnected for inactivity.")
                .serverFin().clientFin().diagnosis();
        assertEquals(Outcome.STALLED, d.outcome());
        assertEquals("idle-timeout", d.findings().get(0).code(), codes(d).toString());
        assertTrue(d.findings().get(0).summary().contains("never said anything"));
        assertTrue(codes(d).contains("server-bye"), "server-bye may follow: " + codes(d));
        assertFalse(codes(d).contains("login-before-starttls"), "the client was not told off, it just sat there");
    }

    @Test
    void aClientThatWentQuietAfterLoggingInAndWasClosedSilentlyIsAnIdleTimeoutToo() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .client("a1 LOGIN alice secret").server("a1 OK Logged in")
                .after(240).serverFin().clientFin().diagnosis();
        assertEquals("idle-timeout", d.findings().get(0).code(), codes(d).toString());
        assertFalse(codes(d).contains("server-hangup"), codes(d).toString());
    }

    @Test
    void aQuickByeIsNoIdleTimeout() {
        Diagnosis d = Conversation.to(143)
                .greeting("* OK ready")
                .client("a1 NOOP").server("a1 OK done")
                .after(2).server("* BYE Server shutting down.").serverFin().clientFin().diagnosis();
        assertFalse(codes(d).contains("idle-timeout"));
        assertEquals(Outcome.DROPPED, d.outcome());
    }

    @Test
    void aServerThatNeverGreetsOnThePlaintextPort() {
        Diagnosis d = Conversation.to(143).after(10).clientFin().serverFin().diagnosis();
        assertEquals("no-greeting", d.findings().get(0).code());
        assertEquals(Outcome.STALLED, d.outcome());
    }

    @Test
    void aCaptureThatBeginsMidConnectionStatesOnlyWhatItSaw() {
        // A live capture started on an open connection: its first packet is a FIN after seconds of silence.
        Diagnosis d = Conversation.midstream(993).after(5).clientFin().after(0.001).serverFin().diagnosis();
        assertTrue(codes(d).contains("capture-midstream"), codes(d).toString());
        for (Finding f : d.findings()) {
            assertFalse(f.explanation().contains("frame 0"), f.code() + ": " + f.explanation());
            assertFalse(f.explanation().contains("SYN-ACK"), f.code() + " claims a set-up it never saw: " + f.explanation());
            if (!f.code().equals("capture-midstream")) {
                assertFalse(f.certain(), f.code() + " rests on what happened before the capture began");
            }
        }
    }

    @Test
    void aSynWithNoAnswer() {
        Diagnosis d = Conversation.syn(143).after(3).diagnosis();
        assertEquals("no-answer", d.findings().get(0).code());
    }
}
