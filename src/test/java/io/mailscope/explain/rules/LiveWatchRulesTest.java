package io.mailscope.explain.rules;

import io.mailscope.dissect.Session;
import io.mailscope.pipeline.Analysis;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.explain.LiveWatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live capture says a finding the moment it is known, in the words of the same rules, by the packets' clock. */
class LiveWatchRulesTest {
    private static final long STALL = 3_000_000_000L;

    private final List<String> said = new ArrayList<>();
    private final List<Finding> findings = new ArrayList<>();
    private final LiveWatch watch = new LiveWatch(STALL, (Session s, Finding f) -> {
        said.add(f.code());
        findings.add(f);
    });

    @Test
    void theBlankScreenIsSaidOnceTheStallTimeHasPassedAndOnlyOnce() {
        Conversation c = Conversation.to(993);
        Analysis a = c.open(new ArrayList<>());
        watch.tick(a.tracker().openSessions(), c.now() + 1_000_000_000L);
        assertEquals(List.of(), said, "1 s of silence is no wait yet");
        watch.tick(a.tracker().openSessions(), c.now() + 4_000_000_000L);
        assertEquals(List.of("implicit-tls-mutual-wait"), said);
        assertTrue(findings.get(0).explanation().contains("has sent a byte for 4.0"), findings.get(0).explanation());
        watch.tick(a.tracker().openSessions(), c.now() + 9_000_000_000L);
        assertEquals(List.of("implicit-tls-mutual-wait"), said, "said once");
    }

    @Test
    void aStarttlsNobodyFollowsIsAMutualWaitByTheClock() {
        Conversation c = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready")
                .client("a1 STARTTLS").server("a1 OK Begin TLS negotiation now.");
        Analysis a = c.open(new ArrayList<>());
        watch.tick(a.tracker().openSessions(), c.now() + 100_000_000L);
        assertEquals(List.of(), said);
        watch.tick(a.tracker().openSessions(), c.now() + 5_000_000_000L);
        assertEquals(List.of("starttls-mutual-wait"), said);
    }

    @Test
    void aRefusalIsSaidAtOnceWithoutWaitingForTheClose() {
        Conversation c = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready")
                .client("a1 LOGIN alice secret")
                .server("a1 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = c.open(out);
        watch.tick(a.tracker().openSessions(), c.now());
        assertTrue(said.contains("login-before-starttls"), said.toString());
        assertTrue(said.contains("cleartext-credentials"), said.toString());
        assertEquals(List.of(), out, "the session is still open");
    }

    @Test
    void aTickDiagnosesAtMostItsBudgetAndTheNextTickGoesOnWhereItStopped() {
        List<Session> open = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 3; i++) {
            Conversation c = Conversation.to(993);
            c.open(new ArrayList<>()).tracker().openSessions().forEach(open::add);
            now = Math.max(now, c.now());
        }
        long later = now + 4_000_000_000L;
        watch.tick(open, later, 1);
        assertEquals(1, said.size(), "one diagnosis per tick: " + said);
        watch.tick(open, later, 1);
        watch.tick(open, later, 1);
        assertEquals(List.of("implicit-tls-mutual-wait", "implicit-tls-mutual-wait", "implicit-tls-mutual-wait"), said,
                "every session's turn came, none twice");
        watch.tick(open, later, 1);
        assertEquals(3, said.size(), "nothing new to say");
    }
}
