package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test helper: runs {@code mailscope analyze --json ... -} in a child JVM with a small heap, the capture generated
 * by a thread straight into its standard input (never on disk, never whole in memory). An OutOfMemoryError ends the
 * child at once (-XX:+ExitOnOutOfMemoryError) instead of leaving it limping.
 *
 * @param exitCode the child's exit code
 * @param out      its standard output
 * @param err      its standard error
 * @param frames   frames the generator wrote
 * @param millis   wall time
 */
record SmallHeapRun(int exitCode, String out, String err, long frames, long millis) {
    static final String HEAP = "-Xmx64m";

    static SmallHeapRun analyze(Consumer<PcapStream> capture, String... options) throws Exception {
        SmallHeapRun r = run(capture, true, options);
        assertEquals(0, r.exitCode(), "exit code (3: out of memory at " + HEAP + "): " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat ") || r.err().contains("OutOfMemory"), r.err());
        return r;
    }

    /** @param exitOnOom end the child at the first OutOfMemoryError (exit 3) rather than let mailscope handle it */
    static SmallHeapRun run(Consumer<PcapStream> capture, boolean exitOnOom, String... options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, HEAP));
        if (exitOnOom) {
            cmd.add("-XX:+ExitOnOutOfMemoryError");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "analyze", "--json"));
        cmd.addAll(List.of(options));
        cmd.add("-");
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = drain(p.getInputStream(), out);
        Thread errReader = drain(p.getErrorStream(), err);
        long[] frames = {0};
        Throwable[] generatorFailure = {null};
        Thread generator = new Thread(() -> {
            try (PcapStream pcap = new PcapStream(p.getOutputStream())) {
                capture.accept(pcap);
                frames[0] = pcap.frames();
            } catch (Throwable t) {
                generatorFailure[0] = t;
            }
        }, "pcap-generator");
        generator.start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        generator.join(10_000);
        outReader.join(10_000);
        errReader.join(10_000);
        SmallHeapRun r = new SmallHeapRun(done ? p.exitValue() : -1, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8), frames[0], (System.nanoTime() - started) / 1_000_000);
        assertTrue(done, "mailscope did not finish within 90 s: " + r.err());
        if (r.exitCode() == 0) {
            assertEquals(null, generatorFailure[0], "the generator wrote the whole capture (mailscope read all of it)");
        }
        return r;
    }

    private static Thread drain(InputStream in, OutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "child-output");
        t.start();
        return t;
    }

    List<JsonNode> lines() throws IOException {
        List<JsonNode> lines = AnalyzeCommandTest.jsonLines(out);
        assertFalse(lines.isEmpty(), "no output; stderr: " + err);
        assertEquals("summary", lines.get(lines.size() - 1).get("type").asText(), "the last line is the summary");
        return lines;
    }

    JsonNode summary() throws IOException {
        List<JsonNode> l = lines();
        return l.get(l.size() - 1);
    }

    List<JsonNode> sessions() throws IOException {
        List<JsonNode> l = lines();
        return l.subList(0, l.size() - 1);
    }
}
