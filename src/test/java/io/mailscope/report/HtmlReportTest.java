package io.mailscope.report;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.cli.Main;
import io.mailscope.dissect.PortRoles;
import io.mailscope.pipeline.Analysis;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Timeline;
import io.mailscope.tcp.ReassemblyLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTML report of real captures, read back as text: sections, chart counts, arrows, escaping, limits. */
class HtmlReportTest {
    /** Captures of different stories: ok, refused, stalled, alert, dropped, silence, a gap. */
    static final List<String> STORIES = List.of("login-before-starttls.pcap", "implicit-tls-mutual-wait.pcap",
            "starttls-ok-python.pcap", "tls-version-mismatch-alert.pcap", "connection-refused.pcap",
            "http-on-imap-port.pcap", "certificate-rejected-tls13.pcap", "capture-gap.pcap", "ipv6-imaps-ok.pcap");

    /**
     * A recorded capture: src/test/resources/captures/NAME, or under the directory named by the system property
     * {@code mailscope.captures} (for a worktree that does not hold the recordings yet).
     */
    static Path capture(String name) {
        Path p = Path.of("src", "test", "resources", "captures", name);
        if (Files.isRegularFile(p)) {
            return p;
        }
        String dir = System.getProperty("mailscope.captures");
        if (dir != null && Files.isRegularFile(Path.of(dir, name))) {
            return Path.of(dir, name);
        }
        throw new AssertionError("capture " + name + " not found in src/test/resources/captures (or -Dmailscope.captures=DIR)");
    }

    /** Runs the real chain (the recordings use ports 10143 and 10993) and returns the finished sessions. */
    static List<AnalyzedSession> analyze(List<String> names) {
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(new PortRoles(Set.of(10143), Set.of(10993)), ReassemblyLimits.DEFAULT, true,
                2_000_000_000L, out::add);
        try {
            for (String n : names) {
                a.read(capture(n).toString());
            }
        } catch (IOException | CaptureFormatException e) {
            throw new AssertionError(e);
        }
        a.finish();
        return out;
    }

    /** Writes the report of these sessions, with a summary counted the way the CLI counts it. */
    static String render(List<AnalyzedSession> sessions, int maxLadder) {
        StringWriter w = new StringWriter();
        try (HtmlReport r = new HtmlReport(w, "test", maxLadder)) {
            SummaryCounter counter = new SummaryCounter();
            for (AnalyzedSession s : sessions) {
                counter.count(s, true);
                r.session(s);
            }
            r.summary(summary(List.of("a.pcap"), counter));
        }
        return w.toString();
    }

    static RunSummary summary(List<String> files, SummaryCounter c) {
        return new RunSummary(files, 10, 10, 0, 0, c.sessions(), c.shown(), c.clientBytes(), c.serverBytes(),
                c.outcomes(), c.findings(), new io.mailscope.tcp.ReassemblyStats(0, 0, 0, 0, 0, 0, 0), List.of());
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    /** The text of one session's section. */
    static String section(String html, long id) {
        int start = html.indexOf("<details class=\"session");
        while (start >= 0 && !html.startsWith("id=\"s" + id + "\"", html.indexOf("id=", start))) {
            start = html.indexOf("<details class=\"session", start + 1);
        }
        assertTrue(start >= 0, "no section for session " + id);
        return html.substring(start, html.indexOf("</details>", start));
    }

    // ---- a hostile session, built from frames so it goes through the real chain ----

    static final String HOSTILE_GREETING = "* OK <script>alert(1)</script></svg><b onmouseover=x>&amp; ready";
    static final String HOSTILE_COMMAND = "a1 NOOP </svg><script>alert(2)</script>\"'";

    /** A plaintext IMAP session on port 143 whose server greeting and client command carry markup. */
    static List<AnalyzedSession> hostile() {
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add);
        long t = 1_700_000_000_000_000_000L;
        int c = 40000;
        int s = 143;
        long cs = 1000;
        long ss = 5000;
        long f = 1;
        feed(a, f++, t, true, c, s, cs, 0, 0x02, "");
        feed(a, f++, t + 1_000_000, false, s, c, ss, cs + 1, 0x12, "");
        feed(a, f++, t + 2_000_000, true, c, s, cs + 1, ss + 1, 0x10, "");
        String greeting = HOSTILE_GREETING + "\r\n";
        feed(a, f++, t + 3_000_000, false, s, c, ss + 1, cs + 1, 0x18, greeting);
        String cmd = HOSTILE_COMMAND + "\r\n";
        feed(a, f++, t + 4_000_000, true, c, s, cs + 1, ss + 1 + greeting.length(), 0x18, cmd);
        feed(a, f++, t + 5_000_000, false, s, c, ss + 1 + greeting.length(), cs + 1 + cmd.length(), 0x11, "");
        feed(a, f, t + 6_000_000, true, c, s, cs + 1 + cmd.length(), ss + 2 + greeting.length(), 0x11, "");
        a.finish();
        return out;
    }

    /** One Ethernet/IPv4/TCP frame between 10.0.0.1 (client) and 10.0.0.2 (server). */
    private static void feed(Analysis a, long frame, long time, boolean fromClient, int sport, int dport, long seq, long ack,
                             int flags, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + data.length);
        b.put(new byte[] {2, 0, 0, 0, 0, (byte) (fromClient ? 2 : 1), 2, 0, 0, 0, 0, (byte) (fromClient ? 1 : 2)});
        b.putShort((short) 0x0800);
        int ipStart = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + data.length)).putShort((short) frame)
                .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0);
        b.put(new byte[] {10, 0, 0, (byte) (fromClient ? 1 : 2)}).put(new byte[] {10, 0, 0, (byte) (fromClient ? 2 : 1)});
        int sum = 0;
        for (int i = ipStart; i < ipStart + 20; i += 2) {
            sum += ((b.get(i) & 0xff) << 8) | (b.get(i + 1) & 0xff);
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        b.putShort(ipStart + 10, (short) ~sum);
        b.putShort((short) sport).putShort((short) dport).putInt((int) seq).putInt((int) ack)
                .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.put(data);
        byte[] buf = b.array();
        a.frame(frame, time, 1, buf, 0, buf.length, buf.length);
    }

    // ---- tests ----

    @Test
    void everySessionGetsExactlyOneSection() {
        List<AnalyzedSession> sessions = analyze(STORIES);
        String html = render(sessions, HtmlReport.DEFAULT_LADDER_ENTRIES);
        assertTrue(sessions.size() >= STORIES.size(), "each capture holds at least one session");
        assertEquals(sessions.size(), count(html, "<details class=\"session"));
        for (AnalyzedSession s : sessions) {
            long id = s.session().connection().id();
            assertEquals(1, count(html, "id=\"s" + id + "\""), "one section for session " + id);
            assertTrue(section(html, id).contains(s.diagnosis().outcome().label().toUpperCase() + "</span>"));
        }
    }

    @Test
    void outcomeChartCountsTheSessionsOfEachOutcome() {
        List<AnalyzedSession> sessions = analyze(STORIES);
        String html = render(sessions, HtmlReport.DEFAULT_LADDER_ENTRIES);
        Map<String, Long> expected = new LinkedHashMap<>();
        for (AnalyzedSession s : sessions) {
            expected.merge(s.diagnosis().outcome().label(), 1L, Long::sum);
        }
        assertTrue(expected.size() >= 4, "the stories cover several outcomes: " + expected);
        String chart = html.substring(html.indexOf("<figure id=\"outcomes\">"), html.indexOf("</figure>", html.indexOf("<figure id=\"outcomes\">")));
        Map<String, Long> charted = new LinkedHashMap<>();
        Matcher m = Pattern.compile("data-label=\"([a-z]+)\" data-count=\"(\\d+)\"").matcher(chart);
        while (m.find()) {
            charted.put(m.group(1), Long.parseLong(m.group(2)));
        }
        assertEquals(expected, charted);
    }

    @Test
    void outcomeBarsUseTheTerminalColors() {
        String html = render(analyze(STORIES), HtmlReport.DEFAULT_LADDER_ENTRIES);
        String chart = html.substring(html.indexOf("<figure id=\"outcomes\">"));
        assertTrue(Pattern.compile("data-label=\"ok\".*?fill=\"#2b8a3e\"", Pattern.DOTALL).matcher(chart).find());
        assertTrue(Pattern.compile("data-label=\"stalled\".*?fill=\"#e08e0b\"", Pattern.DOTALL).matcher(chart).find());
        assertTrue(Pattern.compile("data-label=\"refused\".*?fill=\"#c92a2a\"", Pattern.DOTALL).matcher(chart).find());
    }

    @Test
    void ladderHasOneArrowOrBandPerTimelineEntry() {
        List<AnalyzedSession> sessions = analyze(STORIES);
        String html = render(sessions, HtmlReport.DEFAULT_LADDER_ENTRIES);
        int silences = 0;
        for (AnalyzedSession s : sessions) {
            var entries = Timeline.of(s.session());
            String sec = section(html, s.session().connection().id());
            long arrows = entries.stream().filter(e -> !e.from().equals("none")).count();
            assertEquals(arrows, count(sec, "<g class=\"arrow"), "arrows of session " + s.session().connection().id());
            assertEquals(entries.size() - arrows, count(sec, "<g class=\"band"), "bands of session " + s.session().connection().id());
            silences += count(sec, "<g class=\"band silence");
        }
        assertTrue(silences > 0, "the mutual-wait story has a silence band");
    }

    @Test
    void silenceIsADashedBandWithItsLength() {
        List<AnalyzedSession> sessions = analyze(List.of("implicit-tls-mutual-wait.pcap"));
        String html = render(sessions, HtmlReport.DEFAULT_LADDER_ENTRIES);
        Matcher m = Pattern.compile("<g class=\"band silence\"[^>]*><title>([0-9.]+ s) of silence").matcher(html);
        assertTrue(m.find(), "a silence band with its length");
        String band = html.substring(m.start(), html.indexOf("</g>", m.start()));
        assertTrue(band.contains("stroke-dasharray"));
    }

    @Test
    void problemsAreDrawnInRed() {
        String html = render(analyze(List.of("login-before-starttls.pcap")), HtmlReport.DEFAULT_LADDER_ENTRIES);
        Matcher m = Pattern.compile("<g class=\"arrow k-problem[^>]*>").matcher(html);
        assertTrue(m.find(), "the reused tag is a problem entry");
        String row = html.substring(m.start(), html.indexOf("</g>", m.start()));
        assertTrue(row.contains("fill=\"#ffe3e3\"") && row.contains("stroke=\"" + SvgLadder.PROBLEM_COLOR + "\""), row);
    }

    @Test
    void longTimelineIsCutWithANoteOnWhatWasLeftOut() {
        List<AnalyzedSession> sessions = analyze(List.of("starttls-ok-python.pcap"));
        AnalyzedSession s = sessions.get(0);
        int n = Timeline.of(s.session()).size();
        assertTrue(n > 8, "the story has more than 8 entries: " + n);
        String sec = section(render(sessions, 8), s.session().connection().id());
        assertEquals(8, count(sec, "<g class=\"arrow") + count(sec, "<g class=\"band ") - count(sec, "<g class=\"band elided"));
        assertEquals(1, count(sec, "<g class=\"band elided"));
        assertTrue(sec.contains((n - 8) + " entries left out here"), "the diagram says how many");
        assertTrue(sec.contains((n - 8) + " of " + n + " timeline entries are left out"), "the page says how many");
    }

    @Test
    void findingsShowSeverityCodeExplanationFixAndFrames() {
        List<AnalyzedSession> sessions = analyze(List.of("login-before-starttls.pcap"));
        String html = render(sessions, HtmlReport.DEFAULT_LADDER_ENTRIES);
        var f = sessions.get(0).diagnosis().findings().get(0);
        assertTrue(html.contains("<span class=\"badge sev-" + f.severity().label() + "\">" + f.severity().label().toUpperCase() + "</span>"));
        assertTrue(html.contains("<span class=\"code\">" + f.code() + "</span>: " + HtmlEscape.text(f.summary())));
        assertTrue(html.contains("<b>Fix:</b> "));
        long id = sessions.get(0).session().connection().id();
        long frame = f.frames().get(0);
        assertTrue(html.contains("<a href=\"#s" + id + "-f" + frame + "\">" + frame + "</a>"), "the frame links to its arrow");
        assertTrue(html.contains("id=\"s" + id + "-f" + frame + "\""), "the arrow carries the anchor");
    }

    @Test
    void markupFromTheNetworkIsEscapedEverywhere() {
        List<AnalyzedSession> sessions = hostile();
        assertEquals(1, sessions.size());
        String timeline = Timeline.of(sessions.get(0).session()).toString();
        assertTrue(timeline.contains("<script>alert(1)</script></svg>"), "the hostile text reaches the timeline: " + timeline);
        String html = render(sessions, HtmlReport.DEFAULT_LADDER_ENTRIES);
        assertFalse(html.contains("<script"), "no script element");
        assertFalse(html.contains("<b onmouseover"), "no injected element");
        assertEquals(1, count(html, "</svg>\n</div>\n"), "the only closing svg tags are ours: one ladder");
        assertEquals(count(html, "<svg"), count(html, "</svg>"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;"));
        assertTrue(html.contains("&lt;/svg&gt;&lt;script&gt;alert(2)&lt;/script&gt;&quot;&#39;"));
    }

    @Test
    void fileNamesAndErrorsInTheSummaryAreEscaped() {
        StringWriter w = new StringWriter();
        try (HtmlReport r = new HtmlReport(w, "test")) {
            SummaryCounter c = new SummaryCounter();
            r.summary(new RunSummary(List.of("<img src=x onerror=alert(1)>.pcap"), 0, 0, 0, 0, 0, 0, 0, 0, c.outcomes(),
                    c.findings(), new io.mailscope.tcp.ReassemblyStats(0, 0, 0, 0, 0, 0, 0), List.of("bad </section><script>")));
        }
        String html = w.toString();
        assertFalse(html.contains("<img"));
        assertFalse(html.contains("<script"));
        assertTrue(html.contains("&lt;img src=x onerror=alert(1)&gt;.pcap"));
        assertTrue(html.contains("No sessions to show."));
    }

    @Test
    void sectionIsWrittenBeforeTheNextSessionArrives() {
        List<AnalyzedSession> sessions = analyze(List.of("login-before-starttls.pcap", "implicit-tls-mutual-wait.pcap"));
        StringWriter w = new StringWriter();
        HtmlReport r = new HtmlReport(w, "test");
        r.session(sessions.get(0));
        String after1 = w.toString();
        assertTrue(after1.contains("id=\"s" + sessions.get(0).session().connection().id() + "\""));
        assertTrue(after1.trim().endsWith("</details>"), "the first section is complete on its own");
        r.close();
        assertTrue(w.toString().endsWith("</main>\n</body>\n</html>\n"), "a document without summary still ends well");
    }

    @Test
    void summaryShowsFilesTotalsAndComesFirstOnScreen() {
        String html = render(analyze(List.of("login-before-starttls.pcap")), HtmlReport.DEFAULT_LADDER_ENTRIES);
        assertTrue(html.contains("<code>a.pcap</code>"));
        assertTrue(html.indexOf("<section id=\"summary\">") > html.indexOf("</main>"), "written at the end");
        assertTrue(html.contains("body > #summary { order: 1; }"), "shown at the top");
        assertTrue(html.contains("<div class=\"tile\"><b>1</b><span>session</span></div>"));
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http") || html.contains("url(http"),
                "nothing is fetched from elsewhere");
    }

    @Test
    void writeFailureDoesNotStopTheAnalysisAndIsReportedOnClose() {
        Writer broken = new Writer() {
            @Override
            public void write(char[] cbuf, int off, int len) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        HtmlReport r = new HtmlReport(broken, "out.html");
        for (AnalyzedSession s : analyze(List.of("login-before-starttls.pcap"))) {
            r.session(s);
        }
        UncheckedIOException e = assertThrows(UncheckedIOException.class, r::close);
        assertEquals("could not write the HTML report to out.html: No space left on device", e.getMessage());
    }

    @Test
    void fileThatCannotBeWrittenIsAClearError(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HtmlReport.open(dir.resolve("missing").resolve("r.html").toString()));
        assertTrue(e.getMessage().startsWith("cannot write the HTML report to ") && e.getMessage().endsWith("its directory does not exist"),
                e.getMessage());
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> HtmlReport.open(dir.toString()));
        assertTrue(d.getMessage().endsWith("it is a directory"), d.getMessage());
    }

    @Test
    void cliWritesTheReportNamedByHtml(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("report.html");
        int rc = Main.run("explain", "--imap-port", "10143", "--imaps-port", "10993", "--color", "never", "--html", out.toString(),
                capture("login-before-starttls.pcap").toString(), capture("starttls-ok-python.pcap").toString());
        assertEquals(0, rc);
        String html = Files.readString(out);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.endsWith("</html>\n"));
        assertEquals(1, count(html, "<details class=\"session"), "explain shows only the failing session");
        assertTrue(html.contains("data-outcome=\"" + Outcome.REFUSED.label() + "\""));
    }

    @Test
    void cliRefusesAnUnwritableReportInOneLine(@TempDir Path dir) {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int rc;
        try {
            System.setErr(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.run("analyze", "--html", dir.resolve("no/such/dir.html").toString(),
                    capture("login-before-starttls.pcap").toString());
        } finally {
            System.setErr(err);
        }
        assertEquals(Main.EXIT_USAGE, rc);
        String msg = buf.toString(StandardCharsets.UTF_8);
        assertTrue(msg.startsWith("mailscope: cannot write the HTML report to "), msg);
        assertFalse(msg.contains("\tat "), "no stack trace: " + msg);
    }
}
