package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The files of a rotated capture, given in order, are one run: a connection that spans them is one connection. */
class RotatedCaptureTest {
    @Test
    void aConnectionSpanningTwoFilesIsOneSessionAsInTheWholeCapture() throws IOException {
        CliRun whole = CliRun.of("analyze", "--json", "--imap-port", "10143", "src/test/resources/captures/login-before-starttls.pcap");
        CliRun parts = CliRun.of("analyze", "--json", "--imap-port", "10143",
                "src/test/resources/rotated/login-before-starttls-1.pcap", "src/test/resources/rotated/login-before-starttls-2.pcap");
        List<JsonNode> w = AnalyzeCommandTest.jsonLines(whole.out());
        List<JsonNode> p = AnalyzeCommandTest.jsonLines(parts.out());
        assertEquals(2, p.size(), "one session and the summary");
        JsonNode ws = w.get(0);
        JsonNode ps = p.get(0);
        for (String field : List.of("client", "server", "outcome", "protocol_path", "first_speaker", "findings", "timeline")) {
            assertEquals(ws.get(field), ps.get(field), field);
        }
        assertEquals(ws.get("tcp"), ps.get("tcp"));
        assertEquals(14, p.get(1).get("frames").asInt());
    }
}
