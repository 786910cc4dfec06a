package io.mailscope.cli;

import static io.mailscope.capture.live.HelperProcess.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailscope.capture.live.HelperBuild;
import io.mailscope.capture.live.HelperProcess;
import io.mailscope.capture.live.LiveTestSupport;
import io.mailscope.capture.live.UnprivilegedJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `mailscope live` as user nobody, in a JVM that holds no capability at all, capturing through a copy of
 * mailscope-capture that has the capture capability as the package gives it: the same real-time finding,
 * sessions and -w read-back as {@link LiveCommandTest}, the helper's counts in the capture summary, and the
 * helper's failures relayed as mailscope's one-line messages with exit code 2. Needs root to set this up.
 */
class LiveThroughHelperTest {
    @TempDir
    Path dir;

    private static Path helperOrSkip() {
        Path helper = HelperBuild.require(HelperBuild.PLAIN);
        assumeTrue(HelperBuild.isRoot() && LiveTestSupport.mayCapture(), "needs root to set file capabilities and switch to nobody");
        assumeTrue(HelperBuild.hasTool("setcap") && HelperBuild.hasTool("setpriv"), "setcap and setpriv are needed");
        return helper;
    }

    @Test
    @Timeout(120)
    void nobodyExplainsSessionsAsTheyHappenThroughTheHelperAndWritesTheSameCapture() throws Exception {
        Path helper = HelperBuild.copyForNobody(helperOrSkip(), Files.createDirectory(dir.resolve("bin")), true);
        String classpath = UnprivilegedJava.readableCopyOfClasspath(dir);
        Path out = UnprivilegedJava.writableDir(dir, "out");
        InetAddress lo = InetAddress.getLoopbackAddress();
        ExecutorService pool = Executors.newCachedThreadPool();
        try (ServerSocket plain = new ServerSocket(0, 10, lo);
             SSLServerSocket tls = (SSLServerSocket) SelfSignedTls.server().getServerSocketFactory().createServerSocket(0, 10, lo)) {
            int plainPort = plain.getLocalPort();
            int tlsPort = tls.getLocalPort();
            pool.submit(() -> LiveCommandTest.servePlainImap(plain));
            pool.submit(() -> LiveCommandTest.serveTls(tls));
            Path written = out.resolve("live.pcap");
            List<String> cmd = UnprivilegedJava.command(classpath, out, Main.class.getName(), List.of("live", "-i", "lo",
                    "--json", "--imap-port", String.valueOf(plainPort), "--imaps-port", String.valueOf(tlsPort),
                    "--stall-after", "1", "--duration", "10s", "-w", written.toString(),
                    "--capture-helper", helper.toString()));
            try (HelperProcess live = HelperProcess.start(cmd)) {
                live.awaitStderr("listening on lo", Duration.ofSeconds(60));
                assertTrue(live.stderr().contains("link-type ETHERNET (1), snapshot length 262144 bytes, filter 'tcp port 143 or "),
                        live.stderr());
                assertTrue(live.stderr().contains("through the capture helper " + helper), live.stderr());

                // Neither the JVM nor the helper it started holds any capability while capturing.
                String jvm = live.procStatus();
                assertEquals("0000000000000000", field(jvm, "CapEff"), jvm);
                assertEquals("0000000000000000", field(jvm, "CapPrm"), jvm);
                assertTrue(field(jvm, "Uid").startsWith("65534"), jvm);
                ProcessHandle child = ProcessHandle.of(live.pid()).orElseThrow().children()
                        .filter(c -> c.info().command().map(x -> x.endsWith("-cap")).orElse(false))
                        .findFirst().orElseThrow(() -> new AssertionError("no helper process under the JVM"));
                String helperStatus = Files.readString(Path.of("/proc", String.valueOf(child.pid()), "status"));
                assertEquals("0000000000000000", field(helperStatus, "CapEff"), helperStatus);
                assertEquals("0000000000000000", field(helperStatus, "CapPrm"), helperStatus);

                Socket silent = new Socket(lo, tlsPort);
                int silentPort = silent.getLocalPort();
                Thread.sleep(2500);
                silent.close();
                try (SSLSocket client = (SSLSocket) SelfSignedTls.trustingClient().getSocketFactory().createSocket(lo, tlsPort)) {
                    client.startHandshake();
                    client.getOutputStream().write("a1 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                }
                try (Socket client = new Socket(lo, plainPort)) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
                    in.readLine();
                    client.getOutputStream().write("a1 LOGOUT\r\n".getBytes(StandardCharsets.US_ASCII));
                    in.readLine();
                    in.readLine();
                }
                assertEquals(0, live.awaitExit(Duration.ofSeconds(60)), live.stderr());
                List<JsonNode> lines = AnalyzeCommandTest.jsonLines(new String(live.stdout(), StandardCharsets.UTF_8));

                JsonNode finding = lines.stream()
                        .filter(l -> l.get("type").asText().equals("finding") && l.get("code").asText().equals("implicit-tls-mutual-wait"))
                        .findFirst().orElseThrow(() -> new AssertionError("no live silence finding in " + lines));
                assertTrue(finding.get("client").asText().endsWith(":" + silentPort), finding.toString());
                assertTrue(lines.indexOf(finding) < LiveCommandTest.indexOfSession(lines, silentPort),
                        "the finding comes before the session ends");
                Map<String, String> sessions = LiveCommandTest.sessionsByClient(lines);
                assertEquals(3, sessions.size(), sessions.toString());
                assertTrue(sessions.get("127.0.0.1:" + silentPort).startsWith("stalled|"), sessions.toString());
                assertTrue(sessions.values().stream().anyMatch(v -> v.startsWith("ok|tls1.3")), sessions.toString());
                assertTrue(sessions.values().stream().anyMatch(v -> v.startsWith("ok|imap|")), sessions.toString());

                JsonNode capture = lines.stream().filter(l -> l.get("type").asText().equals("capture")).findFirst().orElseThrow();
                assertEquals("lo", capture.get("interface").asText());
                long frames = capture.get("frames").asLong();
                assertTrue(frames > 10, capture.toString());
                assertTrue(capture.get("received").asLong() >= frames, "libpcap's counts come from the helper: " + capture);
                assertEquals(0, capture.get("dropped").asLong(), capture.toString());

                CliRun again = CliRun.of("analyze", "--json", "--imap-port", String.valueOf(plainPort),
                        "--imaps-port", String.valueOf(tlsPort), written.toString());
                assertEquals(0, again.exitCode(), again.err());
                assertEquals(sessions, LiveCommandTest.sessionsByClient(AnalyzeCommandTest.jsonLines(again.out())),
                        "analyze reads the -w capture back with the same results");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(120)
    void theHelpersFailuresAreOneLineMessagesWithExitCode2() throws Exception {
        Path plainHelper = helperOrSkip();
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path noCap = HelperBuild.copyForNobody(plainHelper, bin, false);
        Path notForNobody = bin.resolve("mailscope-capture-0750");
        Files.copy(plainHelper, notForNobody);
        Files.setPosixFilePermissions(notForNobody, PosixFilePermissions.fromString("rwxr-x---"));
        String classpath = UnprivilegedJava.readableCopyOfClasspath(dir);
        Path tmp = UnprivilegedJava.writableDir(dir, "tmp");

        CliResult denied = runAsNobody(classpath, tmp, "live", "-i", "lo", "--capture-helper", noCap.toString());
        assertEquals(2, denied.exit(), denied.toString());
        assertTrue(denied.err().startsWith("mailscope: no permission to capture on lo (" + noCap
                + ": socket: Operation not permitted): the helper lacks the capture capability; members of group mailscope"),
                denied.err());
        assertTrue(denied.err().contains("sudo setcap cap_net_raw,cap_net_admin=eip " + noCap), denied.err());

        CliResult notMember = runAsNobody(classpath, tmp, "live", "-i", "lo", "--capture-helper", notForNobody.toString());
        assertEquals(2, notMember.exit(), notMember.toString());
        assertTrue(notMember.err().startsWith("mailscope: cannot run the capture helper " + notForNobody), notMember.err());
        assertTrue(notMember.err().contains("Permission denied") && notMember.err().contains("usermod -aG mailscope"),
                notMember.err());

        for (CliResult r : List.of(denied, notMember)) {
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    @Timeout(60)
    void countStopsItThroughTheHelperAndBadFiltersAndInterfacesAreTheUsualMessages() throws Exception {
        Path helper = HelperBuild.require(HelperBuild.PLAIN);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, lo)) {
            CompletableFuture<CliRun> live = CompletableFuture.supplyAsync(() -> CliRun.of("live", "-i", "lo",
                    "--filter", "tcp port " + server.getLocalPort(), "--count", "4", "--json",
                    "--capture-helper", helper.toString()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!live.isDone() && System.nanoTime() < deadline) {
                try (Socket s = new Socket(lo, server.getLocalPort()); Socket a = server.accept()) {
                    s.getOutputStream().write('x');
                }
                Thread.sleep(100);
            }
            CliRun run = live.get(30, TimeUnit.SECONDS);
            assertEquals(0, run.exitCode(), run.err());
            JsonNode capture = AnalyzeCommandTest.jsonLines(run.out()).stream()
                    .filter(l -> l.get("type").asText().equals("capture")).findFirst().orElseThrow();
            assertEquals(4, capture.get("frames").asLong(), capture.toString());
        }
        CliRun badFilter = CliRun.of("live", "-i", "lo", "--filter", "tcp prot 143", "--capture-helper", helper.toString());
        assertEquals(2, badFilter.exitCode());
        assertEquals("mailscope: bad capture filter 'tcp prot 143': can't parse filter expression: syntax error "
                + "(the filter uses tcpdump's syntax, e.g. 'tcp port 143 or tcp port 993')", badFilter.err().strip());
        CliRun noSuch = CliRun.of("live", "-i", "nosuch0", "--capture-helper", helper.toString());
        assertEquals(2, noSuch.exitCode());
        assertTrue(noSuch.err().startsWith("mailscope: no interface named 'nosuch0'; known interfaces: "), noSuch.err());
        assertTrue(noSuch.err().contains("lo"), noSuch.err());
    }

    @Test
    void interfacesListsThroughTheHelper() {
        Path helper = HelperBuild.require(HelperBuild.PLAIN);
        CliRun r = CliRun.of("interfaces", "--capture-helper", helper.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("lo  up, running, loopback  127.0.0.1/8")), r.out());
    }

    record CliResult(int exit, String out, String err) {
    }

    private static CliResult runAsNobody(String classpath, Path tmp, String... args) throws Exception {
        try (HelperProcess p = HelperProcess.start(UnprivilegedJava.command(classpath, tmp, Main.class.getName(), List.of(args)))) {
            int exit = p.awaitExit(Duration.ofSeconds(60));
            return new CliResult(exit, new String(p.stdout(), StandardCharsets.UTF_8), p.stderr());
        }
    }
}
