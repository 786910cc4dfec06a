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

    void draw(Session session, List<TimelineEntry> entries, StringBuilder out) {
        out.append(style.dim(String.format(Locale.ROOT, "    %9s %7s  %-" + (WIDTH / 2) + "s%" + (WIDTH / 2 + 2) + "s%n",
                "time", "frame", "client", "server")));
        for (TimelineEntry e : entries) {
            String time = String.format(Locale.ROOT, "%9.3f", session.relative(e.timeNanos()));
            String frame = String.format(Locale.ROOT, "%7d", e.frame());
            out.append("    ").append(style.dim(time)).append(' ').append(style.dim(frame)).append("  ");
            out.append(row(e)).append('\n');
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
            body = style.warn(stripAnsi(body));
        }
        return bar + body + bar;
    }

    private static String stripAnsi(String s) {
        return s.replaceAll("\u001B\\[[;\\d]*m", "");
    }

    static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, max - 3) + "...";
    }
}
