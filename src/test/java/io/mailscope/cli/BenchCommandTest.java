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
}
