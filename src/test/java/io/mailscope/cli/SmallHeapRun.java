package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
        return run(HEAP, capture, exitOnOom, options);
    }

    /** As {@link #run(Consumer, boolean, String...)} with another heap option (e.g. "-Xmx16m"). */
    static SmallHeapRun run(String heap, Consumer<PcapStream> capture, boolean exitOnOom, String... options) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, heap));
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

    /** Keeps at most this much of the child's output, then only the last 1 MiB (enough for the summary). */
    static final int KEPT_OUTPUT = 16 << 20;

    private static Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[1 << 16];
            byte[] tail = new byte[1 << 20];
            long total = 0;
            try (in) {
                for (int n; (n = in.read(buf)) > 0; total += n) {
                    if (to.size() + n <= KEPT_OUTPUT) {
                        to.write(buf, 0, n);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        tail[(int) ((total + i) % tail.length)] = buf[i];
                    }
                }
                if (total > KEPT_OUTPUT) {
                    // too much to keep: the last complete lines only, after a marker that is not JSON
                    to.reset();
                    to.writeBytes(OVERFLOW.getBytes(StandardCharsets.UTF_8));
                    for (long i = Math.max(0, total - tail.length); i < total; i++) {
                        to.write(tail[(int) (i % tail.length)]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "child-output");
        t.start();
        return t;
    }

    static final String OVERFLOW = "[output over " + KEPT_OUTPUT + " bytes: only its end is kept]\n";

    List<JsonNode> lines() throws IOException {
        assertFalse(out.startsWith(OVERFLOW), "the output was too large to keep: filter it (--session, --port)");
        List<JsonNode> lines = AnalyzeCommandTest.jsonLines(out);
        assertFalse(lines.isEmpty(), "no output; stderr: " + err);
        assertEquals("summary", lines.get(lines.size() - 1).get("type").asText(), "the last line is the summary");
        return lines;
    }

    JsonNode summary() throws IOException {
        String last = out.substring(out.lastIndexOf('\n', out.length() - 2) + 1);
        JsonNode summary = AnalyzeCommandTest.JSON.readTree(last);
        assertEquals("summary", summary.get("type").asText(), "the last line is the summary");
        return summary;
    }

    List<JsonNode> sessions() throws IOException {
        List<JsonNode> l = lines();
        return l.subList(0, l.size() - 1);
    }
}
