package io.mailscope.cli.connect;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key log connect writes decrypts a capture of the same session: tcpdump records it on loopback, tshark reads
 * the IMAP inside TLS with the key log (skipped, saying why, without tcpdump, tshark or root).
 */
class ConnectKeyLogTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void tsharkDecryptsATcpdumpCaptureWithTheKeyLog(String version) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "tcpdump is not installed: skipping the key log decryption test");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed: skipping the key log decryption test");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "capturing on lo needs root: skipping the key log decryption test");
        Tmux.assumeWorkingDevNull();
        TestPki pki = new TestPki();
        Path ca = pki.writeCa(dir);
        Path pcap = dir.resolve("session.pcap");
        Path keylog = dir.resolve("keys.log");
        try (JdkImapServer server = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP, version)) {
            int port = server.port();
            Process tcpdump = new ProcessBuilder("tcpdump", "-i", "lo", "--immediate-mode", "-U", "-w", pcap.toString(), "tcp port " + port)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("tcpdump.txt").toFile()).start();
            try {
                awaitListening(dir.resolve("tcpdump.txt"));
                ConnectRun r = ConnectRun.of("--tls", "--cafile", ca.toString(), "--sni", TestPki.NAME, "--write-keylog", keylog.toString(),
                        "127.0.0.1", String.valueOf(port), "--command", "LOGIN alice secret", "--command", "a9 SELECT INBOX", "--command", "LOGOUT");
                assertEquals(0, r.exitCode(), r::toString);
                Thread.sleep(1_000); // the last packets reach tcpdump
            } finally {
                tcpdump.destroy();
                tcpdump.waitFor(10, TimeUnit.SECONDS);
            }
            String keys = Files.readString(keylog);
            List<String> labels = keys.lines().map(l -> l.split(" ")[0]).toList();
            assertEquals(version.equals("TLSv1.3")
                    ? List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "SERVER_TRAFFIC_SECRET_0")
                    : List.of("CLIENT_RANDOM"), labels, keys);
            String decrypted = tshark(pcap, keylog, port);
            assertTrue(decrypted.contains("a9 SELECT INBOX"), () -> "tshark did not decrypt the session:\n" + decrypted
                    + "\ncapture: " + summary(pcap) + "\nkey log:\n" + keys);
            String without = tshark(pcap, dir.resolve("no-such-keylog"), port);
            assertTrue(!without.contains("a9 SELECT INBOX"), "the capture alone must not show the IMAP");
        }
    }

    private static void awaitListening(Path tcpdumpOutput) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(tcpdumpOutput) && Files.readString(tcpdumpOutput).contains("listening on")) {
                Thread.sleep(200);
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("tcpdump did not start: " + (Files.exists(tcpdumpOutput) ? Files.readString(tcpdumpOutput) : ""));
    }

    private static String summary(Path pcap) {
        try {
            Process p = new ProcessBuilder("tshark", "-r", pcap.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(60, TimeUnit.SECONDS);
            return out;
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    /** The IMAP lines tshark finds in the capture, decrypting with {@code keylog}. */
    private static String tshark(Path pcap, Path keylog, int port) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-o", "tls.keylog_file:" + keylog,
                "-d", "tcp.port==" + port + ",tls", "-d", "tls.port==" + port + ",imap", "-Y", "imap", "-T", "fields", "-e", "imap.line"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }
}
