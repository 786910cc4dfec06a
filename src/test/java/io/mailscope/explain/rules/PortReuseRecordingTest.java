package io.mailscope.explain.rules;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.explain.Confidence;
import io.mailscope.explain.Finding;
import io.mailscope.tcp.TcpConnection;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real recording (captures/README.md, 17c) of three client implementations (ncat, curl, Python's socket) that give
 * up on a silent port after 0.4 s and retry from the same source port: each first attempt ended by the client's own
 * new SYN, not by idleness, and too soon to say the server would not have answered.
 */
class PortReuseRecordingTest {
    @Test
    void eachClientsFirstAttemptIsEndedByItsOwnRetryAndOnlyLikelyUnanswered() {
        List<AnalyzedSession> all = Captures.analyze("no-answer-port-reuse.pcap");
        assertEquals(6, all.size());
        Map<Integer, List<AnalyzedSession>> byClientPort = all.stream()
                .collect(Collectors.groupingBy(s -> s.session().connection().client().port()));
        assertEquals(List.of(40000, 40001, 40002), byClientPort.keySet().stream().sorted().toList());
        for (List<AnalyzedSession> attempts : byClientPort.values()) {
            assertEquals(2, attempts.size());
            AnalyzedSession first = attempts.get(0).session().connection().synFrame() < attempts.get(1).session().connection().synFrame()
                    ? attempts.get(0) : attempts.get(1);
            AnalyzedSession second = first == attempts.get(0) ? attempts.get(1) : attempts.get(0);

            assertEquals(TcpConnection.EndReason.PORT_REUSED, first.session().connection().endReason());
            Finding f = only(first, "no-answer");
            assertEquals(Confidence.LIKELY, f.confidence());
            assertEquals(List.of("client-gave-up"), f.alternatives().stream().map(a -> a.code()).toList());
            assertTrue(f.explanation().contains("until the client sent a new SYN from the same port"), f.explanation());

            Finding g = only(second, "no-answer");
            assertEquals(Confidence.CERTAIN, g.confidence());
            assertTrue(g.explanation().contains("to any of its 3 attempts"), g.explanation());
        }
    }

    private static Finding only(AnalyzedSession s, String code) {
        List<Finding> found = s.diagnosis().findings().stream().filter(f -> f.code().equals(code)).toList();
        assertEquals(1, found.size(), s.diagnosis().findings().toString());
        return found.get(0);
    }
}
