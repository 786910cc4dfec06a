package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection never came up. */
class ConnectionRuleTest {

    @Test
    void aSynAnsweredByRstIsRefused() {
        Diagnosis d = Conversation.syn(993).serverRst().diagnosis();
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("connection-refused", d.findings().get(0).code());
        assertTrue(d.findings().get(0).explanation().contains("nothing listens on port 993"));
    }

    @Test
    void aSynWithoutAnyAnswerStalls() {
        Diagnosis d = Conversation.syn(993).after(3).diagnosis();
        assertEquals(Outcome.STALLED, d.outcome());
        assertEquals("no-answer", d.findings().get(0).code());
        // the capture ended with the SYN: no wait was watched, and the finding says so rather than "within 0.000 s"
        assertTrue(d.findings().get(0).explanation().contains("and nothing came back in the 0.000 s until the capture ended:"),
                d.findings().get(0).explanation());
    }
}
