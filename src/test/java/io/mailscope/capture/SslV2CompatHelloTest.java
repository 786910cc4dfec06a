package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The SSL 2.0-compatible ClientHello (sslv2hello.py, answered by OpenSSL 3's s_server with a TLS 1.2 ServerHello:
 * captures/README.md) is parsed, fingerprinted as JA3 and JA4 define it, and agrees with tshark's dissection.
 */
class SslV2CompatHelloTest {
    static final Path FILE = Captures.DIR.resolve("tunnels/sslv2-compat-hello.pcap");

    static <T> T first(AnalyzedSession s, Class<T> type) {
        for (Event e : s.session().events()) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        throw new AssertionError("no " + type.getSimpleName());
    }

    static List<String> tshark(String... fields) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-n", "-r", FILE.toString(),
                "-d", "tcp.port==10994,tls", "-Y", "tls.handshake.type", "-T", "fields", "-E", "separator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return out.lines().toList();
    }

    @Test
    void helloAndAnswerAgreeWithTshark() throws Exception {
        Assumptions.assumeTrue(TsharkTunnels.available(), "tshark not installed");
        AnalyzedSession s = Captures.only("tunnels/sslv2-compat-hello.pcap");
        ClientHello ch = first(s, TlsEvent.ClientHelloSeen.class).hello();
        ServerHello sh = first(s, TlsEvent.ServerHelloSeen.class).hello();
        List<String> rows = tshark("tls.handshake.type", "tls.handshake.version", "tls.handshake.cipherspec",
                "tls.handshake.ciphersuite", "tls.handshake.ja3s_full", "tls.handshake.ja3s");
        String[] client = rows.get(0).split("\\|", -1);
        String[] server = rows.get(1).split("\\|", -1);
        assertEquals("1", client[0]);
        assertEquals(Integer.decode(client[1]), ch.legacyVersion());
        assertEquals(Arrays.stream(client[2].split(",")).map(Integer::decode).toList(), ch.cipherSuites());
        assertEquals(0x0002, ch.recordVersion(), "an SSL 2.0 record");
        assertTrue(server[0].startsWith("2"), server[0]);
        assertEquals(Integer.decode(server[1]), sh.legacyVersion());
        assertEquals(Integer.decode(server[3]), sh.cipherSuite());
        assertEquals(server[4], sh.ja3sString());
        assertEquals(server[5], sh.ja3s());
    }

    @Test
    void fingerprintsAsJa3AndJa4DefineThem() throws Exception {
        ClientHello ch = first(Captures.only("tunnels/sslv2-compat-hello.pcap"), TlsEvent.ClientHelloSeen.class).hello();
        // JA3 (as Zeek's reference script computes it for an SSL 2.0 hello): every cipher spec as its number, no
        // extensions, groups or point formats.
        String specs = "57-56-53-22-19-10-51-50-47-7-327808-5-4-65664-21-18-9-393280-20-17-8-6-262272-3-131200-255";
        assertEquals("771," + specs + ",,,", ch.ja3String());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                .digest(ch.ja3String().getBytes(StandardCharsets.US_ASCII))), ch.ja3());
        // JA4: TLS 1.2 by the hello's version, no SNI, the 21 two-byte suites (SSL 2.0-only kinds cannot be
        // written in its 4-hex-digit form), no extensions, no ALPN.
        List<Integer> tlsSuites = ch.cipherSuites().stream().filter(c -> c <= 0xffff).toList();
        assertEquals(21, tlsSuites.size());
        assertEquals(TsharkTunnels.ja4(0x0303, List.of(), false, tlsSuites, List.of(), null, List.of()), ch.ja4());
        assertTrue(ch.ja4().startsWith("t12i210000_") && ch.ja4().endsWith("_000000000000"), ch.ja4());
        assertEquals(sha12(tlsSuites.stream().sorted().map(c -> String.format("%04x", c))
                .collect(Collectors.joining(","))), ch.ja4().split("_")[1]);
    }

    @Test
    void theTimelineSaysTheHelloWasInSsl2Format() throws IOException {
        assertTrue(Files.exists(FILE));
        AnalyzedSession s = Captures.only("tunnels/sslv2-compat-hello.pcap");
        assertTrue(io.mailscope.explain.Timeline.text(first(s, TlsEvent.ClientHelloSeen.class))
                .startsWith("ClientHello (SSL 2.0 format), offers up to TLS 1.2, 26 suites"));
    }

    private static String sha12(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII)))
                .substring(0, 12);
    }
}
