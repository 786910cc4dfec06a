package io.mailscope.explain.rules;

import io.mailscope.explain.Confidence;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Outcome;
import io.mailscope.tcp.TcpConnection;
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

    @Test
    void aSynWatchedForLessThanTheFirstRetransmissionTimeIsOnlyLikelyUnanswered() {
        // the capture ended right after the SYN: an answer may simply not have been due yet
        Diagnosis d = Conversation.syn(993).after(3).diagnosis();
        var f = Conversation.finding(d, "no-answer");
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("answer-not-yet-due", f.alternatives().get(0).code());
        assertTrue(f.alternatives().get(0).summary().contains("(the capture ended)"), f.alternatives().get(0).summary());
    }

    @Test
    void aWaitOfASecondOrMoreIsLongEnoughToTell() {
        long second = ConnectionRule.FIRST_SYN_RETRANSMISSION_NANOS;
        assertTrue(words(5 * second, TcpConnection.EndReason.MEMORY_LIMIT, 0).tooSoonToTell().isEmpty());
        assertTrue(words(second, TcpConnection.EndReason.CAPTURE_END, 0).tooSoonToTell().isEmpty());
        assertTrue(words(second, TcpConnection.EndReason.RST, 2).tooSoonToTell().isEmpty());
        assertEquals("answer-not-yet-due", words(second - 1, TcpConnection.EndReason.IDLE, 0).tooSoonToTell().get(0).code());
        assertEquals("client-gave-up", words(second - 1, TcpConnection.EndReason.RST, 2).tooSoonToTell().get(0).code());
    }

    private static ConnectionRule.NoAnswerWords words(long watched, TcpConnection.EndReason why, long giveUpFrame) {
        return new ConnectionRule.NoAnswerWords(null, 1, 1, watched, why, giveUpFrame, why == TcpConnection.EndReason.RST);
    }
}
