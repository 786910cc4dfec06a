package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runs a JSON report keeps for verdicts and findings that recur: made at a key's second miss, found by the
 * identity of its values, and written as the same bytes as the fields one by one.
 */
class KeptRunsTest {
    @Test
    void aKeyIsKeptAtItsSecondMissAndFoundByIdentity() {
        KeptRuns runs = new KeptRuns();
        String summary = "The server never answered.";
        assertNull(runs.get("a", summary, null, 1, Boolean.TRUE, null));
        assertFalse(runs.missedBefore("a", summary, null, 1, Boolean.TRUE, null), "first miss: only remembered");
        assertTrue(runs.missedBefore("a", summary, null, 1, Boolean.TRUE, null), "second miss: worth keeping");
        byte[][] kept = {{1, 2}};
        runs.put("a", summary, null, 1, Boolean.TRUE, null, kept);
        assertSame(kept, runs.get("a", summary, null, 1, Boolean.TRUE, null));
        String equalButNotSame = new String(summary);
        assertNull(runs.get("a", equalButNotSame, null, 1, Boolean.TRUE, null), "compared by identity");
        assertNull(runs.get("a", summary, null, 1, Boolean.FALSE, null));
    }

    @Test
    void atMostEightSetsAreKeptTheOldestReplaced() {
        KeptRuns runs = new KeptRuns();
        Object[] keys = new Object[KeptRuns.WAYS + 1];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new Object();
            runs.put(keys[i], null, null, null, null, null, new byte[][] {{(byte) i}});
        }
        assertNull(runs.get(keys[0], null, null, null, null, null), "the first was replaced by the ninth");
        for (int i = 1; i < keys.length; i++) {
            assertArrayEquals(new byte[] {(byte) i}, runs.get(keys[i], null, null, null, null, null)[0]);
        }
    }

    /**
     * Every capture's sessions, shuffled and written many times by one report (whose verdicts and findings are
     * then mostly copied from kept runs) are each the line a fresh report writes field by field.
     */
    @Test
    void linesWithKeptRunsAreTheLinesWrittenFieldByField() throws IOException {
        List<AnalyzedSession> once = new ArrayList<>();
        try (Stream<Path> s = Files.list(Captures.DIR)) {
            for (Path p : s.filter(n -> n.toString().endsWith(".pcap")).sorted().toList()) {
                once.addAll(Captures.analyze(p.getFileName().toString()));
            }
        }
        List<AnalyzedSession> all = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.addAll(once);
        }
        Collections.shuffle(all, new Random(6));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        JsonReport report = new JsonReport(kept, false);
        StringBuilder fresh = new StringBuilder();
        for (AnalyzedSession s : all) {
            report.session(s);
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            JsonReport alone = new JsonReport(one, false);
            alone.session(s);
            alone.close();
            fresh.append(fresh.length() == 0 ? "" : " ").append(one.toString(StandardCharsets.UTF_8));
        }
        report.close();
        assertTrue(all.size() > 1000, "sessions: " + all.size());
        assertEquals(fresh.toString(), kept.toString(StandardCharsets.UTF_8));
    }
}
