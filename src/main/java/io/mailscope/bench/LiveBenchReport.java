package io.mailscope.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints {@link LiveBench} measurements as a Markdown table, the form docs/performance.md keeps them in. */
public final class LiveBenchReport {
    private LiveBenchReport() {
    }

    public static void text(List<LiveBench.Measured> rows, String iface, int seconds, String loadBefore, PrintStream out) {
        text(rows, iface, seconds, loadBefore, "", out);
    }

    /** @param liveOptions what was added to every live command line ("" for nothing, else e.g. " --threads 1") */
    public static void text(List<LiveBench.Measured> rows, String iface, int seconds, String loadBefore, String liveOptions,
                            PrintStream out) {
        out.printf(Locale.ROOT, "mailscope bench live: %s, %d s per rate, tcpreplay --pps%n", iface, seconds);
        out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s, load average before %s, after %s%n",
                Runtime.getRuntime().availableProcessors(), Machine.cpuModel(), System.getProperty("java.version"), loadBefore,
                Machine.loadAverage());
        out.printf(Locale.ROOT, "method: `mailscope live -i %s --json --count N%s` through the launcher, then the capture replayed; "
                + "libpcap's counts from its capture line; CPU (user + system) and peak RSS of the JVM with its helper (GNU time)%n%n",
                iface, liveOptions);
        out.println("| target pps | capture | sent | sent pps | analysed | libpcap received | libpcap dropped | sessions reported / in capture | CPU s | peak RSS | kept up |");
        out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for (LiveBench.Measured m : rows) {
            if (!m.ok() && m.sent() == 0) {
                out.printf(Locale.ROOT, "| %,d | %s | %s |||||||||%n", m.targetPps(), m.method().label, m.problem());
                continue;
            }
            out.printf(Locale.ROOT, "| %,d | %s | %,d | %,.0f | %,d | %,d | %,d | %,d / %,d | %s | %s | %s |%n", m.targetPps(),
                    m.method().label, m.sent(), m.sentPps(), m.frames(), m.received(), m.dropped(), m.sessions(), m.connections(),
                    m.cpuNanos() < 0 ? "?" : String.format(Locale.ROOT, "%.2f", m.cpuNanos() / 1e9),
                    m.peakRssBytes() < 0 ? "?" : EndToEndReport.size(m.peakRssBytes()),
                    m.keptUp() ? "yes" : m.ok() ? "no" : "no: " + m.problem());
        }
    }
}
