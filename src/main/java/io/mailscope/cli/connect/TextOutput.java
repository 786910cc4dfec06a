package io.mailscope.cli.connect;

import io.mailscope.explain.Finding;
import io.mailscope.explain.Severity;
import org.fusesource.jansi.Ansi;

import java.security.cert.X509Certificate;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The terminal: numbered transcript lines ("C" typed, "S" from the server) colored by kind as in the reports
 * (tagged OK green, NO/BAD/BYE red, continuations dim), mailscope's remarks after "--", findings as
 * {@code analyze} prints them, with the transcript lines they rest on.
 */
final class TextOutput implements ConnectOutput {
    private static final int WIDTH = 100;

    private final Consumer<String> printer;
    private final boolean color;

    /** @param printer prints one line (above the prompt, in interactive mode) */
    TextOutput(Consumer<String> printer, boolean color) {
        this.printer = printer;
        this.color = color;
    }

    @Override
    public void line(TranscriptLine l) {
        String number = String.format(Locale.ROOT, "%4d ", l.number());
        String who = l.fromClient() ? "C: " : "S: ";
        String text = l.text();
        printer.accept(dim(number) + paint(who + text, l.fromClient() ? Ansi.Color.CYAN : serverColor(text), !l.fromClient() && isContinuation(text)));
    }

    private static boolean isContinuation(String text) {
        return text.startsWith("+");
    }

    /** Tagged OK green; NO, BAD, BYE red; other server lines magenta. */
    static Ansi.Color serverColor(String text) {
        String[] w = text.split(" ", 3);
        String status = w.length > 1 ? w[1].toUpperCase(Locale.ROOT) : "";
        if (status.equals("NO") || status.equals("BAD") || status.equals("BYE")) {
            return Ansi.Color.RED;
        }
        if (status.equals("OK") && !w[0].equals("*")) {
            return Ansi.Color.GREEN;
        }
        return Ansi.Color.MAGENTA;
    }

    @Override
    public void note(String text, long timeNanos) {
        wrap("-- " + text, "", "   ", true);
    }

    @Override
    public void tls(TlsFacts t, long timeNanos) {
        StringBuilder head = new StringBuilder("-- TLS: ");
        if (t.version() == null) {
            head.append("no session");
        } else {
            head.append(t.version()).append(", ").append(t.cipher());
        }
        head.append(t.sni() != null ? ", asked for " + t.sni() + " (SNI)" : ", no name asked for (SNI)");
        printer.accept(bold(head.toString()));
        int i = 1;
        for (X509Certificate c : t.chain()) {
            String line = "   certificate " + i++ + ": " + c.getSubjectX500Principal().getName() + ", issued by "
                    + c.getIssuerX500Principal().getName() + ", valid " + day(c.getNotBefore()) + " to " + day(c.getNotAfter());
            List<String> names = CertificateCheck.names(c);
            if (i == 2 && !names.isEmpty()) {
                line += ", for " + String.join(", ", names);
            }
            printer.accept(line);
        }
        for (CertificateCheck.Problem p : t.problems()) {
            wrap(paint("PROBLEM " + p.code(), Ansi.Color.RED, false) + ": the certificate " + p.words() + ".", "   ", "      ", false);
        }
        if (!t.chain().isEmpty() && t.problems().isEmpty()) {
            printer.accept("   the chain is trusted and covers the name");
        } else if (!t.problems().isEmpty() && t.accepted()) {
            printer.accept(paint("   --insecure: going on anyway", Ansi.Color.YELLOW, false));
        }
    }

    private static String day(java.util.Date d) {
        return LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC).toString();
    }

    @Override
    public void finding(Finding f, List<Integer> lines, long timeNanos) {
        String where = lines.isEmpty() ? "" : " (line" + (lines.size() > 1 ? "s " : " ") + join(lines) + ")";
        wrap(severity(f.severity()) + " " + f.code() + ": " + f.summary() + where, "  ", "      ", false);
        wrap(f.explanation(), "      ", "      ", false);
        wrap("Fix: " + f.fix(), "      ", "      ", false);
    }

    private static String join(List<Integer> lines) {
        StringBuilder sb = new StringBuilder();
        for (int n : lines) {
            sb.append(sb.length() == 0 ? "" : ", ").append(n);
        }
        return sb.toString();
    }

    @Override
    public void summary(ConnectSummary s) {
        StringBuilder sb = new StringBuilder("-- ");
        sb.append(s.commands()).append(s.commands() == 1 ? " command" : " commands").append(": ")
                .append(s.ok()).append(" OK, ").append(s.refused()).append(" refused");
        if (s.unanswered() > 0) {
            sb.append(", ").append(s.unanswered()).append(" unanswered");
        }
        sb.append("; ").append(s.mode());
        if (s.tlsVersion() != null) {
            sb.append(" (").append(s.tlsVersion()).append(")");
        }
        sb.append("; outcome ").append(s.outcome());
        if (!s.findings().isEmpty()) {
            sb.append("; findings: ").append(String.join(", ", s.findings()));
        }
        sb.append("; exit ").append(s.exitCode());
        printer.accept(bold(sb.toString()));
    }

    private String severity(Severity s) {
        String label = s.label().toUpperCase(Locale.ROOT);
        return switch (s) {
            case ERROR -> paint(label, Ansi.Color.RED, false);
            case WARNING -> paint(label, Ansi.Color.YELLOW, false);
            case INFO -> paint(label, Ansi.Color.BLUE, false);
        };
    }

    private String paint(String s, Ansi.Color c, boolean faint) {
        if (!color) {
            return s;
        }
        Ansi a = Ansi.ansi();
        return (faint ? a.fgBrightBlack() : a.fg(c)).a(s).reset().toString();
    }

    private String dim(String s) {
        return color ? Ansi.ansi().fgBrightBlack().a(s).reset().toString() : s;
    }

    private String bold(String s) {
        return color ? Ansi.ansi().bold().a(s).reset().toString() : s;
    }

    /** Word-wraps at {@value #WIDTH} columns: the first line starts with {@code first}, the others with {@code indent}. */
    private void wrap(String text, String first, String indent, boolean faint) {
        StringBuilder line = new StringBuilder(first);
        int visible = first.length();
        boolean empty = true;
        for (String word : text.split(" ")) {
            int w = visibleLength(word);
            if (!empty && visible + 1 + w > WIDTH) {
                printer.accept(faint ? dim(line.toString()) : line.toString());
                line.setLength(0);
                line.append(indent);
                visible = indent.length();
                empty = true;
            }
            if (!empty) {
                line.append(' ');
                visible++;
            }
            line.append(word);
            visible += w;
            empty = false;
        }
        printer.accept(faint ? dim(line.toString()) : line.toString());
    }

    /** Length without ANSI escapes. */
    private static int visibleLength(String s) {
        return s.replaceAll("\u001B\\[[0-9;]*m", "").length();
    }
}
