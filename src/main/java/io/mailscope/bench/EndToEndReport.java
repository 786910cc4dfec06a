package io.mailscope.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Optional;

/** Prints {@link EndToEnd.Results} as a table with the targets checked, or as one JSON object. */
public final class EndToEndReport {
    /** The cold {@code analyze FILE > /dev/null} at least this many times faster than tshark's protocol hierarchy. */
    public static final double TSHARK_TARGET = 20;
    /** ... and within this many times tcpdump's copy of the file. */
    public static final double TCPDUMP_TARGET = 2;

    private EndToEndReport() {
    }

    public static void text(EndToEnd.Results r, PrintStream out) {
        out.printf(Locale.ROOT, "mailscope bench e2e: %s (%s, %,d packets)%n", r.file(), size(r.fileBytes()), r.packets());
        out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s, load average %s%n", Runtime.getRuntime().availableProcessors(),
                Machine.cpuModel(), System.getProperty("java.version"), Machine.loadAverage());
        out.printf(Locale.ROOT, "method: every command a fresh process (cold), standard output to /dev/null, %d interleaved"
                + " round(s); median wall time, median CPU time (user + system) and median peak RSS (%s)%n%n", r.rounds(), r.rssMethod());
        out.printf(Locale.ROOT, "%-40s %9s %8s %12s %10s  %s%n", "command", "wall s", "cpu s", "packets/s", "peak RSS",
                "all rounds, wall (s)");
        for (EndToEnd.Measured m : r.rows()) {
            if (!m.ok()) {
                out.printf(Locale.ROOT, "%-40s %s%n", m.command().label(), m.problem());
                continue;
            }
            double sec = m.medianWallNanos() / 1e9;
            StringBuilder all = new StringBuilder();
            for (long n : m.wallNanos()) {
                all.append(all.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", n / 1e9));
            }
            out.printf(Locale.ROOT, "%-40s %9.3f %8s %,12.0f %10s  %s%n", m.command().label(), sec,
                    m.medianCpuNanos() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", m.medianCpuNanos() / 1e9), r.packets() / sec,
                    m.medianPeakRss() < 0 ? "?" : size(m.medianPeakRss()), all);
        }
        out.println();
        ratio(r, "tshark", "mailscope analyze", true).ifPresent(x -> out.printf(Locale.ROOT,
                "tshark / `analyze`: %.1fx faster (target >= %.0fx: %s)%n", x, TSHARK_TARGET, x >= TSHARK_TARGET ? "met" : "not met"));
        ratio(r, "tcpdump", "mailscope analyze", false).ifPresent(x -> out.printf(Locale.ROOT,
                "`analyze` / tcpdump: %.2fx tcpdump's time (target <= %.0fx: %s)%n", x, TCPDUMP_TARGET, x <= TCPDUMP_TARGET ? "met" : "not met"));
        ratio(r, EndToEnd.DECODE_FLOOR, "mailscope analyze", false).ifPresent(x -> out.printf(Locale.ROOT,
                "`analyze` / Java's floor (`bench read --decode`: start-up, reading and decoding, no analysis): %.2fx%n", x));
        ratio(r, "tcpdump", EndToEnd.DECODE_FLOOR, false).ifPresent(x -> out.printf(Locale.ROOT,
                "Java's floor / tcpdump: %.2fx tcpdump's time%n", x));
        for (String variant : new String[] {"mailscope analyze --json", "mailscope analyze --summary"}) {
            ratio(r, "ndpiReader", variant, true).ifPresent(x -> out.printf(Locale.ROOT,
                    "ndpiReader / `%s`: %.2fx (target > 1: %s)%n", variant.substring("mailscope ".length()), x, x > 1 ? "met" : "not met"));
        }
        scaling(r, out);
    }

    /** Speed-up by --threads, and Amdahl's law extrapolated from it ({@link ThreadScaling}). */
    static void scaling(EndToEnd.Results r, PrintStream out) {
        for (ThreadScaling s : ThreadScaling.of(r)) {
            StringBuilder line = new StringBuilder();
            for (var e : s.wallNanos().entrySet()) {
                long cpu = s.cpuNanos().getOrDefault(e.getKey(), -1L);
                line.append(line.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %.3f s wall%s (%.2fx)",
                        e.getKey(), e.getValue() / 1e9, cpu < 0 ? "" : String.format(Locale.ROOT, ", %.2f s CPU", cpu / 1e9),
                        s.speedup(e.getKey())));
            }
            out.printf(Locale.ROOT, "`%s` by --threads: %s%n", s.command().substring("mailscope ".length()), line);
            double e = s.serialFraction();
            StringBuilder more = new StringBuilder();
            for (int n : ThreadScaling.EXTRAPOLATED) {
                more.append(more.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%d: %.2fx", n, ThreadScaling.amdahl(e, n)));
            }
            out.printf(Locale.ROOT, "    extrapolated (Amdahl, serial fraction %.2f measured at %d threads by Karp-Flatt): %s; limit %s%n",
                    e, s.largest(), more, e <= 0 ? "none" : String.format(Locale.ROOT, "%.2fx", 1 / Math.min(1, e)));
        }
    }

    /**
     * {@code tool}'s time over the exact mailscope row {@code ours} (how many times faster we are) when
     * {@code toolOverOurs}, else ours over the tool's.
     */
    public static Optional<Double> ratio(EndToEnd.Results r, String tool, String ours, boolean toolOverOurs) {
        Optional<EndToEnd.Measured> t = r.row(tool);
        Optional<EndToEnd.Measured> o = r.rows().stream().filter(m -> m.ok() && m.command().label().equals(ours)).findFirst();
        if (t.isEmpty() || o.isEmpty()) {
            return Optional.empty();
        }
        double a = t.get().medianWallNanos();
        double b = o.get().medianWallNanos();
        return Optional.of(toolOverOurs ? a / b : b / a);
    }

    public static void json(EndToEnd.Results r, PrintStream out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("file", r.file());
            g.writeNumberField("fileBytes", r.fileBytes());
            g.writeNumberField("packets", r.packets());
            g.writeNumberField("rounds", r.rounds());
            g.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
            g.writeStringField("rssMethod", r.rssMethod());
            g.writeArrayFieldStart("commands");
            for (EndToEnd.Measured m : r.rows()) {
                g.writeStartObject();
                g.writeStringField("command", m.command().label());
                g.writeBooleanField("mailscope", m.command().mailscope());
                if (m.ok()) {
                    g.writeNumberField("medianSeconds", m.medianWallNanos() / 1e9);
                    g.writeNumberField("medianPeakRssBytes", m.medianPeakRss());
                    g.writeNumberField("medianCpuSeconds", m.medianCpuNanos() < 0 ? -1 : m.medianCpuNanos() / 1e9);
                    g.writeArrayFieldStart("allSeconds");
                    for (long n : m.wallNanos()) {
                        g.writeNumber(n / 1e9);
                    }
                    g.writeEndArray();
                } else {
                    g.writeStringField("problem", m.problem());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("threadScaling");
            for (ThreadScaling s : ThreadScaling.of(r)) {
                g.writeStartObject();
                g.writeStringField("command", s.command());
                g.writeObjectFieldStart("speedup");
                for (int k : s.wallNanos().keySet()) {
                    g.writeNumberField(Integer.toString(k), s.speedup(k));
                }
                g.writeEndObject();
                g.writeNumberField("serialFraction", s.serialFraction());
                g.writeObjectFieldStart("extrapolatedSpeedup");
                for (int n : ThreadScaling.EXTRAPOLATED) {
                    g.writeNumberField(Integer.toString(n), ThreadScaling.amdahl(s.serialFraction(), n));
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.println();
    }

    static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
