package io.mailscope.report;

import io.mailscope.dissect.Session;
import io.mailscope.explain.TimelineEntry;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Draws a session's timeline as an inline SVG ladder diagram: time and frame on the left, the client's lifeline,
 * the server's lifeline, one arrow per entry with its text above it, silences as dashed bands across both
 * lifelines, problems on a red band. Long timelines keep their head and tail and say how much was left out.
 */
final class SvgLadder {
    static final int WIDTH = 980;
    static final int TIME_X = 6;
    static final int FRAME_X = 118;
    static final int CLIENT_X = 150;
    static final int SERVER_X = 960;
    static final int HEADER = 46;
    static final int ROW = 32;
    /** Characters of an arrow's text that fit between the lifelines in the monospace font. */
    static final int TEXT_CHARS = 104;

    static final String CLIENT_COLOR = "#0b7285";
    static final String SERVER_COLOR = "#862e9c";
    static final String TCP_COLOR = "#868e96";
    static final String PROBLEM_COLOR = "#c92a2a";
    static final String SILENCE_COLOR = "#b7791f";

    private final int maxEntries;

    /** @param maxEntries most arrows drawn per session; the rest are counted in a note */
    SvgLadder(int maxEntries) {
        if (maxEntries < 2) {
            throw new IllegalArgumentException("maxEntries must be at least 2");
        }
        this.maxEntries = maxEntries;
    }

    /**
     * Appends the diagram and returns the frames that got an anchor ({@code <prefix>-f<frame>}), so findings
     * can link to them.
     */
    Set<Long> draw(Session session, String client, String server, List<TimelineEntry> entries, String prefix,
                   StringBuilder out) {
        int n = entries.size();
        int head = n <= maxEntries ? n : maxEntries * 3 / 4;
        int tail = n <= maxEntries ? 0 : maxEntries - head;
        int leftOut = n - head - tail;
        int rows = head + tail + (leftOut > 0 ? 1 : 0);
        int height = HEADER + rows * ROW + 12;
        out.append("<svg class=\"ladder\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"ladder diagram, ").append(n).append(" entries\">\n");
        drawHeader(client, server, height, out);
        Set<Long> anchored = new HashSet<>();
        int row = 0;
        for (int i = 0; i < head; i++) {
            entry(session, entries.get(i), row++, prefix, anchored, out);
        }
        if (leftOut > 0) {
            band(row++, "\u2026 " + leftOut + " entries left out here \u2026", "#495057", "#f1f3f5", "elided", null, out);
        }
        for (int i = n - tail; i < n; i++) {
            entry(session, entries.get(i), row++, prefix, anchored, out);
        }
        out.append("</svg>\n");
        return anchored;
    }

    /** Entries drawn for a timeline of {@code n} entries (arrows and bands, not counting the left-out note). */
    int drawn(int n) {
        return Math.min(n, maxEntries);
    }

    private static void drawHeader(String client, String server, int height, StringBuilder out) {
        out.append("<g class=\"head\" font-family=\"system-ui,sans-serif\" font-size=\"13\" fill=\"#495057\">")
                .append("<text x=\"").append(TIME_X).append("\" y=\"20\">time (s)</text>")
                .append("<text x=\"").append(FRAME_X).append("\" y=\"20\" text-anchor=\"end\">frame</text>")
                .append("<text x=\"").append(CLIENT_X).append("\" y=\"20\" font-weight=\"600\" fill=\"").append(CLIENT_COLOR)
                .append("\">client <tspan font-weight=\"400\">").append(HtmlEscape.text(client)).append("</tspan></text>")
                .append("<text x=\"").append(SERVER_X).append("\" y=\"20\" text-anchor=\"end\" font-weight=\"600\" fill=\"")
                .append(SERVER_COLOR).append("\">server <tspan font-weight=\"400\">").append(HtmlEscape.text(server))
                .append("</tspan></text></g>\n");
        lifeline(CLIENT_X, CLIENT_COLOR, height, out);
        lifeline(SERVER_X, SERVER_COLOR, height, out);
    }

    private static void lifeline(int x, String color, int height, StringBuilder out) {
        out.append("<line class=\"lifeline\" x1=\"").append(x).append("\" y1=\"30\" x2=\"").append(x).append("\" y2=\"")
                .append(height - 4).append("\" stroke=\"").append(color).append("\" stroke-width=\"3\" stroke-linecap=\"round\"/>\n");
    }

    private static void entry(Session session, TimelineEntry e, int row, String prefix, Set<Long> anchored, StringBuilder out) {
        String id = anchored.add(e.frame()) ? prefix + "-f" + e.frame() : null;
        int y = HEADER + row * ROW;
        int lineY = y + 22;
        String time = String.format(Locale.ROOT, "%.3f", session.relative(e.timeNanos()));
        boolean problem = "problem".equals(e.kind());
        if (!"client".equals(e.from()) && !"server".equals(e.from())) {
            boolean silence = "silence".equals(e.kind());
            band(row, e.text(), problem ? PROBLEM_COLOR : SILENCE_COLOR, problem ? "#fff5f5" : "#fff8e6",
                    silence ? "silence" : "note", id, out);
            timeAndFrame(time, e.frame(), lineY - 2, out);
            return;
        }
        boolean fromClient = "client".equals(e.from());
        boolean tcp = "tcp".equals(e.kind());
        boolean reset = tcp && e.text().startsWith("RST");
        String color = problem || reset ? PROBLEM_COLOR : tcp ? TCP_COLOR : fromClient ? CLIENT_COLOR : SERVER_COLOR;
        out.append("<g class=\"arrow k-").append(HtmlEscape.text(e.kind())).append(" from-").append(fromClient ? "client" : "server")
                .append('"');
        if (id != null) {
            out.append(" id=\"").append(id).append('"');
        }
        out.append("><title>").append(HtmlEscape.text(e.text())).append("</title>");
        if (problem) {
            out.append("<rect x=\"").append(CLIENT_X + 4).append("\" y=\"").append(y + 1).append("\" width=\"")
                    .append(SERVER_X - CLIENT_X - 8).append("\" height=\"").append(ROW - 2)
                    .append("\" rx=\"4\" fill=\"#ffe3e3\"/>");
        }
        timeAndFrame(time, e.frame(), lineY + 4, out);
        int tip = fromClient ? SERVER_X - 3 : CLIENT_X + 3;
        int start = fromClient ? CLIENT_X + 3 : SERVER_X - 3;
        int back = fromClient ? tip - 11 : tip + 11;
        out.append("<line x1=\"").append(start).append("\" y1=\"").append(lineY).append("\" x2=\"").append(back)
                .append("\" y2=\"").append(lineY).append("\" stroke=\"").append(color).append("\" stroke-width=\"")
                .append(tcp ? "1.5" : "2").append('"').append(tcp ? " stroke-dasharray=\"6 4\"" : "").append("/>");
        out.append("<path d=\"M").append(tip).append(' ').append(lineY).append(" L").append(back).append(' ').append(lineY - 6)
                .append(" L").append(back).append(' ').append(lineY + 6).append(" Z\" fill=\"").append(color).append("\"/>");
        String shown = HtmlEscape.clip(e.insideTls() ? "\uD83D\uDD12 " + e.text() : e.text(), TEXT_CHARS);
        out.append("<text x=\"").append(fromClient ? CLIENT_X + 12 : SERVER_X - 12).append("\" y=\"").append(y + 15)
                .append('"').append(fromClient ? "" : " text-anchor=\"end\"")
                .append(" font-family=\"ui-monospace,SFMono-Regular,Menlo,Consolas,'DejaVu Sans Mono',monospace\" font-size=\"12.5\" fill=\"")
                .append(problem || reset ? PROBLEM_COLOR : tcp ? "#495057" : "#212529").append('"')
                .append(problem || reset ? " font-weight=\"700\"" : "").append('>').append(HtmlEscape.text(shown))
                .append("</text></g>\n");
    }

    private static void timeAndFrame(String time, long frame, int y, StringBuilder out) {
        out.append("<text x=\"").append(TIME_X).append("\" y=\"").append(y)
                .append("\" font-family=\"ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace\" font-size=\"12\" fill=\"#495057\">")
                .append(time).append("</text><text x=\"").append(FRAME_X).append("\" y=\"").append(y)
                .append("\" text-anchor=\"end\" font-family=\"ui-monospace,Menlo,Consolas,'DejaVu Sans Mono',monospace\" font-size=\"12\" fill=\"#868e96\">")
                .append(frame).append("</text>");
    }

    /** A dashed band across both lifelines: a silence, a note about both sides, or the left-out marker. */
    private static void band(int row, String text, String stroke, String fill, String cls, String id, StringBuilder out) {
        int y = HEADER + row * ROW;
        out.append("<g class=\"band ").append(cls).append('"');
        if (id != null) {
            out.append(" id=\"").append(id).append('"');
        }
        out.append("><title>").append(HtmlEscape.text(text)).append("</title><rect x=\"").append(CLIENT_X - 8).append("\" y=\"")
                .append(y + 3).append("\" width=\"").append(SERVER_X - CLIENT_X + 16).append("\" height=\"").append(ROW - 6)
                .append("\" rx=\"5\" fill=\"").append(fill).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"1.5\" stroke-dasharray=\"7 5\"/><text x=\"").append((CLIENT_X + SERVER_X) / 2)
                .append("\" y=\"").append(y + 20).append("\" text-anchor=\"middle\" font-family=\"system-ui,sans-serif\" font-size=\"13\" font-style=\"italic\" fill=\"")
                .append(stroke).append("\">").append(HtmlEscape.text(HtmlEscape.clip(text, TEXT_CHARS))).append("</text></g>\n");
    }
}
