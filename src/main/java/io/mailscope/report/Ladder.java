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

    /** The column heads, as {@code "    %9s %7s  %-32s%34s%n"} of time, frame, client, server. */
    private static final String HEAD = String.format(Locale.ROOT,
            "    %9s %7s  %-" + (WIDTH / 2) + "s%" + (WIDTH / 2 + 2) + "s%n", "time", "frame", "client", "server");

    /** The column heads as they are written: dimmed when colored. */
    private final byte[] head;
    /** {@code WIDTH} copies of the line, the dots and single characters, as UTF-8 (for rows without color). */
    private final byte[] lines;
    private final byte[] dots;
    private final int lineBytes;
    private final int dotBytes;
    private final byte[] bar;
    private final byte[] right;
    private final byte[] left;

    Ladder(Style style) {
        this.style = style;
        this.head = utf8(style.dim(HEAD));
        this.lines = utf8(style.line().repeat(WIDTH));
        this.lineBytes = utf8(style.line()).length;
        this.dots = utf8(style.dots().repeat(WIDTH));
        this.dotBytes = utf8(style.dots()).length;
        this.bar = utf8(style.bar());
        this.right = utf8(style.right());
        this.left = utf8(style.left());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    void draw(Session session, List<TimelineEntry> entries, TextBytes out) {
        out.append(head, 0, head.length);
        StringBuilder cell = new StringBuilder(24);
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
            if (style.colored()) {
                out.append(row(e));
            } else {
                plainRow(e, out);
            }
            out.append('\n');
        }
    }

    /** {@code text} (ASCII) right-aligned in {@code width} columns, dimmed when colored. */
    private void appendDim(StringBuilder text, int width, TextBytes out) {
        if (style.colored()) {
            StringBuilder padded = new StringBuilder(width);
            Decimals.padLeft(text, width, padded);
            out.append(style.dim(padded.toString()));
        } else {
            out.spaces(width - text.length());
            for (int i = 0; i < text.length(); i++) {
                out.append(text.charAt(i));
            }
        }
    }

    /** {@link #row} without color, written straight into {@code out}: the same characters, no strings built. */
    private void plainRow(TimelineEntry e, TextBytes out) {
        out.append(bar, 0, bar.length);
        if ("none".equals(e.from())) {
            String text = e.text();
            int pad = Math.max(0, WIDTH - (text.length() + 2));
            out.append(dots, 0, (pad / 2) * dotBytes).append(' ').append(text).append(' ')
                    .append(dots, 0, (pad / 2) * dotBytes);
            if (pad % 2 == 1) {
                out.append(' ');
            }
        } else {
            String text = e.insideTls() ? style.lock() + " " + e.text() : e.text();
            int max = WIDTH - 6;
            int shown = text.length() <= max ? text.length() : max; // clip(text, max), without making the string
            int fill = Math.max(1, WIDTH - shown - 4);
            boolean fromClient = "client".equals(e.from());
            if (fromClient) {
                out.append(lines, 0, lineBytes).append(' ');
            } else {
                out.append(left, 0, left.length).append(lines, 0, fill * lineBytes).append(' ');
            }
            if (shown == text.length()) {
                out.append(text);
            } else {
                out.append(text, 0, max - 3).append("...");
            }
            if (fromClient) {
                out.append(' ').append(lines, 0, fill * lineBytes).append(right, 0, right.length);
            } else {
                out.append(' ').append(lines, 0, lineBytes);
            }
        }
        out.append(bar, 0, bar.length);
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
