package io.mailscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON fields {@code tunnel}, {@code tunnel_endpoints} and {@code proxy} as docs/json.md spells them. */
class TunnelAndProxyJsonTest {
    static final String DIR = AnalyzeCommandTest.CAPTURES + "tunnels/";

    static JsonNode firstSession(String... args) throws Exception {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode() & ~1, r.err());
        return new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
    }

    @Test
    void nestedTunnelIsListedOutermostFirstWithTheEndpointsOfLayersOverIp() throws Exception {
        JsonNode s = firstSession("analyze", "--json", DIR + "nested-erspan-vxlan-qinq.pcap");
        assertEquals("[\"erspan:session=7\",\"vxlan:vni=4242\",\"qinq:300\",\"vlan:10\"]", s.get("tunnel").toString());
        assertEquals("[\"192.0.2.10 -> 192.0.2.20\",\"198.51.100.1 -> 198.51.100.2\"]",
                s.get("tunnel_endpoints").toString());
        assertTrue(s.get("proxy").isNull());
    }

    @Test
    void plainCaptureHasEmptyTunnelArraysAndNoProxy() throws Exception {
        JsonNode s = firstSession("analyze", "--json", AnalyzeCommandTest.CAPTURES + "imaps-ok-curl.pcap");
        assertEquals("[]", s.get("tunnel").toString());
        assertEquals("[]", s.get("tunnel_endpoints").toString());
        assertTrue(s.get("proxy").isNull());
    }

    @Test
    void proxyHopWithItsTargetAndResult() throws Exception {
        JsonNode ok = firstSession("analyze", "--json", "--imaps-port", "10993", DIR + "socks5-imaps.pcap");
        assertEquals("{\"type\":\"socks5\",\"target\":\"localhost:10993\",\"result\":\"ok\"}", ok.get("proxy").toString());
        assertEquals("imaps", ok.get("port_role").asText(), "judged by the target's port");
        JsonNode refused = firstSession("analyze", "--json", DIR + "http-connect-407.pcap");
        assertEquals("{\"type\":\"http-connect\",\"target\":\"localhost:10993\","
                + "\"result\":\"HTTP/1.0 407 Proxy Authentication Required\"}", refused.get("proxy").toString());
        assertEquals("proxy-refused", refused.get("findings").get(0).get("code").asText());
    }

    @Test
    void socksPasswordIsRedactedUnlessShowPasswords(@TempDir Path dir) throws Exception {
        String file = DIR + "socks5-login-starttls.pcap";
        Path html = dir.resolve("report.html");
        for (String[] args : new String[][] {{"analyze", file}, {"analyze", "--json", file},
                {"analyze", "--html=" + html, file}}) {
            CliRun r = CliRun.of(args);
            assertFalse(r.out().contains("proxypass"), String.join(" ", args) + " leaks the proxy password");
        }
        String report = Files.readString(html);
        assertTrue(report.contains("proxy"), "the HTML report shows the proxy hop");
        assertFalse(report.contains("proxypass"), "the HTML report leaks the proxy password");
        assertTrue(CliRun.of("analyze", "--json", file).out().contains("user proxyuser, password ***"));
        assertTrue(CliRun.of("analyze", "--json", "--show-passwords", file).out().contains("password proxypass"));
    }

    @Test
    void textAndHtmlShowTheTunnelUnderTheSessionHeader(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("tunnel.html");
        CliRun r = CliRun.of("analyze", "--html=" + html, DIR + "gtpu-vlan-imaps.pcap");
        assertTrue(r.out().contains("    tunnel: vlan:30 / gtpu:teid=4097 (192.0.2.10 -> 192.0.2.20)\n"), r.out());
        assertTrue(Files.readString(html).contains("<dt>tunnel</dt><dd class=\"mono\">vlan:30 / gtpu:teid=4097 "
                + "(192.0.2.10 -&gt; 192.0.2.20)"), "HTML shows the tunnel");
    }
}
