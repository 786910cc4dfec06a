package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static io.mailscope.explain.rules.Conversation.codes;
import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A proxy that refuses to connect the client is the story, in its own words; one that connects it is no finding. */
class ProxyRuleTest {
    static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    @Test
    void socks5ConnectionRefusedByTheTarget() {
        Diagnosis d = Conversation.to(1080).clientBytes(hex("05 01 00")).serverBytes(hex("05 00"))
                .clientBytes(hex("05 01 00 01 c0000201 03e1")).serverBytes(hex("05 05 00 01 00000000 0000"))
                .serverFin().clientFin().diagnosis();
        Finding f = finding(d, "proxy-refused");
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("proxy-refused", d.findings().get(0).code());
        assertTrue(f.explanation().contains("\"connection refused (SOCKS5 reply 5)\""), f.explanation());
        assertTrue(f.summary().contains("192.0.2.1:993"), f.summary());
    }

    @Test
    void httpProxyWantingCredentialsSaysSo() {
        Diagnosis d = Conversation.to(3128).clientBytes("CONNECT mail.example.test:993 HTTP/1.1\r\n\r\n")
                .serverBytes("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
                .serverFin().clientFin().diagnosis();
        Finding f = finding(d, "proxy-refused");
        assertTrue(f.fix().startsWith("Give the client the proxy's user name and password"), f.fix());
    }

    @Test
    void anAcceptedProxyIsNoFindingAndTheClientSpeakingFirstIsExpected() {
        Diagnosis d = Conversation.to(1080).clientBytes(hex("05 01 00")).serverBytes(hex("05 00"))
                .clientBytes(hex("05 01 00 01 c0000201 008f")).serverBytes(hex("05 00 00 01 00000000 0000"))
                .server("* OK ready").client("a1 LOGOUT").server("* BYE bye").server("a1 OK done")
                .serverFin().clientFin().diagnosis();
        assertTrue(codes(d).stream().noneMatch(c -> c.equals("proxy-refused") || c.equals("client-spoke-first")),
                codes(d).toString());
        assertEquals("client", d.expectedFirstSpeaker());
        assertEquals(Outcome.OK, d.outcome());
    }
}
