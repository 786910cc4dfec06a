package io.mailscope.report;

import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.explain.Timeline;
import io.mailscope.explain.TimelineEntry;
import io.mailscope.tcp.TcpConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One self-contained HTML file (inline CSS and SVG, no script, nothing fetched) for people who do not use a
 * terminal: a summary with charts, then every session with its header, ladder diagram and findings.
 *
 * <p>Streaming: each session's section is written and flushed as it arrives, and nothing of it is kept but
 * a few bounded counters. The summary, known only at the end, is written last and shown first through CSS
 * flex order. A write failure (disk full) does not stop the analysis: writing stops and {@link #close()} says why.
 */
public final class HtmlReport implements Report {
    /** Arrows drawn per session before the middle of the timeline is left out. */
    public static final int DEFAULT_LADDER_ENTRIES = 400;
    /** Rows of the failing-sessions index in the summary. */
    static final int INDEX_ROWS = 500;
    /** File names listed before the rest are folded away. */
    static final int FILES_SHOWN = 4;
    private static final String CSS = css();

    private final Writer out;
    private final String name;
    private final SvgLadder ladder;
    private IOException failure;
    private boolean summaryWritten;
    private boolean closed;

    /* Bounded by the catalogs (outcomes, finding codes), not by the number of sessions. */
    private final Map<Outcome, Long> firstByOutcome = new EnumMap<>(Outcome.class);
    private final Map<String, Long> firstByFinding = new HashMap<>();
    private final Map<String, Severity> severityByFinding = new HashMap<>();
    private final StringBuilder index = new StringBuilder();
    private long indexRows;
    private long failedNotIndexed;

    public HtmlReport(Writer out, String name) {
        this(out, name, DEFAULT_LADDER_ENTRIES);
    }

    /** @param name how error messages name the output, e.g. its path */
    public HtmlReport(Writer out, String name, int maxLadderEntries) {
        this.out = out;
        this.name = name;
        this.ladder = new SvgLadder(maxLadderEntries);
        write(head());
    }

    /** Creates (or replaces) {@code file}; a file that cannot be written is an IllegalArgumentException saying why. */
    public static HtmlReport open(String file) {
        Path path;
        try {
            path = Path.of(file);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("cannot write the HTML report to " + file + ": invalid path (" + e.getReason() + ")");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException("cannot write the HTML report to " + file + ": it is a directory");
        }
        try {
            return new HtmlReport(Files.newBufferedWriter(path, StandardCharsets.UTF_8), file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write the HTML report to " + file + ": " + reason(e));
        }
    }

    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "its directory does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String head() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"generator\" content=\"mailscope\">\n"
                + "<title>mailscope report</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n"
                + "<header>\n<h1>mailscope report</h1>\n<p class=\"generated\">What happened on each mail connection and why it broke. Generated "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ". <a href=\"#summary\">Summary</a> \u00b7 "
                + "<a href=\"#sessions\">Sessions</a></p>\n</header>\n<main id=\"sessions\">\n<h2>Sessions</h2>\n"
                + "<p class=\"legend\"><span class=\"sw client\"></span>client to server "
                + "<span class=\"sw server\"></span>server to client <span class=\"sw tcp\"></span>TCP (SYN, FIN) "
                + "<span class=\"sw problem\"></span>problem or reset <span class=\"sw silence\"></span>silence. "
                + "Times are seconds since the first packet; failing sessions are open, click a header to fold it.</p>\n";
    }

    @Override
    public void session(AnalyzedSession as) {
        Session s = as.session();
        Diagnosis d = as.diagnosis();
        TcpConnection c = s.connection();
        long id = c.id();
        remember(c, d);
        String prefix = "s" + id;
        Outcome o = d.outcome();
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<details class=\"session ").append(outcomeClass(o)).append("\" id=\"").append(prefix)
                .append("\" data-outcome=\"").append(o.label()).append('"').append(o.failed() ? " open" : "").append(">\n");
        summaryLine(s, d, sb);
        sb.append("<div class=\"sbody\">\n");
        meta(s, d, sb);
        List<TimelineEntry> entries = Timeline.of(s);
        sb.append("<div class=\"ladder-wrap\">\n");
        Set<Long> anchored = ladder.draw(s, c.client().toString(), c.server().toString(), entries, prefix, sb);
        sb.append("</div>\n");
        if (entries.size() > ladder.drawn(entries.size())) {
            sb.append("<p class=\"note\">").append(entries.size() - ladder.drawn(entries.size())).append(" of ")
                    .append(entries.size()).append(" timeline entries are left out of the diagram (the JSON report has them all).</p>\n");
        }
        if (s.omittedEvents() > 0) {
            sb.append("<p class=\"note\">").append(s.omittedEvents())
                    .append(" events were not kept in the middle of this long session.</p>\n");
        }
        findings(d.findings(), prefix, anchored, sb);
        sb.append("</div>\n</details>\n");
        write(sb.toString());
        flush();
    }

    private void remember(TcpConnection c, Diagnosis d) {
        long id = c.id();
        firstByOutcome.putIfAbsent(d.outcome(), id);
        for (Finding f : d.findings()) {
            firstByFinding.putIfAbsent(f.code(), id);
            severityByFinding.merge(f.code(), f.severity(), (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
        if (!d.outcome().failed()) {
            return;
        }
        if (indexRows >= INDEX_ROWS) {
            failedNotIndexed++;
            return;
        }
        indexRows++;
        index.append("<tr><td><a href=\"#s").append(id).append("\">#").append(id).append("</a></td><td class=\"mono\">")
                .append(HtmlEscape.text(c.client().toString())).append(" \u2192 ").append(HtmlEscape.text(c.server().toString()))
                .append("</td><td>").append(badge(d.outcome())).append("</td><td>");
        for (int i = 0; i < d.findings().size(); i++) {
            index.append(i == 0 ? "" : ", ").append("<code>").append(HtmlEscape.text(d.findings().get(i).code())).append("</code>");
        }
        index.append("</td></tr>\n");
    }

    private static void summaryLine(Session s, Diagnosis d, StringBuilder sb) {
        TcpConnection c = s.connection();
        sb.append("<summary><span class=\"sid\">#").append(c.id()).append("</span> <span class=\"ends\">")
                .append(HtmlEscape.text(c.client().toString())).append(" \u2192 ").append(HtmlEscape.text(c.server().toString()))
                .append("</span> <span class=\"chip\">").append(HtmlEscape.text(s.role().label())).append("</span> <span class=\"dur\">")
                .append(duration(c)).append("</span> ").append(badge(d.outcome())).append(" <span class=\"path\">")
                .append(HtmlEscape.text(d.protocolPath())).append("</span>");
        int n = d.findings().size();
        if (n > 0) {
            sb.append(" <span class=\"nf\">").append(n).append(n == 1 ? " finding" : " findings").append("</span>");
        }
        sb.append("</summary>\n");
    }

    private static void meta(Session s, Diagnosis d, StringBuilder sb) {
        TcpConnection c = s.connection();
        sb.append("<dl class=\"meta\">\n<dt>first speaker</dt><dd>").append(HtmlEscape.text(d.firstSpeaker()));
        if (d.expectedFirstSpeaker() != null) {
            if (d.firstSpeakerAsExpected()) {
                sb.append(" (as expected)");
            } else {
                sb.append(" <span class=\"unexpected\">(expected: ").append(HtmlEscape.text(d.expectedFirstSpeaker()))
                        .append(")</span>");
            }
        }
        sb.append("</dd>\n<dt>port role</dt><dd>").append(HtmlEscape.text(s.role().label()));
        if (s.role() != PortRole.OTHER) {
            String name = s.role().protocol().toUpperCase(java.util.Locale.ROOT);
            sb.append(" (").append(s.role().implicitTls() ? "implicit TLS, the client speaks first"
                    : "plaintext " + name + " with " + ("POP3".equals(name) ? "STLS" : "STARTTLS") + ", the server greets first").append(')');
        }
        if (!c.tunnel().isEmpty()) {
            sb.append("</dd>\n<dt>tunnel</dt><dd class=\"mono\">").append(HtmlEscape.text(c.tunnel().toString()));
        }
        String proxy = ProxyEvent.summary(s.events());
        if (proxy != null) {
            sb.append("</dd>\n<dt>proxy</dt><dd class=\"mono\">").append(HtmlEscape.text(proxy));
        }
        sb.append("</dd>\n<dt>transport</dt><dd>").append(HtmlEscape.text(d.transport().label()))
                .append("</dd>\n<dt>protocol path</dt><dd class=\"mono\">").append(HtmlEscape.text(d.protocolPath()))
                .append("</dd>\n<dt>started</dt><dd>").append(JsonReport.iso(c.startNanos())).append(" (")
                .append(duration(c)).append(", frames ").append(c.firstFrame()).append("\u2013").append(c.lastFrame())
                .append(")</dd>\n<dt>tcp</dt><dd class=\"mono\">").append(c.state()).append(' ').append(HtmlEscape.text(c.history()))
                .append("</dd>\n<dt>bytes</dt><dd>").append(c.clientBytes()).append(" from the client, ").append(c.serverBytes())
                .append(" from the server</dd>\n");
        String decryption = DecryptionStatus.of(s);
        if (decryption != null) {
            sb.append("<dt>TLS decryption</dt><dd>\uD83D\uDD12 ").append(HtmlEscape.text(decryption)).append("</dd>\n");
        }
        sb.append("</dl>\n");
    }

    private static void findings(List<Finding> findings, String prefix, Set<Long> anchored, StringBuilder sb) {
        if (findings.isEmpty()) {
            sb.append("<p class=\"nofindings\">No findings.</p>\n");
            return;
        }
        sb.append("<ul class=\"findings\">\n");
        for (Finding f : findings) {
            sb.append("<li class=\"finding\" data-code=\"").append(HtmlEscape.text(f.code())).append("\"><span class=\"badge sev-")
                    .append(f.severity().label()).append("\">").append(f.severity().label().toUpperCase(Locale.ROOT))
                    .append("</span> <span class=\"code\">").append(HtmlEscape.text(f.code())).append("</span>")
                    .append(f.certain() ? "" : " <span class=\"confidence likely\">likely</span>").append(": ")
                    .append(HtmlEscape.text(f.summary())).append("\n<p>").append(withCode(f.explanation())).append("</p>\n");
            if (!f.certain()) {
                sb.append("<p class=\"alternatives\"><b>Or:</b> ");
                for (int i = 0; i < f.alternatives().size(); i++) {
                    var a = f.alternatives().get(i);
                    sb.append(i == 0 ? "" : "; ").append(HtmlEscape.text(a.summary())).append(" (<code>").append(HtmlEscape.text(a.code())).append("</code>)");
                }
                sb.append("</p>\n");
            }
            sb.append("<p class=\"fix\"><b>Fix:</b> ").append(withCode(f.fix())).append("</p>\n");
            if (!f.frames().isEmpty()) {
                sb.append("<p class=\"frames\">").append(f.frames().size() == 1 ? "Frame " : "Frames ");
                for (int i = 0; i < f.frames().size(); i++) {
                    long fr = f.frames().get(i);
                    sb.append(i == 0 ? "" : ", ");
                    if (anchored.contains(fr)) {
                        sb.append("<a href=\"#").append(prefix).append("-f").append(fr).append("\">").append(fr).append("</a>");
                    } else {
                        sb.append(fr);
                    }
                }
                sb.append("</p>\n");
            }
            sb.append("</li>\n");
        }
        sb.append("</ul>\n");
    }

    /** Escapes, and shows `backquoted` commands of the catalog's fixes as code. */
    static String withCode(String text) {
        String[] parts = (text == null ? "" : text).split("`", -1);
        if (parts.length < 3) {
            return HtmlEscape.text(text);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            boolean code = i % 2 == 1 && i < parts.length - 1;
            if (i % 2 == 1 && !code) {
                sb.append('`');
            }
            sb.append(code ? "<code>" : "").append(HtmlEscape.text(parts[i])).append(code ? "</code>" : "");
        }
        return sb.toString();
    }

    @Override
    public void summary(RunSummary r) {
        if (summaryWritten) {
            return;
        }
        summaryWritten = true;
        StringBuilder sb = new StringBuilder(8192);
        if (r.shown() == 0) {
            sb.append("<p class=\"note\">No sessions to show.</p>\n");
        }
        sb.append("</main>\n<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"card\">\n<p class=\"files\">")
                .append(r.files().size() == 1 ? "File analysed: " : "Files analysed: ");
        List<String> files = r.files();
        for (int i = 0; i < Math.min(files.size(), FILES_SHOWN); i++) {
            sb.append(i == 0 ? "" : ", ").append("<code>").append(HtmlEscape.text(files.get(i))).append("</code>");
        }
        if (files.size() > FILES_SHOWN) {
            // A rotated capture can be hundreds of files: the rest folds away.
            sb.append("</p>\n<details class=\"files\"><summary>and ").append(files.size() - FILES_SHOWN)
                    .append(" more files</summary>\n<p class=\"files\">");
            for (int i = FILES_SHOWN; i < files.size(); i++) {
                sb.append(i == FILES_SHOWN ? "" : ", ").append("<code>").append(HtmlEscape.text(files.get(i))).append("</code>");
            }
            sb.append("</p></details>\n<p>");
        }
        if (files.isEmpty()) {
            sb.append("none");
        }
        sb.append("</p>\n<div class=\"tiles\">\n");
        tile(sb, r.sessions(), r.sessions() == 1 ? "session" : "sessions");
        if (r.shown() != r.sessions()) {
            tile(sb, r.shown(), "shown below");
        }
        tile(sb, r.outcomes().entrySet().stream().filter(e -> !e.getKey().equals(Outcome.OK.label()))
                .mapToLong(Map.Entry::getValue).sum(), "failed");
        tile(sb, r.frames(), "frames");
        tile(sb, r.tcpSegments(), "TCP segments");
        if (r.nonTcp() > 0) {
            tile(sb, r.nonTcp(), "other frames");
        }
        if (r.undecodable() > 0) {
            tile(sb, r.undecodable(), "undecodable");
        }
        tile(sb, r.clientBytes(), "bytes from clients");
        tile(sb, r.serverBytes(), "bytes from servers");
        sb.append("</div>\n");
        var ra = r.reassembly();
        if (ra != null && ra.droppedOutOfOrderBytes() + ra.evictedIdle() + ra.evictedForSpace() > 0) {
            sb.append("<p class=\"warn\">Memory limits: ").append(ra.droppedOutOfOrderBytes())
                    .append(" out-of-order bytes dropped, ").append(ra.evictedIdle()).append(" connections closed idle, ")
                    .append(ra.evictedForSpace()).append(" evicted for space.</p>\n");
        }
        for (String e : r.errors()) {
            sb.append("<p class=\"error\">Error: ").append(HtmlEscape.text(e)).append("</p>\n");
        }
        sb.append("<div class=\"charts\">\n<figure id=\"outcomes\"><figcaption>Sessions by outcome</figcaption>\n");
        List<SvgBarChart.Bar> bars = new ArrayList<>();
        for (var e : r.outcomes().entrySet()) {
            Outcome o = outcome(e.getKey());
            Long first = o == null ? null : firstByOutcome.get(o);
            bars.add(new SvgBarChart.Bar(e.getKey(), e.getValue(), outcomeColor(o), first == null ? null : "#s" + first));
        }
        SvgBarChart.draw("sessions by outcome", bars, sb);
        sb.append("</figure>\n<figure id=\"top-findings\"><figcaption>Most frequent findings (sessions)</figcaption>\n");
        bars.clear();
        for (var e : r.findings().entrySet()) {
            if (bars.size() == 10) {
                break;
            }
            Long first = firstByFinding.get(e.getKey());
            bars.add(new SvgBarChart.Bar(e.getKey(), e.getValue(), severityColor(severityByFinding.get(e.getKey())),
                    first == null ? null : "#s" + first));
        }
        SvgBarChart.draw("most frequent findings", bars, sb);
        sb.append("</figure>\n</div>\n</div>\n");
        if (indexRows > 0) {
            sb.append("<div class=\"card\">\n<h2>Failing sessions</h2>\n<table class=\"index\">\n<tr><th>session</th><th>client \u2192 server</th><th>outcome</th><th>findings</th></tr>\n")
                    .append(index).append("</table>\n");
            if (failedNotIndexed > 0) {
                sb.append("<p class=\"note\">and ").append(failedNotIndexed).append(" more failing sessions below.</p>\n");
            }
            sb.append("</div>\n");
            index.setLength(0);
            index.trimToSize();
        }
        sb.append("</section>\n");
        write(sb.toString());
        flush();
    }

    private static void tile(StringBuilder sb, long value, String label) {
        sb.append("<div class=\"tile\"><b>").append(value).append("</b><span>").append(HtmlEscape.text(label)).append("</span></div>\n");
    }

    static String badge(Outcome o) {
        return "<span class=\"badge o-" + o.label() + "\">" + o.label().toUpperCase(Locale.ROOT) + "</span>";
    }

    private static String outcomeClass(Outcome o) {
        return switch (o) {
            case OK -> "ok";
            case STALLED, INCOMPLETE -> "amber";
            default -> "failed";
        };
    }

    /** The terminal's colors: ok green, stalled/incomplete amber, the rest red. */
    static String outcomeColor(Outcome o) {
        if (o == null) {
            return "#868e96";
        }
        return switch (o) {
            case OK -> "#2b8a3e";
            case STALLED, INCOMPLETE -> "#e08e0b";
            default -> "#c92a2a";
        };
    }

    static String severityColor(Severity s) {
        if (s == null) {
            return "#868e96";
        }
        return switch (s) {
            case INFO -> "#1c7ed6";
            case WARNING -> "#e08e0b";
            case ERROR -> "#c92a2a";
        };
    }

    private static Outcome outcome(String label) {
        for (Outcome o : Outcome.values()) {
            if (o.label().equals(label)) {
                return o;
            }
        }
        return null;
    }

    private static String duration(TcpConnection c) {
        return String.format(Locale.ROOT, "%.3f s", (c.endNanos() - c.startNanos()) / 1e9);
    }

    private void write(String s) {
        if (failure != null) {
            return;
        }
        try {
            out.write(s);
        } catch (IOException e) {
            failure = e;
        }
    }

    private void flush() {
        if (failure != null) {
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            failure = e;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!summaryWritten) {
            write("</main>\n");
        }
        write("</body>\n</html>\n");
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw new UncheckedIOException("could not write the HTML report to " + name + ": " + reason(failure), failure);
        }
    }

    private static String css() {
        try (InputStream in = HtmlReport.class.getResourceAsStream("html-report.css")) {
            if (in == null) {
                throw new IllegalStateException("html-report.css missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
