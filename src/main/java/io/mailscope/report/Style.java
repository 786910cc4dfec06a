package io.mailscope.report;

import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import org.fusesource.jansi.Ansi;

/**
 * Colors and line-drawing characters for the terminal. Color only when asked or when stdout is a terminal and
 * NO_COLOR is not set; ASCII arrows when the terminal's charset cannot show box drawing.
 */
public final class Style {
    private final boolean color;
    private final boolean unicode;

    public Style(boolean color, boolean unicode) {
        this.color = color;
        this.unicode = unicode;
    }

    /** Color when stdout is a terminal and NO_COLOR is unset; unicode when the console charset is UTF-8. */
    public static Style detect(String colorOption) {
        boolean tty = System.console() != null;
        boolean color = switch (colorOption == null ? "auto" : colorOption) {
            case "always" -> true;
            case "never" -> false;
            default -> tty && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        };
        String enc = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding",
                java.nio.charset.Charset.defaultCharset().name()));
        boolean unicode = enc.toUpperCase().contains("UTF");
        return new Style(color, unicode);
    }

    public static Style plain() {
        return new Style(false, true);
    }

    /** True when text gets ANSI colors. */
    public boolean colored() {
        return color;
    }

    public boolean unicode() {
        return unicode;
    }

    public String bold(String s) {
        return color ? Ansi.ansi().bold().a(s).reset().toString() : s;
    }

    public String dim(String s) {
        return color ? Ansi.ansi().fgBrightBlack().a(s).reset().toString() : s;
    }

    public String client(String s) {
        return color ? Ansi.ansi().fgCyan().a(s).reset().toString() : s;
    }

    public String server(String s) {
        return color ? Ansi.ansi().fgMagenta().a(s).reset().toString() : s;
    }

    public String outcome(Outcome o) {
        String label = o.label().toUpperCase();
        if (!color) {
            return label;
        }
        Ansi.Color c = switch (o) {
            case OK -> Ansi.Color.GREEN;
            case STALLED, INCOMPLETE -> Ansi.Color.YELLOW;
            default -> Ansi.Color.RED;
        };
        return Ansi.ansi().bold().fg(c).a(label).reset().toString();
    }

    public String severity(Severity s) {
        String label = s.label().toUpperCase();
        if (!color) {
            return label;
        }
        Ansi.Color c = switch (s) {
            case INFO -> Ansi.Color.BLUE;
            case WARNING -> Ansi.Color.YELLOW;
            case ERROR -> Ansi.Color.RED;
        };
        return Ansi.ansi().bold().fg(c).a(label).reset().toString();
    }

    public String warn(String s) {
        return color ? Ansi.ansi().fgYellow().a(s).reset().toString() : s;
    }

    /** Marks what was seen inside TLS (decrypted). */
    String lock() {
        return unicode ? "\uD83D\uDD12" : "[tls]";
    }

    String line() {
        return unicode ? "─" : "-";
    }

    String right() {
        return unicode ? "▶" : ">";
    }

    String left() {
        return unicode ? "◀" : "<";
    }

    String bar() {
        return unicode ? "│" : "|";
    }

    String dots() {
        return unicode ? "·" : ".";
    }
}
