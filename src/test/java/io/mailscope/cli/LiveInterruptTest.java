package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailscope.capture.live.LiveTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C (SIGINT) stops `mailscope live` cleanly: the session still open is reported, the -w file is complete,
 * and the summary with libpcap's counts is printed. Runs mailscope as a separate process and really sends SIGINT.
 */
class LiveInterruptTest {
    @Test
    @Timeout(60)
    void sigintReportsPendingSessionsAndLeavesACompleteCapture(@TempDir Path dir) throws Exception {
        assumeCapture();
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 10, lo)) {
            Path written = dir.resolve("interrupted.pcap");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process live = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "live", "-i", "lo", "--json", "--imaps-port", String.valueOf(server.getLocalPort()), "-w", written.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(live.getInputStream(), StandardCharsets.UTF_8));
            Thread.sleep(4000); // a fresh JVM, libpcap and the handle
            Socket client = new Socket(lo, server.getLocalPort()); // connects, and stays open until after the interrupt
            Socket accepted = server.accept();
            Thread.sleep(1000);
            new ProcessBuilder("kill", "-INT", String.valueOf(live.pid())).start().waitFor();
            assertTrue(live.waitFor(30, TimeUnit.SECONDS), "stops after SIGINT");
            StringBuilder all = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                all.append(line).append('\n');
            }
            client.close();
            accepted.close();
            List<JsonNode> lines = AnalyzeCommandTest.jsonLines(all.toString());
            assertTrue(lines.stream().anyMatch(l -> l.get("type").asText().equals("session")
                    && l.get("tcp").get("end_reason").asText().equals("capture_end")), "the open session is reported: " + all);
            assertTrue(lines.stream().anyMatch(l -> l.get("type").asText().equals("capture")), all.toString());
            assertEquals("summary", lines.get(lines.size() - 1).get("type").asText());
            CliRun again = CliRun.of("analyze", "--json", written.toString());
            assertEquals(0, again.exitCode(), "the -w file is complete: " + again.err());
            assertTrue(new File(written.toString()).length() > 24);
        }
    }

    private static void assumeCapture() {
        org.junit.jupiter.api.Assumptions.assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        org.junit.jupiter.api.Assumptions.assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE);
    }
}
