package io.mailscope.explain;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** One documented place decides the outcome: the highest-priority finding that implies one. */
class OutcomeResolverTest {
    private final OutcomeResolver resolver = new OutcomeResolver();

    private static Finding f(FindingCode code, Severity sev, Outcome implies) {
        return new Finding(code, sev, "s", "e", "x", List.of(), Confidence.CERTAIN, List.of(), implies);
    }

    @Test
    void theHighestPriorityDecidesWhateverTheOrder() {
        Finding bye = f(ImapCode.SERVER_BYE, Severity.WARNING, Outcome.DROPPED);
        Finding idle = f(CommonCode.IDLE_TIMEOUT, Severity.ERROR, Outcome.STALLED);
        var r = resolver.resolve(List.of(bye, idle), null, false);
        assertEquals(Outcome.STALLED, r.outcome());
        assertSame(idle, r.primary());
        assertSame(idle, r.findings().get(0));
    }

    @Test
    void aTieGoesToTheFirstListed() {
        Finding a = f(CommonCode.LOGIN_BEFORE_STARTTLS, Severity.ERROR, Outcome.REFUSED);
        Finding b = f(CommonCode.AUTHENTICATION_FAILED, Severity.ERROR, Outcome.REFUSED);
        assertSame(a, resolver.resolve(List.of(a, b), null, false).primary());
    }

    @Test
    void aLastResortFindingGoesWhenSomethingHigherExplainsTheEnd() {
        Finding hangup = f(ImapCode.SERVER_HANGUP, Severity.WARNING, Outcome.DROPPED);
        Finding refused = f(CommonCode.STARTTLS_REFUSED, Severity.ERROR, Outcome.REFUSED);
        var r = resolver.resolve(List.of(refused, hangup), null, false);
        assertFalse(r.findings().contains(hangup));
        var alone = resolver.resolve(List.of(hangup), null, false);
        assertSame(hangup, alone.primary());
    }

    @Test
    void withNothingDecidingASuccessIsOk() {
        Finding creds = f(CommonCode.CLEARTEXT_CREDENTIALS, Severity.WARNING, null);
        var r = resolver.resolve(List.of(creds), null, true);
        assertEquals(Outcome.OK, r.outcome());
        assertNull(r.primary());
    }

    @Test
    void severityOrdersTheListAndThePrimaryLeadsItsEquals() {
        Finding info = f(ImapCode.TAG_REUSED, Severity.INFO, null);
        Finding warn = f(ImapCode.SERVER_BYE, Severity.WARNING, Outcome.DROPPED);
        Finding creds = f(CommonCode.CLEARTEXT_CREDENTIALS, Severity.WARNING, null);
        var r = resolver.resolve(List.of(info, creds, warn), null, false);
        assertEquals(List.of(warn, creds, info), r.findings());
    }
}
