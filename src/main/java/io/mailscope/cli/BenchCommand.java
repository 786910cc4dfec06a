package io.mailscope.cli;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.PcapWriter;
import io.mailscope.bench.BenchReport;
import io.mailscope.bench.BenchRunner;
import io.mailscope.bench.BenchStage;
import io.mailscope.bench.CaptureGenerator;
import io.mailscope.bench.EndToEnd;
import io.mailscope.bench.EndToEndReport;
import io.mailscope.bench.LiveBench;
import io.mailscope.bench.LiveBenchReport;
import io.mailscope.bench.Machine;
import io.mailscope.bench.ShortConnectionGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code mailscope bench generate|run}: a synthetic IMAP/TLS capture, and the speed of reading it. See docs/performance.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark capture reading and TCP reassembly: generate a capture, then measure on it.",
        subcommands = {BenchCommand.Generate.class, BenchCommand.Run.class, BenchCommand.EndToEndRun.class,
                BenchCommand.Live.class, BenchCommand.ReadOnly.class})
class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a realistic IMAP/STARTTLS/TLS 1.3 capture (Ethernet, IPv4): connections interleaved in time, "
                    + "some retransmissions and reordered segments. Exact packet and connection counts; same seed, same file.")
    static class Generate implements Callable<Integer> {
        @Option(names = "--packets", paramLabel = "N", description = "Packets in the capture (the long workload needs it).")
        Long packets;

        @Option(names = "--connections", required = true, paramLabel = "C", description = "TCP connections in the capture.")
        int connections;

        @Option(names = "--workload", defaultValue = "long", paramLabel = "long|scan|imap-short",
                description = "long: IMAP/STARTTLS/TLS sessions with data (--packets in all); scan: one unanswered SYN per "
                        + "connection to port 993; imap-short: 10-packet IMAP sessions (greeting, LOGOUT). Default: ${DEFAULT-VALUE}.")
        String workload;

        @Option(names = "--concurrency", defaultValue = "256", paramLabel = "K",
                description = "Connections open at once. Default: ${DEFAULT-VALUE}.")
        int concurrency;

        @Option(names = "--seed", defaultValue = "1", description = "Random seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--format", defaultValue = "pcap", paramLabel = "pcap|pcapng",
                description = "File format. Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Where to write the capture.")
        String output;

        @Option(names = "--keylog", paramLabel = "FILE",
                description = "Make the TLS real: each connection gets its own secrets, its records are sealed with them, "
                        + "and the NSS key log that decrypts them is written to FILE (for 'bench run --keylog').")
        String keylog;

        @Override
        public Integer call() throws IOException {
            PcapWriter.Format f;
            switch (format.toLowerCase(Locale.ROOT)) {
                case "pcap" -> f = PcapWriter.Format.PCAP_MICROS;
                case "pcapng" -> f = PcapWriter.Format.PCAPNG;
                default -> {
                    System.err.println("mailscope: --format must be pcap or pcapng, not " + format);
                    return Main.EXIT_USAGE;
                }
            }
            Writes generator;
            try {
                generator = generator();
            } catch (IllegalArgumentException e) {
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            long t0 = System.nanoTime();
            CaptureGenerator.Result r;
            try (PcapWriter w = CaptureGenerator.writer(new FileOutputStream(output), f);
                 java.io.Writer keys = keylog == null ? null : new java.io.BufferedWriter(new java.io.FileWriter(keylog,
                         java.nio.charset.StandardCharsets.US_ASCII))) {
                if (keys != null) {
                    generator.decryptable(keys);
                }
                r = generator.write(w);
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %,d packets, %,d connections, %,d bytes (%s) in %.1f s%n", output,
                    r.packets(), r.connections(), r.bytes(), format.toLowerCase(Locale.ROOT), sec);
            return 0;
        }

        /** One of the generators, by --workload. */
        private interface Writes {
            CaptureGenerator.Result write(PcapWriter w) throws IOException;

            /** --keylog: only the long workload has TLS to decrypt. */
            default void decryptable(java.io.Writer keys) {
                throw new IllegalArgumentException("--keylog needs the long workload");
            }
        }

        private Writes generator() {
            switch (workload.toLowerCase(Locale.ROOT)) {
                case "long" -> {
                    if (packets == null) {
                        throw new IllegalArgumentException("the long workload needs --packets");
                    }
                    CaptureGenerator.Settings defaults = CaptureGenerator.Settings.of(packets, connections);
                    CaptureGenerator g = new CaptureGenerator(new CaptureGenerator.Settings(packets, connections,
                            concurrency, seed, defaults.retransmitChance(), defaults.reorderChance(), defaults.meanGapNanos()));
                    return new Writes() {
                        @Override
                        public CaptureGenerator.Result write(PcapWriter w) throws IOException {
                            return g.write(w);
                        }

                        @Override
                        public void decryptable(java.io.Writer keys) {
                            g.decryptable(keys);
                        }
                    };
                }
                case "scan" -> {
                    return new ShortConnectionGenerator(ShortConnectionGenerator.Kind.SCAN, connections)::write;
                }
                case "imap-short" -> {
                    return new ShortConnectionGenerator(ShortConnectionGenerator.Kind.IMAP_SHORT, connections)::write;
                }
                default -> throw new IllegalArgumentException("--workload must be long, scan or imap-short, not " + workload);
            }
        }
    }

    /**
     * {@code bench e2e --variant=--json}: a variant is an analyze command line, so its value is often an option of
     * analyze's that e2e also has ({@code --json}), which picocli would otherwise refuse as a missing value. Only
     * e2e's parser is told so: everywhere else an option where a value belongs stays an error.
     */
    static void acceptOptionLikeVariants(CommandLine cl) {
        CommandLine bench = cl.getSubcommands().get("bench");
        CommandLine e2e = bench == null ? null : bench.getSubcommands().get("e2e");
        if (e2e != null) {
            e2e.getCommandSpec().parser().allowOptionsAsOptionParameters(true);
        }
    }

    @Command(name = "e2e", mixinStandardHelpOptions = true,
            description = "What a user waits for: 'mailscope analyze' (text, --json, --summary) run cold as fresh processes "
                    + "beside tshark -q -z io,phs, ndpiReader -q and tcpdump -r -w /dev/null on the same file, interleaved; "
                    + "median wall time and peak RSS per process.")
    static class EndToEndRun implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A pcap or pcapng capture (e.g. from 'bench generate').")
        String file;

        @Option(names = "--runs", defaultValue = "3", description = "Rounds; the median counts. Default: ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--no-tools", description = "Only mailscope's commands.")
        boolean noTools;

        @Option(names = "--variant", paramLabel = "ARGS",
                description = "An analyze command line to measure, its options separated by spaces (repeatable; "
                        + "default: '', '--json', '--summary', then '--threads K' for 1, 2 and all cores). Lines that "
                        + "differ only in --threads K are reported as a speed-up by worker count.")
        List<String> variants;

        @Option(names = "--no-floor", description = "Leave out the floor rows: the same JVM start and capture reading "
                + "(and decoding) with no analysis, as fresh processes ('bench read').")
        boolean noFloor;

        @Option(names = "--json", description = "One JSON object instead of the table.")
        boolean json;

        @Option(names = "--quiet", description = "No progress lines on standard error.")
        boolean quiet;

        @Override
        public Integer call() throws IOException, InterruptedException {
            long packets;
            try (io.mailscope.capture.CaptureReader reader = io.mailscope.capture.CaptureReader.open(file)) {
                packets = reader.readFrames((n, t, l, b, o, c, w) -> { });
            } catch (CaptureFormatException e) {
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            List<List<String>> analyze = (variants == null ? defaultVariants(Runtime.getRuntime().availableProcessors()) : variants).stream()
                    .map(v -> v.isBlank() ? List.<String>of() : List.of(v.trim().split("\\s+"))).toList();
            List<EndToEnd.Command> commands = EndToEnd.commands(
                    EndToEnd.mailscopeCommand(System.getenv("MAILSCOPE_LAUNCHER")), file, analyze, !noFloor, !noTools);
            EndToEnd.Results r = new EndToEnd(runs, quiet ? null : System.err).run(file, packets, commands);
            if (json) {
                EndToEndReport.json(r, System.out);
            } else {
                EndToEndReport.text(r, System.out);
            }
            return r.rows().stream().allMatch(EndToEnd.Measured::ok) ? 0 : Main.EXIT_PARTIAL;
        }

        /** The user's three commands, then plain analyze with 1, 2 and all {@code cores} workers (the speed-up). */
        static List<String> defaultVariants(int cores) {
            java.util.LinkedHashSet<String> v = new java.util.LinkedHashSet<>(List.of("", "--json", "--summary"));
            for (int k : new int[] {1, 2, cores}) {
                v.add("--threads " + k);
            }
            return List.copyOf(v);
        }
    }

    /**
     * The floor under {@code analyze}, as a fresh process: the same launcher, JVM start-up and capture reader (and,
     * with {@code --decode}, the same link/IP/TCP decoder), with no analysis. {@code bench e2e} runs it beside
     * {@code analyze} so the table shows how much of a cold run is Java reading the file at all. Hidden: a
     * measuring device, not a user's command.
     */
    @Command(name = "read", hidden = true, mixinStandardHelpOptions = true,
            description = "Read (and with --decode, decode to TCP segments) a capture and count, with no analysis: the "
                    + "cold process's floor, for 'bench e2e'.")
    static class ReadOnly implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A pcap or pcapng capture.")
        String file;

        @Option(names = "--decode", description = "Also decode link, IP and TCP headers, as analyze's reading thread does.")
        boolean decode;

        @Override
        public Integer call() throws IOException {
            long[] segments = {0, 0};
            try (io.mailscope.capture.CaptureReader reader = io.mailscope.capture.CaptureReader.open(file)) {
                long frames = reader.readFrames(decode
                        ? new io.mailscope.capture.PacketDecoder(seg -> {
                            segments[0]++;
                            segments[1] += seg.capturedLength;
                        })
                        : (n, t, l, b, o, c, w) -> { });
                System.out.println(frames + " frames, " + reader.bytesRead() + " captured bytes"
                        + (decode ? ", " + segments[0] + " TCP segments, " + segments[1] + " payload bytes" : ""));
            } catch (CaptureFormatException e) {
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_PARTIAL;
            }
            return 0;
        }
    }

    @Command(name = "live", mixinStandardHelpOptions = true,
            description = "'mailscope live' end to end on loopback: started through the launcher (in process and through "
                    + "the capture helper), a generated IMAP/STARTTLS/TLS capture replayed by tcpreplay at each rate; "
                    + "libpcap's received and dropped counts, sessions reported, CPU time and peak RSS. Needs root and "
                    + "tcpreplay; sends only on loopback.")
    static class Live implements Callable<Integer> {
        @Option(names = "--rates", split = ",", defaultValue = "50000,100000,200000", paramLabel = "PPS",
                description = "Packets per second to replay at. Default: ${DEFAULT-VALUE}.")
        List<Integer> rates;

        @Option(names = "--seconds", defaultValue = "10", description = "Seconds per rate. Default: ${DEFAULT-VALUE}.")
        int seconds;

        @Option(names = {"-i", "--interface"}, defaultValue = "lo", paramLabel = "IFACE",
                description = "A loopback interface. Default: ${DEFAULT-VALUE}.")
        String iface;

        @Option(names = "--capture", split = ",", paramLabel = "HOW", defaultValue = "in-process,helper",
                description = "in-process (the JVM captures), helper (through mailscope-capture), or both. Default: ${DEFAULT-VALUE}.")
        List<String> methods;

        @Option(names = "--dir", paramLabel = "DIR",
                description = "Keep the generated captures and live's outputs here (reused on the next run) instead of a "
                        + "temporary directory deleted at the end.")
        Path dir;

        @Option(names = "--quiet", description = "No progress lines on standard error.")
        boolean quiet;

        @Option(names = "--threads", paramLabel = "N",
                description = "Pass --threads N to live (default: live's own, the available cores; 1: one thread).")
        Integer threads;

        private List<String> liveOptions() {
            return threads == null ? List.of() : List.of("--threads", Integer.toString(threads));
        }

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<LiveBench.Method> chosen = new ArrayList<>();
            for (String m : methods) {
                switch (m.trim().toLowerCase(Locale.ROOT)) {
                    case "in-process" -> chosen.add(LiveBench.Method.IN_PROCESS);
                    case "helper" -> chosen.add(LiveBench.Method.HELPER);
                    default -> {
                        System.err.println("mailscope: --capture takes in-process and helper, not " + m);
                        return Main.EXIT_USAGE;
                    }
                }
            }
            Optional<Path> helper = LiveBench.helper();
            if (chosen.contains(LiveBench.Method.HELPER) && helper.isEmpty()) {
                System.err.println("mailscope: no capture helper next to the jar or in /usr/lib/mailscope: measuring in process only");
                chosen.remove(LiveBench.Method.HELPER);
            }
            boolean temporary = dir == null;
            Path work = temporary ? Files.createTempDirectory("mailscope-bench-live")
                    : Files.createDirectories(dir);
            LiveBench bench;
            try {
                bench = new LiveBench(EndToEnd.mailscopeCommand(System.getenv("MAILSCOPE_LAUNCHER")), iface, seconds, work,
                        quiet ? null : System.err).liveOptions(liveOptions());
            } catch (IllegalArgumentException e) {
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            String load = Machine.loadAverage();
            List<LiveBench.Measured> rows = new ArrayList<>();
            try {
                bench.prepare();
                for (int rate : rates) {
                    for (LiveBench.Method m : chosen) {
                        rows.add(bench.run(rate, m, helper.orElse(null)));
                    }
                }
            } catch (IOException e) {
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_PARTIAL;
            } finally {
                if (temporary) {
                    try (var files = Files.list(work)) {
                        for (Path f : files.toList()) {
                            Files.deleteIfExists(f);
                        }
                    }
                    Files.deleteIfExists(work);
                }
            }
            LiveBenchReport.text(rows, iface, seconds, load, liveOptions().isEmpty() ? "" : " " + String.join(" ", liveOptions()),
                    System.out);
            return rows.stream().allMatch(LiveBench.Measured::ok) ? 0 : Main.EXIT_PARTIAL;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Measure on one capture: reading alone; reading, decoding and TCP reassembly; the full analysis. "
                    + "Packets/s, MB/s, wall time (best of the runs), live heap; tshark and tcpdump on the same file when installed.")
    static class Run implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A pcap or pcapng capture (e.g. from 'bench generate').")
        String file;

        @Option(names = "--runs", defaultValue = "5", description = "Timed passes per stage; the best counts. Default: ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--warmup", defaultValue = "2",
                description = "Untimed passes first (the first also measures the live heap). Default: ${DEFAULT-VALUE}.")
        int warmup;

        @Option(names = "--warmup-packets", defaultValue = "5000000", paramLabel = "N",
                description = "More warm-up passes until this many packets went through (the JIT needs them). Default: ${DEFAULT-VALUE}.")
        long warmupPackets;

        @Option(names = "--tool-runs", defaultValue = "1",
                description = "Passes of tshark and tcpdump; the best counts. Default: ${DEFAULT-VALUE}.")
        int toolRuns;

        @Option(names = "--no-tools", description = "Do not run tshark and tcpdump.")
        boolean noTools;

        @Option(names = "--stages", split = ",", paramLabel = "STAGE",
                description = "Stages to run: read, reassemble, analysis, decrypt (needs --keylog). Default: all.")
        List<String> stages;

        @Option(names = "--keylog", paramLabel = "FILE",
                description = "The file's key log (from 'bench generate --keylog'): adds the stage 'full analysis + "
                        + "decryption' and tshark with the key log.")
        String keylog;

        @Option(names = "--json", description = "One JSON object instead of the table.")
        boolean json;

        @Option(names = "--quiet", description = "No progress lines on standard error.")
        boolean quiet;

        @Override
        public Integer call() throws IOException, InterruptedException {
            List<BenchStage> chosen;
            try {
                chosen = stages == null
                        ? java.util.Arrays.stream(BenchStage.values()).filter(s -> keylog != null || s != BenchStage.DECRYPT).toList()
                        : stages.stream().map(s -> switch (s.trim().toLowerCase(Locale.ROOT)) {
                            case "read" -> BenchStage.READ;
                            case "reassemble" -> BenchStage.REASSEMBLE;
                            case "analysis" -> BenchStage.ANALYSIS;
                            case "decrypt" -> BenchStage.DECRYPT;
                            default -> throw new IllegalArgumentException("unknown stage " + s + " (read, reassemble, analysis, decrypt)");
                        }).toList();
                if (chosen.contains(BenchStage.DECRYPT) && keylog == null) {
                    throw new IllegalArgumentException("the stage decrypt needs --keylog");
                }
            } catch (IllegalArgumentException e) {
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            BenchRunner.Results results;
            try {
                results = new BenchRunner(file, warmup, warmupPackets, runs, toolRuns, chosen, !noTools, quiet ? null : System.err)
                        .keylog(keylog).run();
            } catch (CaptureFormatException e) {
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
            if (json) {
                BenchReport.json(results, System.out);
            } else {
                BenchReport.text(results, System.out);
            }
            return 0;
        }
    }
}
