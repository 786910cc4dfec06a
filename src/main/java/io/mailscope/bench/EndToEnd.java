package io.mailscope.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a user waits for: each command run as a fresh process, cold (a new JVM: start-up, class loading, JIT
 * warm-up, rendering and the collector are all in the figure), standard output to /dev/null, wall time and peak
 * resident memory per process. The commands are run interleaved (round 1 of every command, then round 2...) so
 * that a busy moment on a shared machine hits all of them alike, and the median of the rounds is reported.
 *
 * <p>Peak RSS comes from GNU time ({@code /usr/bin/time -f %M}, the kernel's {@code ru_maxrss} of the child) when
 * it is installed; otherwise from polling {@code VmHWM} in {@code /proc/PID/status} every 5 ms, which can miss
 * growth in the last few milliseconds of a process.
 */
public final class EndToEnd {
    /** One command to measure; {@code mailscope} rows are ours, the others the tools compared with. */
    public record Command(String label, List<String> argv, boolean mailscope) {
    }

    /** One command's rounds. */
    public record Measured(Command command, List<Long> wallNanos, List<Long> peakRssBytes, List<Long> cpuNanos,
                           String problem) {
        public boolean ok() {
            return problem == null;
        }

        public long medianWallNanos() {
            return median(wallNanos);
        }

        /** Median user + system CPU time (GNU time only; -1 when unknown): steadier than wall time on a busy machine. */
        public long medianCpuNanos() {
            return cpuNanos.isEmpty() ? -1 : median(cpuNanos);
        }

        /** Median peak RSS in bytes, -1 when unknown. */
        public long medianPeakRss() {
            return peakRssBytes.isEmpty() ? -1 : median(peakRssBytes);
        }
    }

    /** Everything measured on one file. */
    public record Results(String file, long fileBytes, long packets, int rounds, String rssMethod, List<Measured> rows) {
        public Optional<Measured> row(String labelStart) {
            return rows.stream().filter(m -> m.ok() && m.command().label().startsWith(labelStart)).findFirst();
        }
    }

    static final String GNU_TIME = "/usr/bin/time";

    private final int rounds;
    private final PrintStream progress;

    /** @param progress where to say what runs (standard error), or null */
    public EndToEnd(int rounds, PrintStream progress) {
        this.rounds = Math.max(1, rounds);
        this.progress = progress;
    }

    /**
     * How to start mailscope as a user does: the launcher the running process was started by when it says so
     * ({@code MAILSCOPE_LAUNCHER}, set by ./mailscope and the package's launcher, so its JVM options count), else
     * this JVM's java with this class path.
     */
    public static List<String> mailscopeCommand(String launcher) {
        if (launcher != null && !launcher.isBlank() && new File(launcher).canExecute()) {
            return List.of(launcher);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-cp", System.getProperty("java.class.path"), "io.mailscope.cli.Main");
    }

    /** Label of the floor row: JVM start-up and reading the capture, nothing else ({@code mailscope bench read}). */
    public static final String READ_FLOOR = "mailscope bench read";
    /** Label of the floor row with decoding: what {@code analyze}'s reading thread does before any analysis. */
    public static final String DECODE_FLOOR = "mailscope bench read --decode";

    /**
     * The user's commands on {@code file} ({@code analyze} with each extra argument list, e.g. {@code --json}),
     * then, with {@code floor}, the same start-up and reading without analysis ({@value #READ_FLOOR}, and with
     * decoding), then tshark, ndpiReader and tcpdump when installed.
     */
    public static List<Command> commands(List<String> mailscope, String file, List<List<String>> analyzeVariants,
                                         boolean floor, boolean tools) {
        List<Command> list = new ArrayList<>();
        for (List<String> extra : analyzeVariants) {
            List<String> argv = new ArrayList<>(mailscope);
            argv.add("analyze");
            argv.addAll(extra);
            argv.add(file);
            list.add(new Command(String.join(" ", concat(List.of("mailscope", "analyze"), extra)), argv, true));
        }
        if (floor) {
            for (String label : List.of(READ_FLOOR, DECODE_FLOOR)) {
                List<String> argv = new ArrayList<>(mailscope);
                argv.addAll(List.of(label.substring("mailscope ".length()).split(" ")));
                argv.add(file);
                list.add(new Command(label, argv, true));
            }
        }
        if (tools) {
            ExternalTool.onPath("tshark").ifPresent(p -> list.add(new Command("tshark -q -z io,phs",
                    List.of(p, "-r", file, "-q", "-z", "io,phs"), false)));
            ExternalTool.onPath("ndpiReader").ifPresent(p -> list.add(new Command("ndpiReader -q",
                    List.of(p, "-i", file, "-q"), false)));
            ExternalTool.onPath("tcpdump").ifPresent(p -> list.add(new Command("tcpdump -r -w /dev/null",
                    List.of(p, "-r", file, "-w", "/dev/null"), false)));
        }
        return list;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    public Results run(String file, long packets, List<Command> commands) throws InterruptedException {
        boolean gnuTime = new File(GNU_TIME).canExecute();
        List<List<Long>> walls = new ArrayList<>();
        List<List<Long>> rss = new ArrayList<>();
        List<List<Long>> cpu = new ArrayList<>();
        String[] problems = new String[commands.size()];
        for (int i = 0; i < commands.size(); i++) {
            walls.add(new ArrayList<>());
            rss.add(new ArrayList<>());
            cpu.add(new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            for (int i = 0; i < commands.size(); i++) {
                if (problems[i] != null) {
                    continue;
                }
                Command c = commands.get(i);
                try {
                    long[] m = gnuTime ? withGnuTime(c.argv()) : withProcPolling(c.argv());
                    walls.get(i).add(m[0]);
                    if (m[1] >= 0) {
                        rss.get(i).add(m[1]);
                    }
                    if (m[2] >= 0) {
                        cpu.get(i).add(m[2]);
                    }
                    say("round %d: %s: %.3f s, %s", round, c.label(), m[0] / 1e9, m[1] < 0 ? "?" : (m[1] >> 20) + " MiB");
                } catch (IOException e) {
                    problems[i] = e.getMessage();
                    say("%s: %s", c.label(), e.getMessage());
                }
            }
        }
        List<Measured> rows = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            rows.add(new Measured(commands.get(i), List.copyOf(walls.get(i)), List.copyOf(rss.get(i)), List.copyOf(cpu.get(i)),
                    problems[i]));
        }
        return new Results(file, new File(file).length(), packets, rounds,
                gnuTime ? "GNU time %M (ru_maxrss), %U + %S" : "VmHWM polled every 5 ms", rows);
    }

    /** {wall ns, peak RSS bytes, CPU ns}: the process under GNU time, which writes max RSS (KiB), user and system s. */
    private static long[] withGnuTime(List<String> argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile("mailscope-e2e", ".time");
        try {
            List<String> cmd = new ArrayList<>(List.of(GNU_TIME, "-f", "%M %U %S", "-o", out.toString()));
            cmd.addAll(argv);
            long wall = runTimed(cmd, argv, null);
            String s = Files.readString(out, StandardCharsets.US_ASCII).trim();
            String last = s.lines().reduce((a, b) -> b).orElse("");
            try {
                String[] f = last.trim().split(" ");
                long cpu = Math.round((Double.parseDouble(f[1]) + Double.parseDouble(f[2])) * 1e9);
                return new long[] {wall, Long.parseLong(f[0]) * 1024, cpu};
            } catch (RuntimeException e) {
                return new long[] {wall, -1, -1};
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static long[] withProcPolling(List<String> argv) throws IOException, InterruptedException {
        long[] peak = {-1};
        long wall = runTimed(argv, argv, peak);
        return new long[] {wall, peak[0], -1};
    }

    /** Runs {@code cmd}, output discarded, and returns its wall time; {@code peak} (when given) gets polled VmHWM. */
    private static long runTimed(List<String> cmd, List<String> shown, long[] peak) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (peak != null) {
            Path status = Path.of("/proc", Long.toString(p.pid()), "status");
            while (p.isAlive()) {
                peak[0] = Math.max(peak[0], vmHwm(status));
                Thread.sleep(5);
            }
        }
        int exit = p.waitFor();
        long wall = System.nanoTime() - t0;
        if (exit != 0) {
            throw new IOException(String.join(" ", shown) + " exited with " + exit);
        }
        return wall;
    }

    private static long vmHwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has just ended
        }
        return -1;
    }

    static long median(List<Long> values) {
        if (values.isEmpty()) {
            return 0;
        }
        long[] v = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf("bench e2e: " + format + "%n", args);
        }
    }
}
