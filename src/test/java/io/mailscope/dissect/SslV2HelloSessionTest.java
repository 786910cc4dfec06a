package io.mailscope.dissect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TestConnections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** An SSL 2.0-format ClientHello opens a TLS stream: read whole, split at every byte or in random chunks alike. */
class SslV2HelloSessionTest {

    @Test
    void sameEventsWholeByteByByteAndInRandomChunks() throws Exception {
        RecordedStreams rec = RecordedStreams.of("tunnels/sslv2-compat-hello.pcap");
        List<String> whole = SessionAnalyzerTest.lines(SessionAnalyzerTest.replay(rec, n -> n));
        Random random = new Random(7);
        assertEquals(whole, SessionAnalyzerTest.lines(SessionAnalyzerTest.replay(rec, n -> 1)));
        assertEquals(whole, SessionAnalyzerTest.lines(SessionAnalyzerTest.replay(rec, n -> 1 + random.nextInt(Math.min(n, 32)))));
        assertTrue(whole.get(0).startsWith("C ClientHello (SSL 2.0 format), offers up to TLS 1.2, 26 suites"), whole.toString());
        assertTrue(whole.get(1).startsWith("S ServerHello TLS 1.2, TLS_RSA_WITH_AES_256_CBC_SHA"), whole.toString());
    }

    @Test
    void lengthsThatDoNotAddUpAreAProblemNotAnException() {
        // Record of 28 bytes: CLIENT-HELLO, version 0x0301, 3 bytes of specs, no session ID, a challenge said to be
        // 17 bytes where 16 follow.
        byte[] hello = HexFormat.of().parseHex(("801c 01 0301 0003 0000 0011 000035" + "00".repeat(16)).replace(" ", ""));
        Session s = new Session(TestConnections.imap(993), PortRole.IMAPS);
        SessionAnalyzer a = new SessionAnalyzer(s, true);
        a.onData(Direction.CLIENT_TO_SERVER, hello, 0, hello.length, 1, 1);
        List<String> lines = SessionAnalyzerTest.lines(s);
        assertTrue(lines.stream().anyMatch(l -> l.contains("malformed-hello") && l.contains("do not add up")), lines.toString());
    }
}
