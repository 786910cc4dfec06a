package io.mailscope.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A man page (roff, man(7) macros) for one command, written from the picocli model: the same names, labels,
 * descriptions and defaults as {@code --help}, so the pages cannot drift from the code. picocli's own
 * ManPageGenerator writes AsciiDoc, which would need Asciidoctor (a JRuby toolchain) in the build to become
 * roff; the subset of man(7) needed here is small enough to write directly.
 */
final class ManPage {
    private final CommandSpec spec;
    private final String version;
    private final String date;

    ManPage(CommandSpec spec, String version, String date) {
        this.spec = spec;
        this.version = version;
        this.date = date;
    }

    /** "mailscope" for the top command, "mailscope-live" for a subcommand: the page's name. */
    static String pageName(CommandSpec spec) {
        return spec.qualifiedName("-");
    }

    String render() {
        StringBuilder out = new StringBuilder();
        String name = pageName(spec);
        out.append(".TH ").append(escape(name.toUpperCase(Locale.ROOT))).append(" 1 \"").append(date)
                .append("\" \"mailscope ").append(escape(version)).append("\" \"User Commands\"\n");
        out.append(".SH NAME\n").append(escape(name)).append(" \\- ").append(escape(firstSentence())).append('\n');
        synopsis(out);
        out.append(".SH DESCRIPTION\n");
        paragraph(out, String.join(" ", spec.usageMessage().description()));
        if (!spec.positionalParameters().isEmpty() || !spec.options().isEmpty()) {
            out.append(".SH OPTIONS\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (!p.hidden()) {
                    item(out, "\\fI" + escape(p.paramLabel()) + "\\fR" + (p.arity().max() > 1 ? "..." : ""), describe(p.description(), p.defaultValueString(), p));
                }
            }
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) {
                    item(out, optionHeading(o), describe(o.description(), o.defaultValueString(), o));
                }
            }
        }
        Map<String, CommandLine> subcommands = spec.subcommands();
        if (!subcommands.isEmpty()) {
            out.append(".SH COMMANDS\n");
            for (Map.Entry<String, CommandLine> e : subcommands.entrySet()) {
                CommandSpec sub = e.getValue().getCommandSpec();
                if (sub.usageMessage().hidden() || e.getKey().equals("help")) {
                    continue;
                }
                item(out, "\\fB" + escape(e.getKey()) + "\\fR", String.join(" ", sub.usageMessage().description())
                        + " See " + pageName(sub) + "(1).");
            }
        }
        return out.toString();
    }

    /** Extra sections (exit status, files, privileges, see also), written by the caller in plain text. */
    static void section(StringBuilder out, String title, String... paragraphs) {
        out.append(".SH ").append(title).append('\n');
        for (String p : paragraphs) {
            paragraph(out, p);
        }
    }

    private void synopsis(StringBuilder out) {
        out.append(".SH SYNOPSIS\n.B ").append(escape(spec.qualifiedName(" "))).append('\n');
        List<String> parts = new ArrayList<>();
        if (!spec.options().isEmpty()) {
            parts.add("[\\fIOPTIONS\\fR]");
        }
        if (!spec.subcommands().isEmpty()) {
            parts.add("\\fICOMMAND\\fR [\\fIARGS\\fR]");
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (!p.hidden()) {
                String label = "\\fI" + escape(p.paramLabel()) + "\\fR" + (p.arity().max() > 1 ? "..." : "");
                parts.add(p.arity().min() == 0 ? "[" + label + "]" : label);
            }
        }
        out.append(String.join(" ", parts)).append('\n');
    }

    private static String optionHeading(OptionSpec o) {
        List<String> names = new ArrayList<>();
        for (String n : o.names()) {
            names.add("\\fB" + escape(n) + "\\fR");
        }
        String heading = String.join(", ", names);
        if (o.arity().max() > 0 && !o.paramLabel().isEmpty()) {
            heading += " \\fI" + escape(o.paramLabel()) + "\\fR";
        }
        return heading;
    }

    /** The description as --help shows it: ${DEFAULT-VALUE} and ${COMPLETION-CANDIDATES} filled in. */
    private static String describe(String[] description, String defaultValue, CommandLine.Model.ArgSpec arg) {
        String text = String.join(" ", description);
        text = text.replace("${DEFAULT-VALUE}", defaultValue == null ? "" : defaultValue);
        if (arg.completionCandidates() != null) {
            List<String> candidates = new ArrayList<>();
            arg.completionCandidates().forEach(candidates::add);
            text = text.replace("${COMPLETION-CANDIDATES}", String.join(", ", candidates));
        }
        return text;
    }

    private String firstSentence() {
        String d = String.join(" ", spec.usageMessage().description());
        int end = d.indexOf(". ");
        return end < 0 ? stripPeriod(d) : d.substring(0, end);
    }

    private static String stripPeriod(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static void item(StringBuilder out, String heading, String text) {
        out.append(".TP\n").append(heading).append('\n');
        out.append(escapeLine(text)).append('\n');
    }

    private static void paragraph(StringBuilder out, String text) {
        out.append(".PP\n").append(escapeLine(text)).append('\n');
    }

    /** Text for a line of its own: also protect a leading '.' or '\'' from being read as a request. */
    private static String escapeLine(String text) {
        String e = escape(text);
        return e.startsWith(".") || e.startsWith("'") ? "\\&" + e : e;
    }

    /** Backslashes and hyphens as roff wants them ("\-" is a real minus, so options copy and paste). */
    static String escape(String text) {
        return text.replace("\\", "\\e").replace("-", "\\-").replace("\n", " ");
    }
}
