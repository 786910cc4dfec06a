package io.mailscope.bench;

import io.mailscope.capture.CaptureFormatException;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the stages and the external tools on one file and collects the numbers. Per stage: one untimed pass that
 * watches the live heap (it is also the JIT's first warm-up), more warm-up passes (at least {@link #WARMUP_PACKETS}
 * packets in all), then the timed passes; the best wall time counts (the least disturbed by the rest of the machine).
 */
public final class BenchRunner {
    /**
     * One stage's numbers. Bytes per second are the file's size over the wall time.
     *
     * @param peakLiveHeap       most heap in use after a full collection, over the memory pass's samples
     * @param baselineHeap       heap in use after a full collection before the stage (the JVM and the CLI)
     * @param allocatedPerPass   bytes allocated by the least allocating timed pass (-1 when unknown)
     */
    public record StageResult(BenchStage stage, long bestNanos, List<Long> allNanos, BenchStage.Pass pass,
                              long peakLiveHeap, long baselineHeap, long allocatedPerPass) {
        /** Bytes allocated per packet (NaN when the JVM cannot count allocations). */
        public double allocatedPerPacket() {
            return allocatedPerPass < 0 || pass.frames() == 0 ? Double.NaN : (double) allocatedPerPass / pass.frames();
        }
    }

    /** One external tool's numbers, or why it has none. */
    public record ToolResult(String label, String command, long bestNanos, String problem) {
        public boolean measured() {
            return problem == null;
        }
    }

    /** Everything measured on one file. */
    public record Results(String file, long fileBytes, int warmups, long warmupPackets, int runs, long maxHeap,
                          List<StageResult> stages, List<ToolResult> tools) {
        public Optional<StageResult> stage(BenchStage s) {
            return stages.stream().filter(r -> r.stage() == s).findFirst();
        }

        public Optional<ToolResult> tool(String labelStart) {
            return tools.stream().filter(t -> t.label().startsWith(labelStart) && t.measured()).findFirst();
        }
    }

    /** Warm-up goes on until this many packets went through the stage (or for {@link #WARMUP_LIMIT_NANOS}). */
    public static final long WARMUP_PACKETS = 5_000_000;
    static final long WARMUP_LIMIT_NANOS = 30_000_000_000L;

    private final String file;
    private final int warmups;
    private final long warmupPackets;
    private final int runs;
    private final int toolRuns;
    private final List<BenchStage> stages;
    private final boolean tools;
    private final PrintStream progress;
    private String keylog;

    /**
     * @param warmups  passes before the timed ones (at least 1: the memory pass); more are made until
     *                 {@code warmupPackets} packets went through ({@link #WARMUP_PACKETS} is a good number)
     * @param progress where to say what is running (standard error), or null
     */
    public BenchRunner(String file, int warmups, long warmupPackets, int runs, int toolRuns, List<BenchStage> stages,
                       boolean tools, PrintStream progress) {
        this.file = file;
        this.warmups = Math.max(1, warmups);
        this.warmupPackets = warmupPackets;
        this.runs = Math.max(1, runs);
        this.toolRuns = Math.max(1, toolRuns);
        this.stages = stages;
        this.tools = tools;
        this.progress = progress;
    }

    /** The key log of the file (for the decryption stage and tshark with it), or null. */
    public BenchRunner keylog(String keylog) {
        this.keylog = keylog;
        return this;
    }

    public Results run() throws IOException, CaptureFormatException, InterruptedException {
        List<StageResult> stageResults = new ArrayList<>();
        for (BenchStage s : stages) {
            stageResults.add(measure(s));
        }
        List<ToolResult> toolResults = new ArrayList<>();
        if (tools) {
            toolResults.add(measure("tshark -q -z io,phs", ExternalTool.tshark(file)));
            if (keylog != null) {
                toolResults.add(measure("tshark + key log", ExternalTool.tsharkDecrypting(file, keylog)));
            }
            toolResults.add(measure("tcpdump -r -w /dev/null", ExternalTool.tcpdump(file)));
        }
        return new Results(file, new File(file).length(), warmups, warmupPackets, runs, HeapProbe.maxHeap(), stageResults,
                toolResults);
    }

    private StageResult measure(BenchStage stage) throws IOException, CaptureFormatException {
        say("%s: memory pass", stage.label());
        long baseline = HeapProbe.liveHeapNow();
        HeapProbe probe = new HeapProbe(new File(file).length());
        BenchStage.Pass probePass = stage.run(file, keylog, probe);
        long peak = probe.peakLive();
        // The JIT needs a few million packets before the code is compiled for good, whatever the file's size.
        long warmed = probePass.frames();
        long warmStart = System.nanoTime();
        for (int i = 1; i < warmups || (warmed < warmupPackets && System.nanoTime() - warmStart < WARMUP_LIMIT_NANOS);
             i++) {
            say("%s: warm-up %d", stage.label(), i + 1);
            warmed += stage.run(file, keylog, null).frames();
        }
        long best = Long.MAX_VALUE;
        long allocated = Long.MAX_VALUE;
        List<Long> all = new ArrayList<>();
        BenchStage.Pass pass = null;
        for (int i = 0; i < runs; i++) {
            long a0 = allocatedBytes();
            long t0 = System.nanoTime();
            pass = stage.run(file, keylog, null);
            long t = System.nanoTime() - t0;
            long a = allocatedBytes() - a0;
            all.add(t);
            best = Math.min(best, t);
            if (a0 >= 0) {
                allocated = Math.min(allocated, a);
            }
            say("%s: run %d: %.3f s", stage.label(), i + 1, t / 1e9);
        }
        return new StageResult(stage, best, List.copyOf(all), pass, peak, baseline,
                allocated == Long.MAX_VALUE ? -1 : allocated);
    }

    private ToolResult measure(String label, Optional<ExternalTool> tool) throws InterruptedException {
        if (tool.isEmpty()) {
            return new ToolResult(label, "", 0, "not installed");
        }
        ExternalTool t = tool.get();
        String command = String.join(" ", t.command());
        long best = Long.MAX_VALUE;
        try {
            for (int i = 0; i < toolRuns; i++) {
                long n = t.time();
                best = Math.min(best, n);
                say("%s: run %d: %.3f s", label, i + 1, n / 1e9);
            }
        } catch (IOException e) {
            return new ToolResult(label, command, 0, e.getMessage());
        }
        return new ToolResult(label, command, best, null);
    }

    /** Bytes allocated by this thread so far, or -1 when the JVM cannot tell. */
    private static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported()) {
            return t.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf("bench: " + format + "%n", args);
        }
    }
}
