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

    // ---- A silence is judged only as long as it was watched (WatchedWait) -------------------------------------

    @Test
    void aBlankScreenCutShortByTheCaptureIsOnlyLikely() {
        // the capture ended 1 ms after the handshake: a TLS client may have been about to send its ClientHello
        Finding f = finding(Conversation.to(993).diagnosis(), "implicit-tls-mutual-wait");
        assertFalse(f.certain());
        assertEquals("hello-not-yet-due", f.alternatives().get(0).code());
        assertTrue(f.explanation().contains("neither side sent a byte for 0.001 s, until the capture ended."), f.explanation());
    }

    @Test
    void aClientThatClosesAtOnceOnTheImplicitTlsPortDidNotWaitForAGreeting() {
        // connect and close within milliseconds: a port check or a health check, not a person at telnet
        Finding f = finding(Conversation.to(993).clientFin().serverFin().diagnosis(), "implicit-tls-mutual-wait");
        assertFalse(f.certain());
        assertEquals("client-gave-up", f.alternatives().get(0).code());
        assertTrue(f.alternatives().get(0).summary().contains("health check"), f.alternatives().get(0).summary());
    }

    @Test
    void aServerThatClosesAtOnceWithoutAGreetingIsNoTimeout() {
        Diagnosis d = Conversation.to(143).serverFin().clientFin().diagnosis();
        Finding f = finding(d, "no-greeting");
        assertFalse(f.explanation().contains("pre-login timeout"), f.explanation());
        assertEquals("server-closed-at-once", f.alternatives().get(0).code());
    }

    @Test
    void aGreetingNotSeenBeforeTheCaptureEndedIsOnlyLikelyMissing() {
        Finding f = finding(Conversation.to(143).diagnosis(), "no-greeting");
        assertFalse(f.certain());
        assertEquals("greeting-not-yet-due", f.alternatives().get(0).code());
    }

    @Test
    void aServerThatTimesOutAfterSecondsOfSilenceIsStillCertain() {
        Diagnosis d = Conversation.to(143).after(10).serverFin().clientFin().diagnosis();
        Finding f = finding(d, "no-greeting");
        assertTrue(f.certain(), f.alternatives().toString());
        assertTrue(f.explanation().contains("likely its pre-login timeout"), f.explanation());
    }

    @Test
    void aSynAckTheClientNeverAcknowledgedSetUpNothingToWaitOn() {
        // SYN, SYN-ACK, then only the server giving up: no blank screen, the client never completed the handshake
        Diagnosis d = Conversation.syn(993).synAck().after(8).serverFin().diagnosis();
        assertFalse(codes(d).contains("implicit-tls-mutual-wait"), codes(d).toString());
    }
}
