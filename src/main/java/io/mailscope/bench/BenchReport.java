package io.mailscope.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/** Prints {@link BenchRunner.Results} as a table with the targets checked, or as one JSON object. */
public final class BenchReport {
    /** Reading plus reassembly must be at least this many times faster than tshark's protocol hierarchy. */
    public static final double TSHARK_TARGET = 20;
    /** ... and take at most this many times tcpdump's time to copy the file. */
    public static final double TCPDUMP_TARGET = 3;

    /** Analysis with decryption must be at least this many times faster than tshark decrypting the same file... */
    public static final double TSHARK_DECRYPT_TARGET = 10;
    /** ... and take at most this many times the analysis without decryption. */
    public static final double DECRYPT_COST_TARGET = 3;

    private BenchReport() {
    }

    /** tshark-with-the-key-log's time over ours with decryption (NaN when either is missing). */
    public static double tsharkDecryptRatio(BenchRunner.Results r) {
        return r.tool("tshark + key log").flatMap(t -> r.stage(BenchStage.DECRYPT)
                .map(s -> (double) t.bestNanos() / s.bestNanos())).orElse(Double.NaN);
    }

    /** Analysis-with-decryption's time over analysis-without's (NaN when either is missing). */
    public static double decryptCostRatio(BenchRunner.Results r) {
        return r.stage(BenchStage.DECRYPT).flatMap(d -> r.stage(BenchStage.ANALYSIS)
                .map(a -> (double) d.bestNanos() / a.bestNanos())).orElse(Double.NaN);
    }

    /** tshark's time over reassembly's: how many times faster we are (NaN when either is missing). */
    public static double tsharkRatio(BenchRunner.Results r) {
        return r.tool("tshark").flatMap(t -> r.stage(BenchStage.REASSEMBLE)
                .map(s -> (double) t.bestNanos() / s.bestNanos())).orElse(Double.NaN);
    }

    /** Reassembly's time over tcpdump's: how many tcpdumps we take (NaN when either is missing). */
    public static double tcpdumpRatio(BenchRunner.Results r) {
        return r.tool("tcpdump").flatMap(t -> r.stage(BenchStage.REASSEMBLE)
                .map(s -> (double) s.bestNanos() / t.bestNanos())).orElse(Double.NaN);
    }

    public static void text(BenchRunner.Results r, PrintStream out) {
        long frames = r.stages().isEmpty() ? 0 : r.stages().get(0).pass().frames();
        out.printf(Locale.ROOT, "mailscope bench: %s (%s, %,d packets)%n", r.file(), size(r.fileBytes()), frames);
        out.printf(Locale.ROOT, "machine: %d cores, %s, Java %s, max heap %s%n", Runtime.getRuntime().availableProcessors(),
                Machine.cpuModel(), System.getProperty("java.version"), size(r.maxHeap()));
        out.printf(Locale.ROOT, "method: best wall time of %d run(s) after warm-up (%d pass(es) and at least %,d packets);"
                + " MB/s = file size / time%n%n", r.runs(), r.warmups(), r.warmupPackets());
        out.printf(Locale.ROOT, "%-28s %9s %12s %9s %14s %12s %11s%n", "stage", "wall s", "packets/s", "MB/s",
                "peak live heap", "alloc/pass", "alloc B/pkt");
        for (BenchRunner.StageResult s : r.stages()) {
            double sec = s.bestNanos() / 1e9;
            out.printf(Locale.ROOT, "%-28s %9.3f %,12.0f %,9.1f %14s %12s %11.1f%n", s.stage().label(), sec,
                    s.pass().frames() / sec, r.fileBytes() / 1e6 / sec, size(s.peakLiveHeap()),
                    s.allocatedPerPass() < 0 ? "?" : size(s.allocatedPerPass()), s.allocatedPerPacket());
        }
        for (BenchRunner.ToolResult t : r.tools()) {
            if (t.measured()) {
                double sec = t.bestNanos() / 1e9;
                out.printf(Locale.ROOT, "%-28s %9.3f %,12.0f %,9.1f %14s %12s %11s%n", t.label(), sec, frames / sec,
                        r.fileBytes() / 1e6 / sec, "-", "-", "-");
            } else {
                out.printf(Locale.ROOT, "%-28s %s%n", t.label(), t.problem());
            }
        }
        r.stage(BenchStage.REASSEMBLE).ifPresent(s -> out.printf(Locale.ROOT,
                "%nreassembly: %,d connections, %,d finished; live heap before the stages %s (JVM and CLI);"
                        + " peak live heap = max of %d full-GC samples at evenly spaced points of the file%n",
                s.pass().connections(), s.pass().finished(), size(s.baselineHeap()), HeapProbe.SAMPLES + 1));
        if (!r.tools().isEmpty()) {
            out.println();
            out.println("targets (read + decode + reassemble):");
            target(out, "vs tshark -q -z io,phs", tsharkRatio(r), "x faster", ">= " + fmt(TSHARK_TARGET) + "x faster",
                    tsharkRatio(r) >= TSHARK_TARGET);
            target(out, "vs tcpdump -r -w /dev/null", tcpdumpRatio(r), "x tcpdump's time",
                    "<= " + fmt(TCPDUMP_TARGET) + "x", tcpdumpRatio(r) <= TCPDUMP_TARGET);
        }
        if (r.stage(BenchStage.DECRYPT).isPresent()) {
            out.println();
            out.println("targets (full analysis + decryption):");
            target(out, "vs tshark + key log", tsharkDecryptRatio(r), "x faster", ">= " + fmt(TSHARK_DECRYPT_TARGET) + "x faster",
                    tsharkDecryptRatio(r) >= TSHARK_DECRYPT_TARGET);
            target(out, "vs full analysis without", decryptCostRatio(r), "x its time", "<= " + fmt(DECRYPT_COST_TARGET) + "x",
                    decryptCostRatio(r) <= DECRYPT_COST_TARGET);
        }
    }

    private static void target(PrintStream out, String what, double ratio, String unit, String goal, boolean met) {
        if (Double.isNaN(ratio)) {
            out.printf(Locale.ROOT, "  %-28s not measured (tool missing)%n", what);
        } else {
            out.printf(Locale.ROOT, "  %-28s %6.2f%s (target %s): %s%n", what, ratio, unit, goal, met ? "met" : "MISSED");
        }
    }

    public static void json(BenchRunner.Results r, PrintStream out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.writeStartObject();
            g.writeStringField("file", r.file());
            g.writeNumberField("fileBytes", r.fileBytes());
            g.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
            g.writeStringField("cpu", Machine.cpuModel());
            g.writeStringField("java", System.getProperty("java.version"));
            g.writeNumberField("maxHeapBytes", r.maxHeap());
            g.writeNumberField("warmups", r.warmups());
            g.writeNumberField("warmupPackets", r.warmupPackets());
            g.writeNumberField("runs", r.runs());
            g.writeArrayFieldStart("stages");
            for (BenchRunner.StageResult s : r.stages()) {
                double sec = s.bestNanos() / 1e9;
                g.writeStartObject();
                g.writeStringField("stage", s.stage().name().toLowerCase(Locale.ROOT));
                g.writeStringField("label", s.stage().label());
                g.writeNumberField("bestSeconds", sec);
                g.writeArrayFieldStart("allSeconds");
                for (long n : s.allNanos()) {
                    g.writeNumber(n / 1e9);
                }
                g.writeEndArray();
                g.writeNumberField("packets", s.pass().frames());
                g.writeNumberField("packetsPerSecond", s.pass().frames() / sec);
                g.writeNumberField("megabytesPerSecond", r.fileBytes() / 1e6 / sec);
                g.writeNumberField("connections", s.pass().connections());
                g.writeNumberField("finished", s.pass().finished());
                g.writeNumberField("peakLiveHeapBytes", s.peakLiveHeap());
                g.writeNumberField("baselineHeapBytes", s.baselineHeap());
                if (s.allocatedPerPass() >= 0) {
                    g.writeNumberField("allocatedBytesPerPass", s.allocatedPerPass());
                }
                if (!Double.isNaN(s.allocatedPerPacket())) {
                    g.writeNumberField("allocatedBytesPerPacket", s.allocatedPerPacket());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("tools");
            for (BenchRunner.ToolResult t : r.tools()) {
                g.writeStartObject();
                g.writeStringField("tool", t.label());
                g.writeStringField("command", t.command());
                if (t.measured()) {
                    g.writeNumberField("bestSeconds", t.bestNanos() / 1e9);
                } else {
                    g.writeStringField("problem", t.problem());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            double ts = tsharkRatio(r);
            double td = tcpdumpRatio(r);
            if (!Double.isNaN(ts)) {
                g.writeNumberField("timesFasterThanTshark", ts);
                g.writeBooleanField("tsharkTargetMet", ts >= TSHARK_TARGET);
            }
            if (!Double.isNaN(td)) {
                g.writeNumberField("timesTcpdump", td);
                g.writeBooleanField("tcpdumpTargetMet", td <= TCPDUMP_TARGET);
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
        out.flush();
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

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.0f", d);
    }
}
