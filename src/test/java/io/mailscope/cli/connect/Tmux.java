package io.mailscope.cli.connect;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A terminal a test can type into and read, as a person would use mailscope: a private tmux server (its own
 * socket) running one command in a pane of a fixed size; {@link #type} is send-keys, {@link #screen} capture-pane.
 * Tests skip, saying why, when tmux is missing or cannot start here.
 */
final class Tmux implements AutoCloseable {
    private final String socket = "mailscope-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    private Tmux() {
    }

    /** Starts {@code command} in a 160x50 pane. */
    static Tmux run(List<String> command) throws Exception {
        assumeWorkingDevNull();
        Tmux t = new Tmux();
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", "main", "-x", "160", "-y", "50"));
        args.add(String.join(" ", command.stream().map(Tmux::quote).toList()) + "; sleep 600");
        int rc;
        try {
            rc = t.tmux(args).exit;
        } catch (IOException e) {
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0, "tmux is not installed or cannot start a server here: skipping the terminal test");
        return t;
    }

    /**
     * tmux (daemon(3)) and tshark need /dev/null to be the device; on a machine where something replaced it with a
     * plain file they fail in ways that say nothing, so the tests say it instead.
     */
    static void assumeWorkingDevNull() {
        Assumptions.assumeFalse(java.nio.file.Files.isRegularFile(Path.of("/dev/null")),
                "/dev/null is a plain file on this machine, not the null device: tmux and tshark cannot work, skipping");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Keys as tmux names them: text, "Enter", "Left", "Up", "C-d"... */
    void type(String... keys) throws Exception {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", "main"));
        args.addAll(List.of(keys));
        tmux(args);
    }

    /** The visible screen, as text (colors dropped). */
    String screen() throws Exception {
        return tmux(List.of("capture-pane", "-p", "-t", "main", "-S", "-200")).out;
    }

    /** Waits until the screen shows {@code text}; returns the screen (fails the test after {@code seconds}). */
    String await(String text, double seconds) throws Exception {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        String screen = screen();
        while (!screen.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            screen = screen();
        }
        if (!screen.contains(text)) {
            throw new AssertionError("the screen never showed \"" + text + "\":\n" + screen);
        }
        return screen;
    }

    private record Result(int exit, String out) {}

    private Result tmux(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TERM", "xterm-256color");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }

    /** The java command that runs mailscope from the test classpath. */
    static List<String> mailscope(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/sun.security.ssl=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.mailscope.cli.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public void close() throws Exception {
        tmux(List.of("kill-server"));
        Thread.sleep(200); // the server's last client may still be writing its lock file
        // tmux leaves its socket file behind: /tmp/tmux-UID/NAME (or under TMUX_TMPDIR)
        String base = System.getenv().getOrDefault("TMUX_TMPDIR", "/tmp");
        String me = String.valueOf(new com.sun.security.auth.module.UnixSystem().getUid());
        java.nio.file.Files.deleteIfExists(Path.of(base, "tmux-" + me, socket));
        java.nio.file.Files.deleteIfExists(Path.of(base, "tmux-" + me, socket + ".lock"));
    }
}
