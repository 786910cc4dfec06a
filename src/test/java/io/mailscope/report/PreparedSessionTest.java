package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A session prepared ahead (on a worker of the sharded pipeline: {@link Report#prepare}) and delivered later with its
 * run-wide number ({@link Report#deliver}) prints byte for byte what {@link Report#session} prints, in every report
 * and every form: JSON lines, text with and without grouping, full and findings only, plain and in color.
 */
class PreparedSessionTest {
    /** Every real capture's sessions, and then all of them again and again, so that alike sessions form groups. */
    private static List<AnalyzedSession> sessions() throws IOException {
        List<AnalyzedSession> once = new ArrayList<>();
        try (Stream<Path> s = Files.list(Captures.DIR)) {
            for (Path p : s.filter(n -> n.toString().endsWith(".pcap")).sorted().toList()) {
                once.addAll(Captures.analyze(p.getFileName().toString()));
            }
        }
        List<AnalyzedSession> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.addAll(once);
        }
        return all;
    }

    /** The report's output for {@code sessions} and a summary, each given whole or prepared then delivered. */
    private static String render(Function<ByteArrayOutputStream, Report> make, List<AnalyzedSession> sessions, boolean prepared) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report r = make.apply(bytes);
        for (AnalyzedSession s : sessions) {
            if (prepared) {
                Object p = r.prepare(s);
                r.deliver(p, s.session().connection().id());
            } else {
                r.session(s);
            }
        }
        r.summary(new RunSummary(List.of("f"), 1, 1, 0, 0, sessions.size(), sessions.size(), 0, 0, java.util.Map.of(),
                java.util.Map.of(), new io.mailscope.tcp.ReassemblyStats(0, 0, 0, 0, 0, 0, 0, 0), List.of()));
        r.close();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void same(Function<ByteArrayOutputStream, Report> make, List<AnalyzedSession> sessions) {
        String whole = render(make, sessions, false);
        assertFalse(whole.isEmpty());
        assertEquals(whole, render(make, sessions, true));
    }

    @Test
    void jsonLinesAreTheSameBytes() throws IOException {
        List<AnalyzedSession> sessions = sessions();
        same(b -> new JsonReport(b, false), sessions);
        same(JsonReport::new, sessions);
        // and after a line written whole (the separator between top-level values)
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonReport r = new JsonReport(bytes, false);
        r.session(sessions.get(0));
        r.deliver(r.prepare(sessions.get(1)), 7);
        r.close();
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[1].startsWith(" {\"type\":\"session\",\"id\":7,\"client\":"), lines[1]);
    }

    /**
     * Prepared into a shared buffer (as the sharded pipeline's batches carry them: many sessions' bytes one after
     * another, delivered later from where each starts) the lines are those written whole, in every report.
     */
    @Test
    void sessionsPreparedIntoOneBufferAreTheSameBytes() throws IOException {
        List<AnalyzedSession> sessions = sessions();
        List<Function<ByteArrayOutputStream, Report>> reports = List.of(
                b -> new JsonReport(b, false),
                b -> new TextReport(new PrintStream(b, true, StandardCharsets.UTF_8), Style.plain(), TextReport.Detail.FULL, true),
                b -> new Reports(List.of(new JsonReport(b, false))));
        for (Function<ByteArrayOutputStream, Report> make : reports) {
            String whole = render(make, sessions, false);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Report r = make.apply(out);
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            List<Object> prepared = new ArrayList<>();
            List<int[]> runs = new ArrayList<>();
            for (int i = 0; i < sessions.size(); i++) {
                int from = batch.size();
                prepared.add(r.prepare(sessions.get(i), batch));
                runs.add(new int[] {from, batch.size() - from});
                if (prepared.size() == 97 || i == sessions.size() - 1) { // a batch handed over: delivered in order
                    byte[] bytes = batch.toByteArray();
                    for (int j = 0; j < prepared.size(); j++) {
                        AnalyzedSession s = sessions.get(i - prepared.size() + 1 + j);
                        r.deliver(prepared.get(j), s.session().connection().id(), bytes, runs.get(j)[0], runs.get(j)[1]);
                    }
                    prepared.clear();
                    runs.clear();
                    batch.reset();
                }
            }
            r.summary(new RunSummary(List.of("f"), 1, 1, 0, 0, sessions.size(), sessions.size(), 0, 0, java.util.Map.of(),
                    java.util.Map.of(), new io.mailscope.tcp.ReassemblyStats(0, 0, 0, 0, 0, 0, 0, 0), List.of()));
            r.close();
            assertEquals(whole, out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aJsonLineRenderedIntoTheBufferIsNotKeptInWhatIsPrepared() {
        AnalyzedSession s = Captures.analyze("no-greeting.pcap").get(0);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        Object p = new JsonReport(new ByteArrayOutputStream(), false).prepare(s, batch);
        assertFalse(p instanceof byte[], "the line is in the batch's bytes only");
        String rest = batch.toString(StandardCharsets.UTF_8);
        assertTrue(rest.startsWith(",\"client\":") && rest.endsWith("}"), rest);
    }

    @Test
    void textIsTheSameWithAndWithoutGroupsInEveryForm() throws IOException {
        List<AnalyzedSession> sessions = sessions();
        for (TextReport.Detail detail : TextReport.Detail.values()) {
            for (Style style : new Style[] {Style.plain(), new Style(true, true)}) {
                for (boolean grouped : new boolean[] {true, false}) {
                    same(b -> new TextReport(new PrintStream(b, true, StandardCharsets.UTF_8), style, detail, grouped), sessions);
                }
            }
        }
    }

    @Test
    void theRunWideNumberIsTheOneDelivered() {
        AnalyzedSession s = Captures.analyze("no-greeting.pcap").get(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TextReport r = new TextReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), Style.plain(), TextReport.Detail.FINDINGS);
        r.deliver(r.prepare(s), 4321);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("#4321 "), out);
        assertFalse(out.contains("\0"));
    }

    @Test
    void aGroupedSessionFinishedAfterItsGroupFormedGetsNoParagraph() throws IOException {
        List<AnalyzedSession> sessions = sessions();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TextReport r = new TextReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), Style.plain(), TextReport.Detail.FULL, true);
        int skipped = 0;
        for (AnalyzedSession s : sessions) {
            Object p = r.prepare(s);
            if (p.toString().contains("text=null")) {
                skipped++;
            }
            r.deliver(p, s.session().connection().id());
        }
        assertTrue(skipped > 0, "sessions of formed groups are not rendered");
    }
}
