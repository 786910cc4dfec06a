package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The analyze command as a user and a script see it: output, JSON contract, exit codes, bad input. */
class AnalyzeCommandTest {
    static final String CAPTURES = "src/test/resources/captures/";
    static final ObjectMapper JSON = new ObjectMapper();

    static List<JsonNode> jsonLines(String out) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void jsonHasOneObjectPerConnectionThenASummary() throws IOException {
        CliRun r = CliRun.of("analyze", "--json", "--imap-port", "10143", CAPTURES + "login-before-starttls.pcap");
        assertEquals(0, r.exitCode(), r.err());
        List<JsonNode> lines = jsonLines(r.out());
        assertEquals(2, lines.size());
        JsonNode s = lines.get(0);
        assertEquals("session", s.get("type").asText());
        assertEquals(1, s.get("id").asInt());
        assertEquals("127.0.0.2", s.get("client").asText().split(":")[0]);
        assertEquals("127.0.0.1:10143", s.get("server").asText());
        for (String field : List.of("start", "end", "first_speaker", "transport", "outcome", "findings", "timeline")) {
            assertTrue(s.has(field), "session has " + field);
        }
        JsonNode tcp = s.get("tcp");
        for (String field : List.of("history", "state", "client_bytes", "server_bytes", "client_packets", "server_packets", "gaps")) {
            assertTrue(tcp.has(field), "tcp has " + field);
        }
        assertEquals("SF", tcp.get("state").asText());
        assertEquals("server", s.get("first_speaker").asText());
        assertEquals("plain", s.get("transport").asText());
        assertEquals("refused", s.get("outcome").asText());
        JsonNode finding = s.get("findings").get(0);
        assertEquals("login-before-starttls", finding.get("code").asText());
        for (String field : List.of("severity", "summary", "explanation", "fix", "frames")) {
            assertTrue(finding.has(field), "finding has " + field);
        }
        assertEquals("summary", lines.get(1).get("type").asText());
        assertEquals(1, lines.get(1).get("sessions").asInt());
    }

    @Test
    void ipv6EndpointsAreBracketed() throws IOException {
        CliRun r = CliRun.of("analyze", "--json", CAPTURES + "ipv6-imaps-ok.pcap");
        JsonNode s = jsonLines(r.out()).get(0);
        assertTrue(s.get("server").asText().startsWith("[::1]:"), s.get("server").asText());
        JsonNode hello = s.get("tls").get("client_hello");
        assertEquals("TLS 1.3", s.get("tls").get("server_hello").get("version").asText());
        assertTrue(hello.get("supported_versions").toString().contains("TLS 1.3"));
        assertFalse(hello.get("ja3").asText().isEmpty());
        assertTrue(hello.get("ja4").asText().startsWith("t13"));
    }

    @Test
    void aHelloTheSnaplenCutIsPartialInJsonWithoutFingerprints() throws IOException {
        CliRun r = CliRun.of("analyze", "--json", "--imaps-port", "10993", CAPTURES + "snaplen/tls12-s300.pcap");
        JsonNode tls = jsonLines(r.out()).get(0).get("tls");
        JsonNode hello = tls.get("client_hello");
        assertTrue(hello.get("partial").asBoolean());
        assertEquals(223, hello.get("cut").get("captured_bytes").asInt());
        assertEquals(314, hello.get("cut").get("length").asInt());
        assertEquals("extension signature_algorithms", hello.get("cut").get("in").asText());
        assertEquals("mail.example.test", hello.get("sni").asText());
        assertTrue(hello.get("ja3").isNull());
        assertTrue(hello.get("ja3_string").isNull());
        assertTrue(hello.get("ja4").isNull());
        JsonNode server = tls.get("server_hello");
        assertFalse(server.get("partial").asBoolean());
        assertTrue(server.get("cut").isNull());
        assertFalse(server.get("ja3s").asText().isEmpty());
        assertTrue(tls.get("certificates_partial").asBoolean());
        assertEquals(0, tls.get("certificates").size());
        assertTrue(jsonLines(r.out()).get(0).get("timeline").toString()
                .contains("ClientHello (partial: cut at byte 223 of 314, in extension signature_algorithms)"));
        // a whole capture: not partial, no cut, fingerprints
        JsonNode whole = jsonLines(CliRun.of("analyze", "--json", "--imaps-port", "10993",
                CAPTURES + "snaplen/tls12-s300-full.pcap").out()).get(0).get("tls");
        assertFalse(whole.get("client_hello").get("partial").asBoolean());
        assertTrue(whole.get("client_hello").get("cut").isNull());
        assertFalse(whole.get("certificates_partial").asBoolean());
        // the text report says why there is no fingerprint
        String text = CliRun.of("analyze", "--color", "never", "--imaps-port", "10993", CAPTURES + "snaplen/tls12-s300.pcap").out();
        assertTrue(text.contains("JA3/JA4 not computed: ClientHello cut at byte 223 of 314, in extension signature_algorithms"), text);
    }

    @Test
    void textReportShowsLadderFindingsAndSummary() {
        CliRun r = CliRun.of("analyze", "--color", "never", "--imaps-port", "10993", CAPTURES + "implicit-tls-mutual-wait.pcap");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("STALLED"), r.out());
        assertTrue(r.out().contains("SYN-ACK"), r.out());
        assertTrue(r.out().contains("of silence, neither side sent a byte"), r.out());
        assertTrue(r.out().contains("implicit-tls-mutual-wait"), r.out());
        assertTrue(r.out().contains("Summary: 1 session"), r.out());
        assertFalse(r.out().contains("\u001b["), "no color when asked for none");
    }

    @Test
    void severalFilesAreOneRunWithContinuingFrameNumbers() throws IOException {
        CliRun r = CliRun.of("analyze", "--json", CAPTURES + "connection-refused.pcap", CAPTURES + "no-greeting.pcap");
        List<JsonNode> lines = jsonLines(r.out());
        assertEquals(3, lines.size());
        assertEquals(2, lines.get(2).get("files").size());
        assertTrue(lines.get(1).get("tcp").get("first_frame").asLong() > lines.get(0).get("tcp").get("last_frame").asLong());
    }

    @Test
    void dashReadsStandardInput() throws IOException {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(Files.readAllBytes(Path.of(CAPTURES + "no-greeting.pcap"))));
            CliRun r = CliRun.of("analyze", "--json", "-");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals("session", jsonLines(r.out()).get(0).get("type").asText());
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void truncatedCaptureReportsWhatItReadAndExitsOne(@TempDir Path dir) throws IOException {
        byte[] whole = Files.readAllBytes(Path.of(CAPTURES + "login-before-starttls.pcap"));
        Path cut = dir.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 7));
        CliRun r = CliRun.of("analyze", "--json", cut.toString());
        assertEquals(Main.EXIT_PARTIAL, r.exitCode());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains("cut.pcap") && r.err().contains("frame") && r.err().contains("offset"), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        List<JsonNode> lines = jsonLines(r.out());
        assertEquals("session", lines.get(0).get("type").asText(), "the session before the fault is still reported");
        assertEquals(1, lines.get(lines.size() - 1).get("errors").size());
    }

    @Test
    void notACaptureIsAUsageErrorWithOneLine(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is not a capture\n");
        CliRun r = CliRun.of("analyze", text.toString());
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("notes.txt"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void missingFileIsAUsageError() {
        CliRun r = CliRun.of("analyze", "/nonexistent/x.pcap");
        assertEquals(Main.EXIT_USAGE, r.exitCode());
        assertTrue(r.err().contains("/nonexistent/x.pcap"), r.err());
    }

    @Test
    void filtersSelectSessions() throws IOException {
        CliRun r = CliRun.of("analyze", "--json", "--only-failed", CAPTURES + "imaps-ok-python.pcap", CAPTURES + "no-greeting.pcap");
        List<JsonNode> lines = jsonLines(r.out());
        assertEquals(2, lines.size(), "only the failed session, then the summary");
        assertEquals("stalled", lines.get(0).get("outcome").asText());
        assertEquals(2, lines.get(1).get("sessions").asInt());
        assertEquals(1, lines.get(1).get("sessions_shown").asInt());
        CliRun bySession = CliRun.of("analyze", "--json", "--session", "2", CAPTURES + "imaps-ok-python.pcap", CAPTURES + "no-greeting.pcap");
        assertEquals(2, jsonLines(bySession.out()).get(0).get("id").asInt());
    }

    @Test
    void explainPrintsOnlyFindingsOfFailingSessions() {
        CliRun r = CliRun.of("explain", "--color", "never", "--imap-port", "10143",
                CAPTURES + "starttls-ok-python.pcap", CAPTURES + "plaintext-after-starttls.pcap");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("plaintext-after-starttls"), r.out());
        assertFalse(r.out().contains("SYN-ACK"), "no ladder in explain");
        assertFalse(r.out().contains("#1 "), "the healthy session is not shown");
    }

    @Test
    void helpAndVersion() {
        assertEquals(0, CliRun.of("--help").exitCode());
        CliRun v = CliRun.of("--version");
        assertEquals(0, v.exitCode());
        assertTrue(v.out().startsWith("mailscope "), v.out());
        assertEquals(Main.EXIT_USAGE, CliRun.of("analyze", "--no-such-option", "x").exitCode());
    }

    @Test
    void bpfFilterKeepsOnlyMatchingFramesAndTheirNumbers() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.mailscope.capture.live.LiveTestSupport.libpcapLoads(),
                io.mailscope.capture.live.LiveTestSupport.NO_LIBPCAP);
        CliRun all = CliRun.of("analyze", "--json", CAPTURES + "connection-refused.pcap", CAPTURES + "no-greeting.pcap");
        List<JsonNode> allLines = jsonLines(all.out());
        long port = Long.parseLong(allLines.get(1).get("client").asText().replaceAll(".*:", ""));
        CliRun some = CliRun.of("analyze", "--json", "--filter", "tcp port " + port,
                CAPTURES + "connection-refused.pcap", CAPTURES + "no-greeting.pcap");
        List<JsonNode> lines = jsonLines(some.out());
        assertEquals(2, lines.size(), some.out());
        assertEquals(allLines.get(1).get("tcp").get("first_frame"), lines.get(0).get("tcp").get("first_frame"),
                "frame numbers are those of the whole capture");
        CliRun bad = CliRun.of("analyze", "--filter", "tcp prot 143", CAPTURES + "no-greeting.pcap");
        assertEquals(Main.EXIT_USAGE, bad.exitCode());
        assertTrue(bad.err().contains("bad filter"), bad.err());
        assertFalse(bad.err().contains("\tat "), bad.err());
    }

    @Test
    void afterAHelloRetryRequestServerHelloIsTheRealOneAndHandshakesListBoth() throws IOException {
        JsonNode tls = jsonLines(CliRun.of("analyze", "--json", "--imaps-port", "10993", CAPTURES + "tls13-hello-retry.pcap").out())
                .get(0).get("tls");
        assertFalse(tls.get("server_hello").get("hello_retry_request").asBoolean(), tls.toString());
        assertEquals("TLS 1.3", tls.get("server_hello").get("version").asText());
        assertEquals(2, tls.get("handshakes").size());
        assertTrue(tls.get("handshakes").get(0).get("server_hello").get("hello_retry_request").asBoolean());
    }

    @Test
    void nonsensicalOptionValuesAreUsageErrors() {
        for (String[] bad : new String[][] {{"--imap-port", "70000"}, {"--max-buffer", "-1"}, {"--max-connections", "0"}, {"--idle-timeout", "-1"}}) {
            CliRun r = CliRun.of("analyze", bad[0], bad[1], CAPTURES + "no-greeting.pcap");
            assertEquals(Main.EXIT_USAGE, r.exitCode(), String.join(" ", bad));
            assertTrue(r.err().startsWith("mailscope: ") && !r.err().contains("\tat "), r.err());
        }
    }
}
