package io.mailscope.cli;

import static io.mailscope.cli.PcapStream.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/** Memory stays bounded with tunnels: what a connection keeps of its tunnel is made once, and connections are capped. */
class TunnelMemoryTest {
    static final int SERVER = ip(10, 0, 0, 2);

    /** With one thread (today's path) and with two analysis workers, whose memory bounds hold together. */
    @ParameterizedTest(name = "--threads {0}")
    @ValueSource(ints = {1, 2})
    @Timeout(120)
    void hundredThousandVxlanConnectionsInASmallHeap(int threads) throws Exception {
        // 100 tenants (VNI 1..100) each open the same 1,000 inner 4-tuples at once, and none closes: 100,000
        // connections that only the tunnel tells apart, in a 64 MB heap.
        int tenants = 100;
        int ports = 1_000;
        int n = tenants * ports;
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            for (int p = 0; p < ports; p++) {
                for (int vni = 1; vni <= tenants; vni++) {
                    pcap.conn(vni, ip(10, 0, 0, 1), 40000 + p, SERVER, 143).handshake().server("* OK ready\r\n");
                }
            }
        }, "--session", "1," + n, "--threads", String.valueOf(threads));
        JsonNode summary = r.summary();
        assertEquals(n, summary.get("sessions").asInt(), "each tenant's connection is its own: " + summary);
        assertTrue(summary.get("dropped").get("evicted_for_space").asLong() > 0, "the connection cap held: " + summary);
        List<JsonNode> shown = r.sessions();
        assertEquals(2, shown.size());
        assertEquals("[\"vxlan:vni=1\"]", shown.get(0).get("tunnel").toString());
        assertEquals("[\"vxlan:vni=100\"]", shown.get(1).get("tunnel").toString());
        assertEquals("[\"192.0.2.10 -> 192.0.2.20\"]", shown.get(1).get("tunnel_endpoints").toString());
        assertEquals(shown.get(0).get("client").asText(), "10.0.0.1:40000");
    }
}
