package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailscope.capture.live.LiveTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLServerSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code live --keylog}: the key log does not exist when the capture starts; openssl s_client creates it and
 * appends its secrets while it connects; the session is decrypted and its refused login diagnosed.
 */
class LiveDecryptionTest {

    @Test
    @Timeout(90)
    void aKeyLogWrittenWhileCapturingDecryptsTheSession(@TempDir Path dir) throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
        assumeTrue(onPath("openssl"), "openssl is not installed");
        InetAddress lo = InetAddress.getLoopbackAddress();
        ExecutorService pool = Executors.newCachedThreadPool();
        Path keylog = dir.resolve("keys.log");
        try (SSLServerSocket tls = (SSLServerSocket) SelfSignedTls.server().getServerSocketFactory().createServerSocket(0, 10, lo)) {
            int port = tls.getLocalPort();
            pool.submit(() -> serveRefusingLogin(tls));
            CompletableFuture<CliRun> live = CompletableFuture.supplyAsync(() -> CliRun.of("live", "-i", "lo", "--json",
                    "--imaps-port", String.valueOf(port), "--duration", "10s", "--keylog", keylog.toString()), pool);
            Thread.sleep(3000); // let the capture start
            Process client = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-crlf",
                    "-ign_eof", "-quiet", "-keylogfile", keylog.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (Writer in = new java.io.OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII)) {
                Thread.sleep(700);
                in.write("a1 LOGIN alice wrongpass\n");
                in.flush();
                Thread.sleep(500);
                in.write("a2 LOGOUT\n");
                in.flush();
                Thread.sleep(700);
            }
            assertTrue(client.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Files.size(keylog) > 0, "the client wrote its key log");
            CliRun run = live.get(60, TimeUnit.SECONDS);
            assertEquals(0, run.exitCode(), run.err());
            List<JsonNode> sessions = AnalyzeCommandTest.jsonLines(run.out()).stream()
                    .filter(l -> l.get("type").asText().equals("session")).toList();
            assertEquals(1, sessions.size(), run.out());
            JsonNode s = sessions.get(0);
            assertTrue(s.get("tls").get("decrypted").asBoolean(), s.toString());
            assertTrue(s.get("tls").get("decryption_error").isNull(), s.toString());
            assertEquals("authentication-failed", s.get("findings").get(0).get("code").asText(), s.toString());
            assertFalse(run.out().contains("wrongpass"), "redacted");
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** An IMAPS server that greets, refuses every LOGIN and answers LOGOUT. */
    private static void serveRefusingLogin(SSLServerSocket server) {
        try {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(8000);
                    OutputStream out = s.getOutputStream();
                    out.write("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] test server ready\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    String line;
                    while ((line = in.readLine()) != null) {
                        String tag = line.split(" ")[0];
                        if (line.toUpperCase().contains("LOGOUT")) {
                            out.write(("* BYE logging out\r\n" + tag + " OK LOGOUT completed\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            break;
                        }
                        out.write((tag + " NO [AUTHENTICATIONFAILED] Authentication failed.\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (Exception e) {
                    // next client
                }
            }
        } catch (Exception closed) {
            // the test is over
        }
    }
}
