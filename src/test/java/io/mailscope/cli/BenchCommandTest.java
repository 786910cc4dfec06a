package io.mailscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailscope.capture.CaptureReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

class BenchCommandTest {
    @TempDir
    Path dir;

    /** Runs the CLI with standard output captured. */
    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(0, Main.run(args));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private String tinyCapture(String format) throws Exception {
        String file = dir.resolve("tiny." + format).toString();
        String said = run("bench", "generate", "--packets", "1500", "--connections", "30", "--format", format, "-o", file);
        assertTrue(said.contains("1,500 packets, 30 connections"), said);
        try (CaptureReader reader = CaptureReader.open(file)) {
            assertEquals(1500, reader.readFrames((n, t, l, b, o, c, w) -> { }));
        }
        return file;
    }

    @Test
    void anEndToEndVariantMayBeAnOptionThatE2eHasToo() {
        // `--variant=--json` is analyze's --json, not e2e's: it must reach the variant, not be refused as a missing value
        CliRun r = CliRun.of("bench", "e2e", "--variant=--json", "--variant=--threads 1 --json", "/nonexistent/capture.pcap");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("mailscope: /nonexistent/capture.pcap"), r.err());
        CliRun live = CliRun.of("live", "--stall-after", "--json");
        assertTrue(live.err().contains("Expected parameter for option '--stall-after'"), live.err());
    }

    @Test
    void generateWritesPcapng() throws Exception {
        tinyCapture("pcapng");
    }

    @Test
    void runPrintsOneRowPerStage() throws Exception {
        String file = tinyCapture("pcap");
        String table = run("bench", "run", file, "--runs", "1", "--warmup", "1", "--warmup-packets", "0", "--no-tools",
                "--quiet");
        assertTrue(table.contains("1,500 packets"), table);
        for (String row : new String[] {"stage", "read ", "read + decode + reassemble", "full analysis"}) {
            assertTrue(table.lines().anyMatch(l -> l.startsWith(row)), row + " in\n" + table);
        }
        assertTrue(table.contains("30 connections, 30 finished"), table);
    }

    @Test
    void runAsJsonGivesEveryStageItsNumbers() throws Exception {
        String file = tinyCapture("pcap");
        String json = run("bench", "run", file, "--runs", "2", "--warmup", "1", "--warmup-packets", "0", "--no-tools",
                "--quiet", "--json");
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals(3, root.get("stages").size());
        for (JsonNode s : root.get("stages")) {
            assertEquals(1500, s.get("packets").asLong());
            assertEquals(2, s.get("allSeconds").size());
            assertTrue(s.get("peakLiveHeapBytes").asLong() > 0);
        }
        assertEquals(30, root.get("stages").get(1).get("connections").asLong());
    }

    @Test
    void tooFewPacketsIsAUsageError() {
        assertEquals(Main.EXIT_USAGE, Main.run("bench", "generate", "--packets", "10", "--connections", "5", "-o",
                dir.resolve("x.pcap").toString()));
    }

    @Test
    void scanWorkloadIsOneUnansweredSynPerConnection() throws Exception {
        String file = dir.resolve("scan.pcap").toString();
        assertTrue(run("bench", "generate", "--workload", "scan", "--connections", "40", "-o", file)
                .contains("40 packets, 40 connections"));
        CliRun r = CliRun.of("analyze", "--summary", "--color", "never", file);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("40 sessions in 40 frames"), r.out());
        assertTrue(r.out().contains("most frequent findings: no-answer (40)"), r.out());
    }

    @Test
    void shortImapWorkloadIsTenPacketSessionsThatEndWell() throws Exception {
        String file = dir.resolve("short.pcap").toString();
        assertTrue(run("bench", "generate", "--workload", "imap-short", "--connections", "25", "-o", file)
                .contains("250 packets, 25 connections"));
        CliRun r = CliRun.of("analyze", "--summary", "--color", "never", file);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("25 sessions in 250 frames"), r.out());
        assertTrue(r.out().contains("outcomes: ok 25"), r.out());
    }

    @Test
    void longWorkloadNeedsAPacketCount() {
        assertEquals(Main.EXIT_USAGE, Main.run("bench", "generate", "--connections", "5", "-o", dir.resolve("x.pcap").toString()));
        assertEquals(Main.EXIT_USAGE, Main.run("bench", "generate", "--workload", "flood", "--connections", "5", "-o",
                dir.resolve("x.pcap").toString()));
    }

    @Test
    void endToEndRunsEachAnalyzeAsItsOwnProcessWithItsPeakMemory() throws Exception {
        String file = tinyCapture("pcap");
        String json = run("bench", "e2e", file, "--runs", "2", "--no-tools", "--quiet", "--json");
        JsonNode root = new ObjectMapper().readTree(json);
        assertEquals(1500, root.get("packets").asLong());
        int cores = Runtime.getRuntime().availableProcessors();
        java.util.List<String> expected = new java.util.ArrayList<>(java.util.List.of("mailscope analyze",
                "mailscope analyze --json", "mailscope analyze --summary", "mailscope analyze --threads 1",
                "mailscope analyze --threads 2"));
        if (cores > 2) {
            expected.add("mailscope analyze --threads " + cores);
        }
        // the floor: the same start-up and reading, with no analysis, as fresh processes too
        expected.add("mailscope bench read");
        expected.add("mailscope bench read --decode");
        assertEquals(expected.size(), root.get("commands").size());
        // the speed-up with 1, 2 and all cores, and its extrapolation to more
        JsonNode scaling = root.get("threadScaling").get(0);
        assertEquals("mailscope analyze", scaling.get("command").asText());
        assertEquals(1.0, scaling.get("speedup").get("1").asDouble(), 1e-9);
        assertTrue(scaling.get("speedup").get("2").asDouble() > 0, scaling.toString());
        assertTrue(scaling.get("extrapolatedSpeedup").get("16").asDouble() >= 1, scaling.toString());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode c = root.get("commands").get(i);
            assertEquals(expected.get(i), c.get("command").asText());
            assertEquals(2, c.get("allSeconds").size(), c.toString());
            assertTrue(c.get("medianSeconds").asDouble() > 0.05, "a JVM cannot start in 50 ms: " + c);
            // a fresh JVM's resident memory: more than 20 MiB, and measured (not -1)
            assertTrue(c.get("medianPeakRssBytes").asLong() > 20L << 20, c.toString());
            assertTrue(c.get("medianCpuSeconds").asDouble() > 0.05, c.toString());
        }
    }

    @Test
    void endToEndWithoutTheFloorRunsOnlyAnalyze() throws Exception {
        String file = tinyCapture("pcap");
        String json = run("bench", "e2e", file, "--runs", "1", "--no-tools", "--no-floor", "--quiet", "--json",
                "--variant", "--summary");
        JsonNode commands = new ObjectMapper().readTree(json).get("commands");
        assertEquals(1, commands.size(), commands.toString());
        assertEquals("mailscope analyze --summary", commands.get(0).get("command").asText());
    }

    @Test
    void readCountsFramesAndWithDecodeTheTcpSegmentsUnderThem() throws Exception {
        String file = tinyCapture("pcapng");
        String read = run("bench", "read", file);
        assertTrue(read.startsWith("1500 frames, "), read);
        assertTrue(!read.contains("segments"), read);
        String decoded = run("bench", "read", "--decode", file);
        assertTrue(decoded.startsWith("1500 frames, "), decoded);
        assertTrue(decoded.contains(", 1500 TCP segments, "), decoded); // the generator writes TCP only
    }

    @Test
    void readIsHiddenFromTheBenchHelp() {
        String help = run("bench", "--help");
        assertTrue(help.contains("e2e"), help);
        assertTrue(!help.contains("read  "), help);
    }

    @Test
    void endToEndSaysWhenACommandFails() throws Exception {
        String file = dir.resolve("not-a-capture.pcap").toString();
        java.nio.file.Files.writeString(dir.resolve("not-a-capture.pcap"), "hello");
        assertEquals(Main.EXIT_USAGE, Main.run("bench", "e2e", file, "--runs", "1", "--no-tools", "--quiet"));
    }
}
