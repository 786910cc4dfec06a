package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.tcp.TcpConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every capture in src/test/resources/captures/tunnels (real VXLAN recordings, and real loopback recordings
 * wrapped by {@link TunnelCaptureWriter}) is dissected as tshark dissects it: the same tunnel layers with the same
 * identifiers and outer endpoints, the same connections, and the same hellos (SNI, version, ciphers, JA3, JA3S),
 * with JA4 as its definition computes it from tshark's fields.
 */
class TunnelCapturesTest {
    static final Path DIR = Captures.DIR.resolve("tunnels");

    @TempDir
    Path dir;
    /** The recordings' server ports are not TLS/IMAP ports to tshark. */
    static final List<String> DECODE_AS = List.of("tcp.port==10993,tls", "tcp.port==10143,imap",
            "udp.port==8472,vxlan");

    static Stream<String> captures() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pcap"))
                    .filter(n -> !ProxyCapturesTest.isProxyCapture(n) && !n.startsWith("sslv2")).sorted().toList()
                    .stream();
        }
    }

    static Stream<TunnelCaptureWriter.Recipe> recipes() {
        return TunnelCaptureWriter.RECIPES.stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void tunnelsConnectionsAndHellosAgreeWithTshark(String name) throws Exception {
        Assumptions.assumeTrue(TsharkTunnels.available(), "tshark not installed");
        List<AnalyzedSession> sessions = Captures.analyze("tunnels/" + name);
        TsharkTunnels tshark = TsharkTunnels.read(DIR.resolve(name), DECODE_AS);

        assertFalse(sessions.isEmpty());
        assertEquals(tshark.streams(), sessions.size(), "connections");
        for (AnalyzedSession s : sessions) {
            TcpConnection c = s.session().connection();
            TsharkTunnels.Frame first = tshark.frames.get(c.firstFrame());
            assertFalse(first.tunnel().isEmpty(), "tshark sees a tunnel around frame " + c.firstFrame());
            assertEquals(first.tunnel(), c.tunnel().names(), "tunnel of session " + c.id());
            assertEquals(first.endpoints(), c.tunnel().endpoints(), "tunnel endpoints of session " + c.id());
        }
        List<String> hellos = hellos(sessions);
        assertFalse(hellos.isEmpty(), "a TLS handshake in " + name);
        Map<List<String>, List<AnalyzedSession>> byTunnel = sessions.stream().collect(
                Collectors.groupingBy(s -> s.session().connection().tunnel().names(), LinkedHashMap::new,
                        Collectors.toList()));
        if (byTunnel.size() == 1) {
            assertEquals(tshark.hellos(), hellos);
        } else {
            // tshark keys TCP conversations by addresses and ports only: tenants reusing both confuse it, so it is
            // given each tenant's packets on their own.
            for (Map.Entry<List<String>, List<AnalyzedSession>> tenant : byTunnel.entrySet()) {
                String vni = tenant.getKey().get(0).replace("vxlan:vni=", "");
                Path part = dir.resolve(vni + ".pcap");
                TsharkTunnels.split(DIR.resolve(name), "vxlan.vni == " + vni, part, DECODE_AS);
                assertEquals(TsharkTunnels.read(part, DECODE_AS).hellos(), hellos(tenant.getValue()), "VNI " + vni);
            }
        }
        assertTrue(hellos.stream().anyMatch(h -> h.matches("ClientHello .* ja4=t1[23][di]\\d{4}\\w\\w_\\w{12}_\\w{12}")),
                "a JA4 computed from tshark's fields: " + hellos);
    }

    @ParameterizedTest
    @MethodSource("recipes")
    void wrappedCaptureIsWhatTheWriterMakesAndDissectsLikeTheRecordingItWraps(TunnelCaptureWriter.Recipe r)
            throws Exception {
        assertArrayEquals(TunnelCaptureWriter.write(Captures.DIR.resolve(r.input()), r),
                Files.readAllBytes(DIR.resolve(r.output())), "regenerate with record-tunnels.sh");
        List<AnalyzedSession> wrapped = Captures.analyze("tunnels/" + r.output());
        List<AnalyzedSession> original = Captures.analyze(r.input());
        assertEquals(original.size(), wrapped.size());
        assertEquals(hellos(original), hellos(wrapped));
        for (int i = 0; i < original.size(); i++) {
            AnalyzedSession o = original.get(i);
            AnalyzedSession w = wrapped.get(i);
            assertEquals(o.diagnosis().outcome(), w.diagnosis().outcome());
            assertEquals(o.diagnosis().protocolPath(), w.diagnosis().protocolPath());
            assertEquals(o.session().connection().history(), w.session().connection().history());
            assertEquals(o.session().connection().clientBytes(), w.session().connection().clientBytes());
            assertEquals(o.session().connection().serverBytes(), w.session().connection().serverBytes());
            assertEquals(o.diagnosis().findings().stream().map(f -> f.code()).toList(),
                    w.diagnosis().findings().stream().map(f -> f.code()).toList());
        }
    }

    @Test
    void twoTenantsReusingAddressesAndPortAtTheSameTimeAreTwoWholeSessions() {
        // Recorded: two VXLAN tenants (VNI 100, 200) over one underlay, both 10.0.0.1:40000 -> 10.0.0.2:993.
        List<AnalyzedSession> sessions = Captures.analyze("tunnels/vxlan-two-tenants.pcap");
        assertEquals(2, sessions.size());
        assertEquals(List.of(List.of("vxlan:vni=100"), List.of("vxlan:vni=200")),
                sessions.stream().map(s -> s.session().connection().tunnel().names()).toList());
        for (AnalyzedSession s : sessions) {
            TcpConnection c = s.session().connection();
            assertEquals("10.0.0.1:40000 -> 10.0.0.2:993", c.client() + " -> " + c.server());
            assertEquals(List.of("192.0.2.10 -> 192.0.2.20"), c.tunnel().endpoints());
            assertEquals("ok", s.diagnosis().outcome().label());
            assertEquals(0, c.conflictingOverlaps());
            assertEquals(0, c.gapBytes());
            assertFalse(c.history().contains("T"), "no retransmissions: " + c.history());
        }
    }

    /** Our hellos in capture order, described as {@link TsharkTunnels} describes tshark's. */
    static List<String> hellos(List<AnalyzedSession> sessions) {
        record Seen(long frame, String text) {
        }
        List<Seen> seen = new ArrayList<>();
        for (AnalyzedSession s : sessions) {
            for (Event e : s.session().events()) {
                if (e instanceof TlsEvent.ClientHelloSeen ch) {
                    ClientHello h = ch.hello();
                    seen.add(new Seen(ch.at().frame(), TsharkTunnels.describeClient(h.sni() == null ? "" : h.sni(),
                            h.legacyVersion(), h.cipherSuites(), h.ja3String(), h.ja3(),
                            h.extensions().contains(50) ? "(signature_algorithms_cert present: not computed)"
                                    : h.ja4())));
                } else if (e instanceof TlsEvent.ServerHelloSeen sh) {
                    ServerHello h = sh.hello();
                    seen.add(new Seen(sh.at().frame(), TsharkTunnels.describeServer(h.legacyVersion(),
                            h.cipherSuite(), h.ja3sString(), h.ja3s())));
                }
            }
        }
        seen.sort(Comparator.comparingLong(Seen::frame));
        return seen.stream().map(Seen::text).toList();
    }
}
