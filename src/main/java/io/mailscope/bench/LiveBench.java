package io.mailscope.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.mailscope.capture.PcapWriter;

/**
 * {@code mailscope live} end to end, as a user runs it: the launcher starts {@code mailscope live -i lo --json}
 * (in process, or through the capture helper), and once it says it is listening, {@code tcpreplay --pps=N} sends a
 * generated IMAP/STARTTLS/TLS capture on loopback at a fixed rate. At the end we read what libpcap counted
 * (received, dropped: the live command's {@code capture} line), how many sessions were reported against how many
 * connections the capture holds, and the process's CPU time and peak RSS (GNU time).
 *
 * <p>Why a Java command and not a script: it reuses what {@code bench e2e} already has (the generator, starting
 * mailscope through its launcher, GNU time), its parsing is unit-tested, and it prints the same kind of table.
 * Why tcpreplay: it injects frames with the capture's exact bytes at a steady rate from C (a Java sender on a 2-core
 * machine cannot hold 200,000 packets/s and would compete with the JVM under test for the same JIT and collector).
 *
 * <p>Only loopback: replaying invented mail traffic onto a real network would reach real hosts, so any other
 * interface is refused. The generated addresses (10.0.0.0/8 to 192.0.2.0/24, TEST-NET) and MACs are not the
 * loopback's, so the kernel discards each packet after capture: nothing answers, nothing is added to the capture.
 */
public final class LiveBench {
    /** How live captures. */
    public enum Method {
        /** the JVM captures itself through libpcap (needs root or CAP_NET_RAW) */
        IN_PROCESS("in process"),
        /** through the capture helper mailscope-capture, as an unprivileged user in group mailscope does */
        HELPER("helper");

        final String label;

        Method(String label) {
            this.label = label;
        }
    }

    /** One measurement: a target rate, a capture method. */
    public record Measured(int targetPps, Method method, long packets, int connections, long sent, double sendSeconds,
                           long frames, long received, long dropped, long ifDropped, long sessions,
                           long cpuNanos, long peakRssBytes, String listening, String problem) {
        public boolean ok() {
            return problem == null;
        }

        /** The rate tcpreplay reached (on a busy machine it can fall short of the target). */
        public double sentPps() {
            return sendSeconds > 0 ? sent / sendSeconds : 0;
        }

        /** Every packet sent was analysed, libpcap dropped none, and every connection came out as a session. */
        public boolean keptUp() {
            return ok() && dropped == 0 && frames == sent && sessions == connections;
        }
    }

    /** What tcpreplay said it sent. */
    record Sent(long packets, double seconds) {
    }

    /** What the live command reported: sessions and libpcap's counts. */
    record LiveOutput(long sessions, long frames, long received, long dropped, long ifDropped) {
    }

    static final String GNU_TIME = "/usr/bin/time";
    /** Packets per connection of the generated capture: long sessions, as the long workload's benchmarks use. */
    static final int PACKETS_PER_CONNECTION = 250;
    private static final Pattern TCPREPLAY_ACTUAL = Pattern.compile("Actual: (\\d+) packets \\(\\d+ bytes\\) sent in ([0-9.]+) seconds");
    private static final JsonFactory JSON = new JsonFactory();

    private final List<String> mailscope;
    private final String iface;
    private final int seconds;
    private final Path workDir;
    private final PrintStream progress;
    /** More options for every {@code live} run (e.g. {@code --threads 1}). */
    private List<String> liveOptions = List.of();

    /**
     * @param mailscope how to start mailscope ({@link EndToEnd#mailscopeCommand})
     * @param iface     a loopback interface
     * @param seconds   how long each rate is sent for
     * @param workDir   where the generated captures and outputs go
     * @param progress  where to say what runs, or null
     */
    public LiveBench(List<String> mailscope, String iface, int seconds, Path workDir, PrintStream progress) {
        if (!isLoopback(iface)) {
            throw new IllegalArgumentException(iface + " is not a loopback interface: the live benchmark replays invented "
                    + "traffic and sends it only on loopback");
        }
        if (seconds < 1) {
            throw new IllegalArgumentException("--seconds must be at least 1");
        }
        this.mailscope = List.copyOf(mailscope);
        this.iface = iface;
        this.seconds = seconds;
        this.workDir = workDir;
        this.progress = progress;
    }

    /** Adds these options to every {@code mailscope live} it starts (e.g. {@code --threads 1}). */
    public LiveBench liveOptions(List<String> options) {
        this.liveOptions = List.copyOf(options);
        return this;
    }

    /** Whether Linux says the interface is a loopback (IFF_LOOPBACK in /sys/class/net/IFACE/flags). */
    static boolean isLoopback(String iface) {
        if (iface == null || iface.isEmpty() || iface.contains("/") || iface.startsWith(".")) {
            return false;
        }
        try {
            String flags = Files.readString(Path.of("/sys/class/net", iface, "flags")).trim();
            return (Integer.decode(flags) & 0x8) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The helper live would use when it may not capture itself: next to the jar (target/), then the installed one. */
    public static Optional<Path> helper() {
        List<Path> candidates = new ArrayList<>();
        try {
            Path code = Path.of(LiveBench.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
            candidates.add(code.resolve("mailscope-capture"));
        } catch (Exception e) {
            // no code location: only the installed helper
        }
        candidates.add(Path.of("/usr/lib/mailscope/mailscope-capture"));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    /**
     * Starts mailscope once before measuring: the repository's launcher builds the jar when the sources are newer,
     * and that build would otherwise count in the first run's CPU time and peak RSS.
     */
    public void prepare() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(mailscope);
        cmd.add("--version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + ")");
        }
    }

    /** The generated capture for one rate: {@code rate * seconds} packets of long IMAP/STARTTLS/TLS sessions. */
    Path capture(int rate) throws IOException {
        long packets = (long) rate * seconds;
        Path file = workDir.resolve("live-" + rate + "pps-" + seconds + "s.pcap");
        if (!Files.isRegularFile(file)) {
            say("generating %s (%,d packets)", file, packets);
            try (PcapWriter w = CaptureGenerator.writer(new BufferedOutputStream(new FileOutputStream(file.toFile()), 1 << 16),
                    PcapWriter.Format.PCAP_MICROS)) {
                new CaptureGenerator(CaptureGenerator.Settings.of(packets, connections(packets))).write(w);
            }
        }
        return file;
    }

    static int connections(long packets) {
        return (int) Math.max(1, packets / PACKETS_PER_CONNECTION);
    }

    /** One run: live started and listening, the capture replayed at {@code rate}, live stopped and read. */
    public Measured run(int rate, Method method, Path helper) throws IOException, InterruptedException {
        Path capture = capture(rate);
        long packets = (long) rate * seconds;
        int connections = connections(packets);
        String tag = rate + "-" + method.name().toLowerCase();
        Path out = workDir.resolve("live-" + tag + ".jsonl");
        Path err = workDir.resolve("live-" + tag + ".err");
        Path time = workDir.resolve("live-" + tag + ".time");
        List<String> cmd = new ArrayList<>();
        boolean gnuTime = new File(GNU_TIME).canExecute();
        if (gnuTime) {
            cmd.addAll(List.of(GNU_TIME, "-f", "%M %U %S", "-o", time.toString()));
        }
        cmd.addAll(mailscope);
        cmd.addAll(List.of("live", "-i", iface, "--json", "--count", Long.toString(packets)));
        cmd.addAll(liveOptions);
        if (method == Method.HELPER) {
            cmd.addAll(List.of("--capture-helper", helper.toString()));
        }
        say("%,d packets/s, %s: starting %s", rate, method.label, String.join(" ", cmd));
        Process live = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String listening = null;
        Sent sent = new Sent(0, 0);
        String problem = null;
        try {
            listening = awaitListening(live, err);
            if (listening == null) {
                problem = "live did not start: " + firstLine(err);
            } else {
                sent = replay(capture, rate);
                // The capture ends by itself at --count when nothing was dropped; otherwise stop it as Ctrl-C does.
                if (!live.waitFor(5, TimeUnit.SECONDS)) {
                    // SIGTERM to the JVM (under GNU time, its child; the launcher execs java): its shutdown hook
                    // stops the capture and prints the summary, as at Ctrl-C.
                    if (gnuTime) {
                        live.children().forEach(ProcessHandle::destroy);
                    } else {
                        live.destroy();
                    }
                }
            }
        } finally {
            if (!live.waitFor(30, TimeUnit.SECONDS)) {
                live.descendants().forEach(ProcessHandle::destroyForcibly);
                live.destroyForcibly();
                live.waitFor();
                problem = problem == null ? "live did not stop within 30 s of SIGTERM" : problem;
            }
        }
        LiveOutput o = readLiveOutput(out);
        long[] rssCpu = gnuTime ? readGnuTime(time) : new long[] {-1, -1};
        if (problem == null && o == null) {
            problem = "live wrote no capture line: " + firstLine(err);
        }
        if (o == null) {
            o = new LiveOutput(0, 0, 0, 0, 0);
        }
        Measured m = new Measured(rate, method, packets, connections, sent.packets(), sent.seconds(), o.frames(), o.received(),
                o.dropped(), o.ifDropped(), o.sessions(), rssCpu[1], rssCpu[0], listening, problem);
        say("%,d packets/s, %s: sent %,d at %,.0f/s, analysed %,d, libpcap dropped %,d, %,d of %,d sessions%s", rate,
                method.label, m.sent(), m.sentPps(), m.frames(), m.dropped(), m.sessions(), m.connections(),
                problem == null ? "" : " (" + problem + ")");
        return m;
    }

    /** Waits until live says it is listening (its stderr line), or has ended; returns that line or null. */
    private static String awaitListening(Process live, Path err) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(err, StandardCharsets.UTF_8)) {
                if (line.startsWith("mailscope: listening on")) {
                    return line;
                }
            }
            if (!live.isAlive()) {
                return null;
            }
            Thread.sleep(50);
        }
        return null;
    }

    private Sent replay(Path capture, int rate) throws IOException, InterruptedException {
        List<String> cmd = List.of(ExternalTool.onPath("tcpreplay").orElse("tcpreplay"), "-i", iface, "--pps=" + rate,
                capture.toString());
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException("cannot run tcpreplay (Debian: apt-get install tcpreplay): " + e.getMessage(), e);
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        Sent sent = parseTcpreplay(text);
        if (exit != 0 || sent == null) {
            throw new IOException("tcpreplay failed (exit " + exit + "): " + text.strip());
        }
        return sent;
    }

    /** tcpreplay's "Actual: N packets (B bytes) sent in S seconds" line. */
    static Sent parseTcpreplay(String output) {
        Matcher m = TCPREPLAY_ACTUAL.matcher(output);
        return m.find() ? new Sent(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2))) : null;
    }

    /**
     * Sessions and libpcap's counts from {@code live --json}: one {@code session} object per session, one
     * {@code capture} object at the end. Read line by line: a run with drops can write hundreds of megabytes.
     */
    static LiveOutput readLiveOutput(Path jsonLines) throws IOException {
        long sessions = 0;
        Map<String, Long> capture = null;
        try (BufferedReader r = Files.newBufferedReader(jsonLines, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                String s = line.strip();
                if (s.startsWith("{\"type\":\"session\"")) {
                    sessions++;
                } else if (s.startsWith("{\"type\":\"capture\"")) {
                    capture = numbers(s);
                }
            }
        }
        if (capture == null) {
            return null;
        }
        return new LiveOutput(sessions, capture.getOrDefault("frames", 0L), capture.getOrDefault("received", 0L),
                capture.getOrDefault("dropped", 0L), capture.getOrDefault("if_dropped", 0L));
    }

    /** The whole-number fields of one flat JSON object. */
    private static Map<String, Long> numbers(String object) throws IOException {
        Map<String, Long> out = new HashMap<>();
        try (JsonParser p = JSON.createParser(object)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    out.put(p.currentName(), p.getLongValue());
                }
            }
        }
        return out;
    }

    /** {peak RSS bytes, CPU ns} from GNU time's "%M %U %S" (its last line; earlier ones say why a command failed). */
    static long[] readGnuTime(Path file) {
        try {
            String last = Files.readString(file, StandardCharsets.US_ASCII).strip().lines().reduce((a, b) -> b).orElse("");
            String[] f = last.trim().split(" ");
            return new long[] {Long.parseLong(f[0]) * 1024, Math.round((Double.parseDouble(f[1]) + Double.parseDouble(f[2])) * 1e9)};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    private static String firstLine(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).findFirst().orElse("(no output)");
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private void say(String format, Object... args) {
        if (progress != null) {
            progress.printf("bench live: " + format + "%n", args);
        }
    }
}
