package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The helper's arguments: it holds a capture privilege, so everything it is given is checked before libpcap
 * sees it, and nothing crashes it. A table of hostile arguments, each refused in one line with exit code 2 and
 * nothing on standard output, then random argument vectors (seeded; the seed is in the failure message), run
 * on the hardened build and on the AddressSanitizer/UBSan build, which aborts on any memory or undefined
 * behaviour error.
 */
class CaptureHelperArgumentsTest {
    private static final int FUZZ_RUNS = 150;

    record Result(int exit, String out, String err, boolean stillRunning) {
    }

    /** Runs the helper; one that is still running after the grace period is capturing, and gets SIGTERM. */
    static Result run(Path helper, List<String> args, Duration grace) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(helper.toString());
        cmd.addAll(args);
        try (HelperProcess h = HelperProcess.start(cmd)) {
            boolean running = !h.process().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            if (running) {
                h.signal("TERM");
            }
            int exit = h.awaitExit(Duration.ofSeconds(10));
            return new Result(exit, new String(h.stdout(), StandardCharsets.ISO_8859_1), h.stderr(), running);
        }
    }

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    static List<List<String>> hostile() {
        return List.of(
                List.of(),
                List.of("-i"),
                List.of("-i", ""),
                List.of("-i", "lo", "-i", "lo"),
                List.of("-i", repeat('a', 65)),
                List.of("-i", repeat('a', 100_000)),
                List.of("-i", "eth0;reboot"),
                List.of("-i", "lo lo"),
                List.of("-i", "../../etc/passwd"),
                List.of("-i", "-D"),
                List.of("-i", "lo\n"),
                List.of("-i", "l\u00f6"),
                List.of("-i", "$(id)"),
                List.of("-ilo"),
                List.of("--interface=lo"),
                List.of("-i", "lo", "-f", repeat('x', 4097)),
                List.of("-i", "lo", "-f", "tcp\nport 1"),
                List.of("-i", "lo", "-f", ""),
                List.of("-i", "lo", "-f", "tcp", "-f", "udp"),
                List.of("-i", "lo", "-s", "-1"),
                List.of("-i", "lo", "-s", "0"),
                List.of("-i", "lo", "-s", "0x100"),
                List.of("-i", "lo", "-s", "262145"),
                List.of("-i", "lo", "-s", "99999999999999999999"),
                List.of("-i", "lo", "-s", " 100"),
                List.of("-i", "lo", "-B", "0"),
                List.of("-i", "lo", "-B", "4097"),
                List.of("-i", "lo", "-B", "1e3"),
                List.of("-i", "lo", "--no-immediate", "--no-immediate"),
                List.of("-i", "lo", "extra"),
                List.of("-i", "lo", "-w", "/tmp/x.pcap"),
                List.of("-i", "lo", "-D"),
                List.of("-D", "-f", "tcp"),
                List.of("--version", "--help"),
                List.of("-f", "tcp"),
                List.of("--unknown"),
                List.of("-"),
                List.of("--"),
                List.of(repeat('-', 5000)),
                manyArguments());
    }

    private static List<String> manyArguments() {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            args.add("--promiscuous");
        }
        return args;
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void everyHostileArgumentIsRefusedInOneLineWithExitCode2(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        List<String> problems = new ArrayList<>();
        for (List<String> args : hostile()) {
            Result r = run(helper, args, Duration.ofSeconds(5));
            String shown = args.toString().length() > 80 ? args.toString().substring(0, 80) + "..." : args.toString();
            if (r.stillRunning() || r.exit() != 2 || !r.out().isEmpty() || !oneLine(r.err())) {
                problems.add(shown + " -> exit " + r.exit() + (r.stillRunning() ? " (was capturing)" : "")
                        + ", stdout " + r.out().length() + " bytes, stderr: " + r.err());
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void versionHelpAndListingNeedNoPrivilegeAndSucceed(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        Result version = run(helper, List.of("--version"), Duration.ofSeconds(5));
        assertEquals(0, version.exit(), version.err());
        assertTrue(version.out().startsWith("mailscope-capture "), version.out());
        assertTrue(version.out().contains("libpcap version"), version.out());
        Result help = run(helper, List.of("--help"), Duration.ofSeconds(5));
        assertEquals(0, help.exit());
        assertTrue(help.out().startsWith("usage: mailscope-capture -i IFACE"), help.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {HelperBuild.PLAIN, HelperBuild.SANITIZED})
    void randomArgumentsNeverCrashIt(String build) throws Exception {
        Path helper = HelperBuild.require(build);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int run = 0; run < FUZZ_RUNS; run++) {
            List<String> args = randomArguments(random);
            Result r = run(helper, args, Duration.ofMillis(400));
            String context = "seed " + seed + ", run " + run + ", args " + printable(args) + ": exit " + r.exit()
                    + ", stderr " + r.err();
            if (r.err().contains("Sanitizer") || r.err().contains("runtime error")) {
                fail("sanitizer report: " + context);
            }
            if (r.stillRunning() && r.exit() == 0) {
                // Valid arguments: it was capturing and SIGTERM ended it cleanly.
                assertEquals(0, r.exit(), context);
            } else {
                // (On a loaded machine a refusal may come only after the 400 ms: it must still be a clean one.)
                assertTrue(List.of(0, 2, 3, 4, 5, 6).contains(r.exit()), context);
                assertTrue(r.exit() == 0 || oneLine(r.err()), "one line on failure: " + context);
                assertTrue(r.exit() == 0 || r.out().isEmpty() || r.exit() == 6, "no output on failure: " + context);
            }
        }
    }

    private static final String[] OPTIONS = {"-i", "--interface", "-f", "--filter", "-s", "--snaplen", "-B",
            "--buffer-size", "--no-immediate", "--promiscuous", "-D", "--list-interfaces", "-v", "--version",
            "-h", "--help", "-x", "--", "-"};
    private static final String[] VALUES = {"lo", "any", "nosuch0", "eth0", "tcp port 9 and tcp port 7",
            "tcp prot", "udp", "65535", "0", "64", "262144", "1", "4096", "4097", "-1", ""};

    private static List<String> randomArguments(Random random) {
        int n = random.nextInt(7);
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0, 1 -> args.add(OPTIONS[random.nextInt(OPTIONS.length)]);
                case 2 -> args.add(VALUES[random.nextInt(VALUES.length)]);
                default -> args.add(randomString(random));
            }
        }
        return args;
    }

    /** Random bytes (no NUL: an argument cannot hold one), sometimes very long. */
    private static String randomString(Random random) {
        int length = random.nextInt(10) == 0 ? 4000 + random.nextInt(200) : random.nextInt(80);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) (1 + random.nextInt(random.nextBoolean() ? 127 : 255)));
        }
        return sb.toString();
    }

    private static boolean oneLine(String err) {
        String t = err.strip();
        return t.startsWith("mailscope-capture: ") && !t.contains("\n");
    }

    private static String printable(List<String> args) {
        StringBuilder sb = new StringBuilder("[");
        for (String a : args) {
            String shown = a.length() > 40 ? a.substring(0, 40) + "...(" + a.length() + ")" : a;
            sb.append('"');
            for (char c : shown.toCharArray()) {
                sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
            }
            sb.append("\" ");
        }
        return sb.append(']').toString();
    }
}
