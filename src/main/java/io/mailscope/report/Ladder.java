package io.mailscope.report;

import io.mailscope.dissect.Session;
import io.mailscope.explain.TimelineEntry;

import java.util.List;
import java.util.Locale;

/**
 * Draws a session's timeline as a ladder diagram: client on the left, server on the right, an arrow per
 * message with what was sent, silences marked across both.
 */
final class Ladder {
    static final int WIDTH = 64;
    private final Style style;

    Ladder(Style style) {
        this.style = style;
    }

    /** The column heads, as {@code "    %9s %7s  %-32s%34s%n"} of time, frame, client, server. */
    private static final String HEAD = String.format(Locale.ROOT,
            "    %9s %7s  %-" + (WIDTH / 2) + "s%" + (WIDTH / 2 + 2) + "s%n", "time", "frame", "client", "server");

    void draw(Session session, List<TimelineEntry> entries, StringBuilder out) {
        out.append(style.dim(HEAD));
        StringBuilder cell = new StringBuilder(16);
        for (TimelineEntry e : entries) {
            out.append("    ");
            cell.setLength(0);
            Decimals.appendFixed3(e.timeNanos() - session.captureStartNanos(), cell);
            appendDim(cell, 9, out);
            out.append(' ');
            cell.setLength(0);
            cell.append(e.frame());
            appendDim(cell, 7, out);
            out.append("  ");
            out.append(row(e)).append('\n');
        }
    }

    /** {@code text} right-aligned in {@code width} columns, dimmed when colored. */
    private void appendDim(StringBuilder text, int width, StringBuilder out) {
        if (style.colored()) {
            StringBuilder padded = new StringBuilder(width);
            Decimals.padLeft(text, width, padded);
            out.append(style.dim(padded.toString()));
        } else {
            Decimals.padLeft(text, width, out);
        }
    }

    private String row(TimelineEntry e) {
        String bar = style.bar();
        if ("none".equals(e.from())) {
            String text = " " + e.text() + " ";
            int pad = Math.max(0, WIDTH - text.length());
            String dots = style.dots().repeat(pad / 2);
            return bar + style.warn(dots + text + dots + (pad % 2 == 1 ? " " : "")) + bar;
        }
        boolean fromClient = "client".equals(e.from());
        // Inside TLS (decrypted): a lock before the text. The emoji is two chars and two columns wide.
        String text = e.insideTls() ? clip(style.lock() + " " + e.text(), WIDTH - 6) : clip(e.text(), WIDTH - 6);
        int fill = WIDTH - text.length() - 4;
        String line = style.line();
        String body;
        if (fromClient) {
            body = line + " " + text + " " + line.repeat(Math.max(1, fill)) + style.right();
            body = style.client(body);
        } else {
            body = style.left() + line.repeat(Math.max(1, fill)) + " " + text + " " + line;
            body = style.server(body);
        }
        if (e.kind().equals("problem")) {
            // the same arrow uncolored, then in the warning color (was: a regex stripping the colors per row)
            String plain = fromClient ? line + " " + text + " " + line.repeat(Math.max(1, fill)) + style.right()
                    : style.left() + line.repeat(Math.max(1, fill)) + " " + text + " " + line;
            body = style.warn(plain);
        }
        return bar + body + bar;
    }

    static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 3) + "...";
    }
}
