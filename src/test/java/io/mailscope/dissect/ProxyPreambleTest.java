package io.mailscope.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.dissect.proxy.ProxyHandshake;
import io.mailscope.explain.Timeline;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TestConnections;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A SOCKS4/4a, SOCKS5 or HTTP CONNECT handshake at the start of a connection is read first, and what follows it is
 * sniffed afresh (TLS, or an IMAP greeting and STARTTLS) and judged by the target port's role. Real recordings
 * through microsocks, dante and tinyproxy, and hand-made handshakes for what no Debian proxy sends.
 */
class ProxyPreambleTest {
    static final Direction C = Direction.CLIENT_TO_SERVER;
    static final Direction S = Direction.SERVER_TO_CLIENT;

    @ParameterizedTest
    @ValueSource(strings = {"socks5-imaps.pcap", "socks5-login-starttls.pcap", "socks5-refused.pcap",
            "socks4-imaps.pcap", "socks4a-refused-dante.pcap", "http-connect-imaps.pcap",
            "http-connect-starttls.pcap", "http-connect-403.pcap", "http-connect-407.pcap"})
    void sameEventsWholeByteByByteAndInRandomChunks(String capture) throws Exception {
        RecordedStreams rec = RecordedStreams.of("tunnels/" + capture);
        List<String> whole = SessionAnalyzerTest.lines(SessionAnalyzerTest.replay(rec, n -> n));
        List<String> perByte = SessionAnalyzerTest.lines(SessionAnalyzerTest.replay(rec, n -> 1));
        Random random = new Random(capture.hashCode());
        List<String> chunks = SessionAnalyzerTest.lines(
                SessionAnalyzerTest.replay(rec, n -> 1 + random.nextInt(Math.min(n, 16))));
        assertTrue(whole.stream().anyMatch(l -> l.contains("CONNECT ")), whole.toString());
        assertEquals(whole, perByte);
        assertEquals(whole, chunks);
    }

    @Test
    void socks5LoginThenImapGreetingAndStartTls() throws Exception {
        List<String> lines = SessionAnalyzerTest.lines(
                SessionAnalyzerTest.replay(RecordedStreams.of("tunnels/socks5-login-starttls.pcap"), n -> n));
        assertEquals("C SOCKS5 CONNECT localhost:10143 (user proxyuser, password ***)", lines.get(0));
        assertEquals("S proxy connected to localhost:10143", lines.get(1));
        assertTrue(lines.get(2).startsWith("S * OK [CAPABILITY IMAP4rev1"), lines.get(2));
        assertTrue(lines.contains("C A002 STARTTLS"), lines.toString());
        assertTrue(lines.contains("C TLS begins (after STARTTLS)"), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("C ClientHello SNI=mail.example.test")), lines.toString());
    }

    /** Feeds a hand-made conversation (direction, hex or text) to a session on port 1080 and returns its lines. */
    static List<String> converse(boolean redact, Object... steps) {
        Session s = new Session(TestConnections.imap(1080), PortRole.OTHER);
        SessionAnalyzer a = new SessionAnalyzer(s, redact, PortRolesForTests.ROLES::role);
        long frame = 1;
        for (int i = 0; i < steps.length; i += 2) {
            byte[] data = steps[i + 1] instanceof byte[] b ? b : ((String) steps[i + 1]).getBytes(StandardCharsets.ISO_8859_1);
            a.onData((Direction) steps[i], data, 0, data.length, frame++, frame * 1000);
        }
        List<String> out = new ArrayList<>(SessionAnalyzerTest.lines(s));
        out.add("role " + s.role().label());
        return out;
    }

    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The start of a TLS ClientHello record: what a client sends first through an accepted tunnel. */
    static final byte[] TLS_START = hex("16 0301 0200 01 0001fc 0303");

    @Test
    void socks4aNamesItsTargetAfterTheUserId() {
        // VER 4, CONNECT, port 993, 0.0.0.1, user "u", NUL, "mail.example.test", NUL; reply 0x5A granted.
        byte[] request = concat(hex("04 01 03e1 00000001"), "u\0mail.example.test\0".getBytes(StandardCharsets.US_ASCII));
        List<String> lines = converse(true, C, request, S, hex("00 5a 0000 00000000"), C, TLS_START);
        assertEquals("C SOCKS4A CONNECT mail.example.test:993 (user u)", lines.get(0));
        assertEquals("S proxy connected to mail.example.test:993", lines.get(1));
        assertEquals("role imaps", lines.get(lines.size() - 1), "judged by the target's port");
    }

    @Test
    void socks5PasswordIsRedactedUnlessAskedFor() {
        Object[] steps = {C, hex("05 01 02"), S, hex("05 02"), C, concat(hex("01 05"), "alice".getBytes(),
                hex("06"), "s3cr3t".getBytes()), S, hex("01 00"), C, hex("05 01 00 01 c0000201 03e1"),
                S, hex("05 00 00 01 00000000 0000")};
        assertEquals("C SOCKS5 CONNECT 192.0.2.1:993 (user alice, password ***)", converse(true, steps).get(0));
        assertEquals("C SOCKS5 CONNECT 192.0.2.1:993 (user alice, password s3cr3t)", converse(false, steps).get(0));
    }

    @Test
    void socks5RefusalsNameTheReplyCode() {
        List<String> refused = converse(true, C, hex("05 01 00"), S, hex("05 00"),
                C, concat(hex("05 01 00 03 11"), "mail.example.test".getBytes(), hex("03e1")),
                S, hex("05 02 00 01 00000000 0000"));
        assertEquals("S ! proxy refused: connection not allowed by ruleset (SOCKS5 reply 2)", refused.get(1));
        List<String> noMethod = converse(true, C, hex("05 01 02"), S, hex("05 ff"));
        assertEquals("S ! proxy refused: no acceptable authentication method (SOCKS5 method 0xFF)", noMethod.get(0));
        List<String> badLogin = converse(true, C, hex("05 01 02"), S, hex("05 02"),
                C, concat(hex("01 01"), "a".getBytes(), hex("01"), "b".getBytes()), S, hex("01 01"));
        assertTrue(badLogin.contains("S ! proxy refused: username/password rejected (SOCKS5 login status 1)"),
                badLogin.toString());
    }

    @Test
    void socks5Ipv6Target() {
        List<String> lines = converse(true, C, hex("05 01 00"), S, hex("05 00"),
                C, hex("05 01 00 04 20010db8000000000000000000000001 03e1"), S, hex("05 00 00 01 00000000 0000"));
        assertEquals("C SOCKS5 CONNECT [2001:db8:0:0:0:0:0:1]:993", lines.get(0));
    }

    @Test
    void httpConnectRefusedWith407ThenAcceptedOnTheSameConnection() {
        String body = "<html>auth</html>";
        List<String> lines = converse(true,
                C, "CONNECT mail.example.test:143 HTTP/1.1\r\nHost: mail.example.test:143\r\n\r\n",
                S, "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: " + body.length() + "\r\n\r\n" + body,
                C, "CONNECT mail.example.test:143 HTTP/1.1\r\nProxy-Authorization: Basic "
                        + java.util.Base64.getEncoder().encodeToString("bob:hunter2".getBytes()) + "\r\n\r\n",
                S, "HTTP/1.1 200 Connection established\r\n\r\n",
                S, "* OK IMAP4rev1 ready\r\n");
        assertEquals(List.of("C HTTP-CONNECT CONNECT mail.example.test:143",
                "S ! proxy refused: HTTP/1.1 407 Proxy Authentication Required",
                "C HTTP-CONNECT CONNECT mail.example.test:143 (user bob, password ***)",
                "S proxy connected to mail.example.test:143",
                "S * OK IMAP4rev1 ready", "role imap"), lines);
    }

    @Test
    void aClientHelloRightBehindTheConnectIsTheStream() {
        List<String> lines = converse(true, C, concat("CONNECT h:993 HTTP/1.1\r\n\r\n".getBytes(), TLS_START),
                S, "HTTP/1.1 200 OK\r\n\r\n");
        assertEquals("C HTTP-CONNECT CONNECT h:993", lines.get(0));
        assertEquals("S proxy connected to h:993", lines.get(1));
    }

    @Test
    void streamsThatAreNotProxyHandshakesAreUntouched() {
        assertEquals(ProxyHandshake.Verdict.NOT_PROXY, ProxyHandshake.recognize(TLS_START, TLS_START.length));
        byte[] imap = "a1 LOGIN alice secret\r\n".getBytes();
        assertEquals(ProxyHandshake.Verdict.NOT_PROXY, ProxyHandshake.recognize(imap, imap.length));
        byte[] http = "GET / HTTP/1.1\r\n".getBytes();
        assertEquals(ProxyHandshake.Verdict.NOT_PROXY, ProxyHandshake.recognize(http, http.length));
        assertEquals(ProxyHandshake.Verdict.NOT_PROXY, ProxyHandshake.recognize(hex("05 00"), 2), "no methods");
        assertEquals(ProxyHandshake.Verdict.NOT_PROXY, ProxyHandshake.recognize(hex("05 01 40"), 3), "method 0x40");
        assertEquals(ProxyHandshake.Verdict.NEED_MORE, ProxyHandshake.recognize("CONN".getBytes(), 4));
        // A server that speaks first (an IMAP greeting) rules a proxy out even if the client then sends 0x05.
        List<String> lines = converse(true, S, "* OK ready\r\n", C, hex("05 01 00"));
        assertTrue(lines.stream().noneMatch(l -> l.contains("CONNECT")), lines.toString());
    }

    @Test
    void proxyEventsCarryTheResultForReports() {
        Session s = new Session(TestConnections.imap(1080), PortRole.OTHER);
        SessionAnalyzer a = new SessionAnalyzer(s, true, PortRolesForTests.ROLES::role);
        byte[] req = hex("04 01 03e1 c0000201 00");
        a.onData(C, req, 0, req.length, 1, 1);
        byte[] rep = hex("00 5b 0000 00000000");
        a.onData(S, rep, 0, rep.length, 2, 2);
        ProxyEvent.Reply reply = (ProxyEvent.Reply) s.events().stream().filter(e -> e instanceof ProxyEvent.Reply)
                .findFirst().orElseThrow();
        assertEquals("socks4", reply.type());
        assertEquals("192.0.2.1:993", reply.target());
        assertEquals("request rejected or failed (SOCKS4 reply 91)", reply.result());
        assertEquals("socks4 to 192.0.2.1:993: request rejected or failed (SOCKS4 reply 91)",
                ProxyEvent.summary(s.events()), "the line text and HTML reports print");
        assertEquals("! proxy refused: request rejected or failed (SOCKS4 reply 91)", Timeline.text(reply));
    }

    @Test
    void aProxyRequestToAMailPortIsTheClientsMistakeNotAProxy() {
        Session s = new Session(TestConnections.imap(993), PortRole.IMAPS);
        SessionAnalyzer a = new SessionAnalyzer(s, true, PortRolesForTests.ROLES::role);
        byte[] greeting = hex("05 01 00");
        a.onData(C, greeting, 0, greeting.length, 1, 1);
        a.onEnd(C, 2, 2);
        List<String> lines = SessionAnalyzerTest.lines(s);
        assertTrue(lines.stream().noneMatch(l -> l.contains("CONNECT")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("(a socks5 proxy request: the client's proxy setting points"
                + " at the mail server)")), lines.toString());
    }
}
