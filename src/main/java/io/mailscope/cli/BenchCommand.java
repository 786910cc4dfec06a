package io.mailscope.cli;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.bench.BenchReport;
import io.mailscope.bench.BenchRunner;
import io.mailscope.bench.BenchStage;
import io.mailscope.bench.CaptureGenerator;
import io.mailscope.bench.CaptureWriter;
import io.mailscope.bench.EndToEnd;
import io.mailscope.bench.EndToEndReport;
import io.mailscope.bench.ShortConnectionGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code mailscope bench generate|run}: a synthetic IMAP/TLS capture, and the speed of reading it. See docs/performance.md. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark capture reading and TCP reassembly: generate a capture, then measure on it.",
        subcommands = {BenchCommand.Generate.class, BenchCommand.Run.class, BenchCommand.EndToEndRun.class})
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
            CaptureWriter.Format f;
            try {
                f = CaptureWriter.Format.valueOf(format.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                System.err.println("mailscope: --format must be pcap or pcapng, not " + format);
                return Main.EXIT_USAGE;
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
            try (CaptureWriter w = new CaptureWriter(new FileOutputStream(output), f);
                 java.io.Writer keys = keylog == null ? null : new java.io.BufferedWriter(new java.io.FileWriter(keylog,
                         java.nio.charset.StandardCharsets.US_ASCII))) {
                if (keys != null) {
                    generator.decryptable(keys);
                }
                r = generator.write(w);
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s: %,d packets, %,d connections, %,d bytes (%s) in %.1f s%n", output,
                    r.packets(), r.connections(), r.bytes(), f.name().toLowerCase(Locale.ROOT), sec);
            return 0;
        }

        /** One of the generators, by --workload. */
        private interface Writes {
            CaptureGenerator.Result write(CaptureWriter w) throws IOException;

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
                        public CaptureGenerator.Result write(CaptureWriter w) throws IOException {
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
                    EndToEnd.mailscopeCommand(System.getenv("MAILSCOPE_LAUNCHER")), file, analyze, !noTools);
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
