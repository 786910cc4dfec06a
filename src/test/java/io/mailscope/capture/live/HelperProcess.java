package io.mailscope.capture.live;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * mailscope-capture run by a test: standard output and error are collected on their own threads, so the test
 * can wait until the helper listens (its Interface Description Block has arrived), send it signals, and read
 * everything it wrote once it has exited.
 */
public final class HelperProcess implements AutoCloseable {
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outReader;
    private final Thread errReader;

    private HelperProcess(Process process) {
        this.process = process;
        this.outReader = drain(process.getInputStream(), out, "helper-stdout");
        this.errReader = drain(process.getErrorStream(), err, "helper-stderr");
    }

    public static HelperProcess start(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Process p = pb.start();
        p.getOutputStream().close();
        return new HelperProcess(p);
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream to, String name) {
        Thread t = new Thread(() -> {
            byte[] chunk = new byte[65536];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (to) {
                        to.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                // closed by the test (the SIGPIPE case) or the process is gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** Waits until the helper has written its section header and interface description: it is capturing. */
    public void awaitListening(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (describedInterface()) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("helper exited with " + process.exitValue() + " before listening: " + stderr());
            }
            Thread.sleep(20);
        }
        throw new AssertionError("helper did not start listening within " + timeout + ": " + stderr());
    }

    private boolean describedInterface() {
        byte[] b = stdout();
        if (b.length < 12) {
            return false;
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        int shbLength = bb.getInt(4);
        return b.length >= shbLength + 8 && bb.getInt(shbLength) == 1;
    }

    /** Waits until standard error contains the text (e.g. mailscope's "listening on" line). */
    public void awaitStderr(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stderr().contains(text)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' on stderr" + (process.isAlive() ? "" : " (exited with "
                        + process.exitValue() + ")") + ": " + stderr());
            }
            Thread.sleep(20);
        }
    }

    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
        kill.waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits for the exit, then for both streams to be read to their end. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("helper did not exit within " + timeout + "; stderr: " + stderr());
        }
        outReader.join(5000);
        errReader.join(5000);
        return process.exitValue();
    }

    public byte[] stdout() {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    public String stderr() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** /proc/PID/status of the running helper, as "Name: value" lines. */
    public String procStatus() throws IOException {
        return Files.readString(Path.of("/proc", String.valueOf(process.pid()), "status"));
    }

    /** One field of {@link #procStatus()}, e.g. "CapEff" → "0000000000000000". */
    public static String field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + name + " in " + status);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
