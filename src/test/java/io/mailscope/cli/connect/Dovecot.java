package io.mailscope.cli.connect;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A private dovecot on loopback for the tests, as src/test/scripts/record/lib.sh runs one: its own configuration,
 * user alice / secret, LOGINDISABLED before TLS (disable_plaintext_auth), a plaintext port with STARTTLS and an
 * implicit TLS port, on free ports. Started by the test, stopped by {@link #close}. Tests using it are skipped,
 * saying why, when dovecot is not installed (.ci/run installs dovecot-imapd) or the tests do not run as root.
 */
final class Dovecot implements AutoCloseable {
    private final Path dir;
    private final Path conf;
    /**
     * Where it listens. Not 127.0.0.1: dovecot takes a client whose address equals its own for a secure one (no
     * LOGINDISABLED, plaintext LOGIN allowed; lab notes), and clients on loopback come from 127.0.0.1.
     */
    static final String HOST = "127.0.0.2";
    final int imapPort;
    final int imapsPort;

    private Dovecot(Path dir, Path conf, int imapPort, int imapsPort) {
        this.dir = dir;
        this.conf = conf;
        this.imapPort = imapPort;
        this.imapsPort = imapsPort;
    }

    /** Skips the calling test (with the reason) unless dovecot can run here. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/dovecot")),
                "dovecot is not installed (apt-get install dovecot-imapd, as .ci/run does): skipping the dovecot stories");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "dovecot needs root to start its login processes as dovenull: skipping the dovecot stories");
    }

    /** Starts dovecot with the server certificate {@code cert}. */
    static Dovecot start(TestPki.Issued cert) throws Exception {
        return start(cert, freePort(), freePort());
    }

    /** On the given ports (143 and 993 to show the standard ones in docs/connect.md). */
    static Dovecot start(TestPki.Issued cert, int imap, int imaps) throws Exception {
        assumeAvailable();
        Path dir = Files.createTempDirectory("mailscope-dovecot");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path run = Files.createDirectories(dir.resolve("run"));
        Path mail = Files.createDirectories(dir.resolve("mail/alice/Maildir"));
        cert.writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        Files.writeString(dir.resolve("passwd"), "alice:{PLAIN}secret:1000:1000::" + dir.resolve("mail/alice") + "\n");
        run(new ProcessBuilder("chown", "-R", "1000:1000", dir.resolve("mail").toString()));
        Path conf = dir.resolve("dovecot.conf");
        Files.writeString(conf, String.join("\n",
                "base_dir = " + run,
                "log_path = " + dir.resolve("dovecot.log"),
                "info_log_path = " + dir.resolve("dovecot.log"),
                "protocols = imap",
                "listen = " + HOST,
                "default_internal_user = dovecot",
                "default_login_user = dovenull",
                "first_valid_uid = 1000",
                "auth_mechanisms = plain login",
                "disable_plaintext_auth = yes",
                "ssl = yes",
                "ssl_cert = <" + dir.resolve("server.pem"),
                "ssl_key = <" + dir.resolve("server.key"),
                "mail_location = maildir:~/Maildir",
                "passdb {", "  driver = passwd-file", "  args = scheme=PLAIN username_format=%u " + dir.resolve("passwd"), "}",
                "userdb {", "  driver = passwd-file", "  args = username_format=%u " + dir.resolve("passwd"), "}",
                "service imap-login {",
                "  inet_listener imap {", "    port = " + imap, "  }",
                "  inet_listener imaps {", "    port = " + imaps, "    ssl = yes", "  }",
                "}", ""));
        Dovecot d = new Dovecot(dir, conf, imap, imaps);
        int rc = run(new ProcessBuilder("/usr/sbin/dovecot", "-c", conf.toString()));
        if (rc != 0) {
            String log = Files.exists(dir.resolve("dovecot.log")) ? Files.readString(dir.resolve("dovecot.log")) : "";
            d.close();
            throw new IllegalStateException("dovecot did not start (exit " + rc + "): " + log);
        }
        d.awaitListening(imap);
        d.awaitListening(imaps);
        return d;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void awaitListening(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket s = new Socket(HOST, port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("dovecot does not listen on " + port);
    }

    private static int run(ProcessBuilder pb) throws IOException, InterruptedException {
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    String log() throws IOException {
        Path log = dir.resolve("dovecot.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (System.getenv("MAILSCOPE_KEEP_DOVECOT_LOG") != null) {
            System.err.println(log());
        }
        Path pidFile = dir.resolve("run/master.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy();
                h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
            });
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
