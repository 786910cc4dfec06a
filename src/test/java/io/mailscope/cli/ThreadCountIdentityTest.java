package io.mailscope.cli;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Same answer whatever the thread count (issue 11): every capture under src/test/resources and samples/, through
 * the command line, gives byte for byte the same text, JSON and HTML report, the same standard error and the same
 * exit code with one thread (today's single-threaded path) and with three workers (more workers than this
 * machine's cores, on purpose: the workers then interleave in every way the scheduler likes).
 */
class ThreadCountIdentityTest {
    @TempDir
    Path tmp;

    static Stream<String> captures() throws IOException {
        List<String> all;
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/test/resources")), Files.walk(Path.of("samples")))) {
            all = files.filter(Files::isRegularFile)
                    .map(Path::toString)
                    .filter(n -> n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".pcap.gz")
                            || n.endsWith(".pcapng.gz") || n.endsWith(".cap"))
                    .sorted()
                    .toList();
        }
        assertFalse(all.isEmpty());
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void textJsonAndHtmlAreTheSameWithOneAndThreeThreads(String capture) throws IOException {
        for (List<String> format : List.of(List.of("--color", "never"), List.of("--json"), List.of("--summary", "--color", "never"))) {
            CliRun one = run(capture, 1, format, null);
            CliRun three = run(capture, 3, format, null);
            assertEquals(one.exitCode(), three.exitCode(), format + ": exit code");
            assertEquals(one.out(), three.out(), format + ": output");
            assertEquals(one.err(), three.err(), format + ": standard error");
        }
        Path html1 = tmp.resolve("one.html");
        Path html3 = tmp.resolve("three.html");
        CliRun one = run(capture, 1, List.of("--json"), html1);
        CliRun three = run(capture, 3, List.of("--json"), html3);
        assertEquals(one.exitCode(), three.exitCode());
        assertEquals(Files.exists(html1), Files.exists(html3));
        if (Files.exists(html1)) {
            assertArrayEquals(withoutGenerationTime(html1), withoutGenerationTime(html3), "HTML report");
        }
    }

    @org.junit.jupiter.api.Test
    void aThreadCountOutsideOneTo256IsAUsageError() {
        for (String n : new String[] {"0", "-1", "257"}) {
            CliRun r = CliRun.of("analyze", "--threads", n, "samples/imaps-ok.pcap");
            assertEquals(Main.EXIT_USAGE, r.exitCode(), n);
            assertEquals("mailscope: --threads must be from 1 to 256\n", r.err(), n);
        }
    }

    /** The report says when it was made ("Generated 2026-12-03T10:46:32Z."): the two runs may straddle a second. */
    private static byte[] withoutGenerationTime(Path html) throws IOException {
        return Files.readString(html).replaceFirst("Generated [0-9T:Z-]+\\.", "Generated (time).")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static CliRun run(String capture, int threads, List<String> format, Path html) {
        List<String> args = new java.util.ArrayList<>(List.of("analyze", "--threads", String.valueOf(threads)));
        args.addAll(format);
        if (html != null) {
            args.addAll(List.of("--html", html.toString()));
        }
        args.add(capture);
        return CliRun.of(args.toArray(String[]::new));
    }
}
