package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailscope.capture.live.LiveTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * `mailscope live` on the loopback interface while the test drives real traffic: a JDK server that greets like
 * IMAP, a JDK SSLServerSocket (implicit TLS), a client that connects to the TLS port and stays silent, and a
 * client that does a full TLS handshake. Needs libpcap and capture rights (CI runs as root); skipped otherwise.
 */
class LiveCommandTest {

    /** One thread (the capture thread analyzes, under a lock with the clock) and three workers (the sharded pipeline). */
    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(ints = {1, 3})
    @Timeout(90)
    void explainsSessionsAsTheyHappenAndWritesACaptureThatAnalyzeReadsTheSame(int threads, @TempDir Path dir) throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
        InetAddress lo = InetAddress.getLoopbackAddress();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (ServerSocket plain = new ServerSocket(0, 10, lo);
             SSLServerSocket tls = (SSLServerSocket) SelfSignedTls.server().getServerSocketFactory().createServerSocket(0, 10, lo)) {
            int plainPort = plain.getLocalPort();
            int tlsPort = tls.getLocalPort();
            pool.submit(() -> servePlainImap(plain));
            pool.submit(() -> serveTls(tls));
            Path written = dir.resolve("live.pcap");
            Path html = dir.resolve("live.html");
            CompletableFuture<CliRun> live = CompletableFuture.supplyAsync(() -> CliRun.of("live", "-i", "lo", "--json",
                    "--threads", String.valueOf(threads), "--imap-port", String.valueOf(plainPort), "--imaps-port", String.valueOf(tlsPort),
                    "--stall-after", "1", "--duration", "12s", "-w", written.toString(), "--html", html.toString()), pool);
            Thread.sleep(3000); // let the capture start (a JVM, libpcap and the handle)

            // The blank screen: connect to the implicit TLS port and say nothing.
            Socket silent = new Socket(lo, tlsPort);
            int silentPort = silent.getLocalPort();
            Thread.sleep(2500);
            silent.close();

            // A real TLS client: full handshake, one line each way.
            try (SSLSocket client = (SSLSocket) SelfSignedTls.trustingClient().getSocketFactory().createSocket(lo, tlsPort)) {
                client.startHandshake();
                client.getOutputStream().write("a1 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().flush();
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            }
            // A plaintext IMAP client.
            try (Socket client = new Socket(lo, plainPort)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                in.readLine();
                client.getOutputStream().write("a1 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
                in.readLine();
                in.readLine();
            }
            CliRun run = live.get(60, TimeUnit.SECONDS);
            assertEquals(0, run.exitCode(), run.err());
            List<JsonNode> lines = AnalyzeCommandTest.jsonLines(run.out());

            JsonNode silenceFinding = lines.stream()
                    .filter(l -> l.get("type").asText().equals("finding") && l.get("code").asText().equals("implicit-tls-mutual-wait"))
                    .findFirst().orElseThrow(() -> new AssertionError("no live silence finding in " + run.out()));
            assertTrue(silenceFinding.get("client").asText().endsWith(":" + silentPort), silenceFinding.toString());
            assertEquals("127.0.0.1:" + tlsPort, silenceFinding.get("server").asText());
            int findingIndex = lines.indexOf(silenceFinding);
            int sessionIndex = indexOfSession(lines, silentPort);
            assertTrue(findingIndex < sessionIndex, "the finding comes before the session ends");
            assertFalse(run.err().contains("one thread"), run.err());

            Map<String, String> liveSessions = sessionsByClient(lines);
            assertEquals(3, liveSessions.size(), run.out());
            String silentSession = liveSessions.get("127.0.0.1:" + silentPort);
            assertTrue(silentSession.startsWith("stalled|") && silentSession.endsWith("[implicit-tls-mutual-wait]"), liveSessions.toString());
            assertTrue(liveSessions.values().stream().anyMatch(v -> v.startsWith("ok|tls1.3")), liveSessions.toString());
            assertTrue(liveSessions.values().stream().anyMatch(v -> v.startsWith("ok|imap|")), liveSessions.toString());
            JsonNode capture = lines.stream().filter(l -> l.get("type").asText().equals("capture")).findFirst().orElseThrow();
            assertEquals("lo", capture.get("interface").asText());
            assertTrue(capture.get("frames").asLong() > 10);

            String page = java.nio.file.Files.readString(html);
            assertEquals(3, page.split("<details class=\"session ", -1).length - 1, "the HTML report has the three sessions too");

            CliRun again = CliRun.of("analyze", "--json", "--imap-port", String.valueOf(plainPort),
                    "--imaps-port", String.valueOf(tlsPort), written.toString());
            assertEquals(0, again.exitCode(), again.err());
            assertEquals(liveSessions, sessionsByClient(AnalyzeCommandTest.jsonLines(again.out())),
                    "analyze reads the -w capture back with the same results");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The text report with two workers: the opened line, the live finding and the session's paragraph of each
     * connection carry the same run-wide number, in that order, and connections are numbered in the order they opened.
     */
    @Test
    @Timeout(60)
    void twoWorkersNumberTheTextLinesOfEachSessionAlike() throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
        InetAddress lo = InetAddress.getLoopbackAddress();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (ServerSocket tls = new ServerSocket(0, 10, lo)) {
            int tlsPort = tls.getLocalPort();
            CompletableFuture<CliRun> live = CompletableFuture.supplyAsync(() -> CliRun.of("live", "-i", "lo", "--threads", "2",
                    "--color", "never", "--imaps-port", String.valueOf(tlsPort), "--filter", "tcp port " + tlsPort,
                    "--stall-after", "1", "--duration", "7s"), pool);
            Thread.sleep(2500);
            List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                silent.add(new Socket(lo, tlsPort));
                Thread.sleep(50);
            }
            Thread.sleep(1800);
            for (Socket s : silent) {
                s.close();
            }
            CliRun run = live.get(40, TimeUnit.SECONDS);
            assertEquals(0, run.exitCode(), run.err());
            String out = run.out();
            for (int i = 0; i < 4; i++) {
                String id = "#" + (i + 1);
                String client = "127.0.0.1:" + silent.get(i).getLocalPort();
                int opened = out.indexOf(id + " " + client + " -> 127.0.0.1:" + tlsPort + " (imaps) connection opened");
                int found = out.indexOf(id + " ERROR implicit-tls-mutual-wait");
                int paragraph = out.indexOf(id + " " + client + " -> 127.0.0.1:" + tlsPort + "  imaps");
                assertTrue(opened >= 0 && found > opened && paragraph > found,
                        id + " opened " + opened + ", finding " + found + ", paragraph " + paragraph + " in\n" + out);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void unknownInterfaceIsAClearErrorWithExitCodeTwo() {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        CliRun r = CliRun.of("live", "-i", "no-such-iface0", "--duration", "1s");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("no-such-iface0"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void defaultFilterCoversTheMailPorts() {
        AnalysisOptions o = new AnalysisOptions();
        o.imapsPorts.add(10993);
        assertEquals("tcp port 143 or tcp port 993 or tcp port 10993 or tcp port 110 or tcp port 995 or tcp port 25 or tcp port 587 or tcp port 465",
                LiveCommand.defaultFilter(o.roles()), "every mail role's ports, IMAP's first");
    }

    static int indexOfSession(List<JsonNode> lines, int clientPort) {
        for (int i = 0; i < lines.size(); i++) {
            JsonNode l = lines.get(i);
            if (l.get("type").asText().equals("session") && l.get("client").asText().endsWith(":" + clientPort)) {
                return i;
            }
        }
        throw new AssertionError("no session for client port " + clientPort);
    }

    /** client -> "outcome|protocol_path|finding codes", the comparable essence of each session. */
    static Map<String, String> sessionsByClient(List<JsonNode> lines) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode l : lines) {
            if (!l.get("type").asText().equals("session")) {
                continue;
            }
            List<String> codes = new ArrayList<>();
            l.get("findings").forEach(f -> codes.add(f.get("code").asText()));
            codes.sort(null);
            out.put(l.get("client").asText(), l.get("outcome").asText() + "|" + l.get("protocol_path").asText() + "|" + codes);
        }
        return out;
    }

    static void servePlainImap(ServerSocket server) {
        try {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write("* OK [CAPABILITY IMAP4rev1 STARTTLS] test server ready\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    String line = in.readLine();
                    if (line != null) {
                        String tag = line.split(" ")[0];
                        out.write(("* BYE logging out\r\n" + tag + " OK LOGOUT completed\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            }
        } catch (Exception closed) {
            // the test is over
        }
    }

    static void serveTls(ServerSocket server) {
        try {
            while (!server.isClosed()) {
                Socket s = server.accept();
                CompletableFuture.runAsync(() -> {
                    try (s) {
                        s.setSoTimeout(5000);
                        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                        String line = in.readLine();
                        if (line != null) {
                            s.getOutputStream().write("* BYE\r\n".getBytes(StandardCharsets.US_ASCII));
                            s.getOutputStream().flush();
                        }
                    } catch (Exception e) {
                        // silent clients time out; a handshake failure ends the connection
                    }
                });
            }
        } catch (Exception closed) {
            // the test is over
        }
    }

}
