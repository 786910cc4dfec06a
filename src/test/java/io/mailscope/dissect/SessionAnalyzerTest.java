package io.mailscope.dissect;

import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.explain.Timeline;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.TestConnections;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session layer: what each direction speaks, and the STARTTLS handoff from IMAP to TLS (Zeek's model),
 * on real recorded streams replayed whole, one byte at a time, and in random chunks.
 */
class SessionAnalyzerTest {

    /** Feeds recorded chunks re-cut by {@code cut} (how many bytes of the chunk go next). */
    static Session replay(RecordedStreams rec, java.util.function.IntUnaryOperator cut) {
        Session s = new Session(rec.connection(), PortRolesForTests.ROLES.role(rec.connection().server().port()));
        SessionAnalyzer a = new SessionAnalyzer(s, true);
        for (RecordedStreams.Chunk c : rec.chunks()) {
            if (c.gapLength() > 0) {
                a.onGap(c.direction(), c.gapLength(), c.frame(), c.timeNanos());
                continue;
            }
            int off = 0;
            while (off < c.data().length) {
                int n = Math.max(1, Math.min(c.data().length - off, cut.applyAsInt(c.data().length - off)));
                a.onData(c.direction(), c.data(), off, n, c.frame(), c.timeNanos());
                off += n;
            }
        }
        a.onEnd(Direction.CLIENT_TO_SERVER, 0, 0);
        a.onEnd(Direction.SERVER_TO_CLIENT, 0, 0);
        return s;
    }

    static List<String> lines(Session s) {
        List<String> out = new ArrayList<>();
        s.events().forEach(e -> {
            String t = Timeline.text(e);
            if (t != null) {
                out.add(e.at().direction().letter() + " " + t);
            }
        });
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"starttls-ok-python.pcap", "starttls-gnutls.pcap", "imaps-ok-tls12.pcap", "plaintext-after-starttls.pcap",
            "plaintext-to-tls-port.pcap", "tls-to-plaintext-port.pcap", "http-on-imap-port.pcap", "hand-typed-mistakes.pcap",
            "login-before-starttls.pcap", "certificate-rejected-tls13.pcap"})
    void sameEventsWholeByteByByteAndInRandomChunks(String capture) throws Exception {
        RecordedStreams rec = RecordedStreams.of(capture);
        List<String> whole = lines(replay(rec, n -> n));
        List<String> perByte = lines(replay(rec, n -> 1));
        Random random = new Random(capture.hashCode());
        List<String> randomChunks = lines(replay(rec, n -> 1 + random.nextInt(Math.min(n, 64))));
        assertTrue(whole.size() >= 2, whole.toString());
        assertEquals(whole, perByte, capture + ": split at every byte");
        assertEquals(whole, randomChunks, capture + ": random chunks");
    }

    @Test
    void starttlsHandsTheStreamToTls() throws Exception {
        Session s = replay(RecordedStreams.of("starttls-ok-python.pcap"), n -> n);
        List<String> l = lines(s);
        int ok = indexOf(l, "S ", "OK Begin TLS negotiation now");
        int handoff = l.indexOf("C TLS begins (after STARTTLS)");
        int hello = indexOf(l, "C ClientHello", "");
        assertTrue(ok >= 0 && handoff > ok && hello > handoff, l.toString());
        assertTrue(s.events().stream().anyMatch(e -> e instanceof TlsEvent.ServerHelloSeen), "the server's TLS is parsed too");
        assertTrue(s.events().stream().noneMatch(e -> e instanceof ImapEvent.Command c && c.at().frame() > s.events().get(0).at().frame()
                && c.name().equals("LOGIN")), "LOGIN happened inside TLS and is not visible");
    }

    @Test
    void plaintextAfterStarttlsIsSeenAndStillParsedAsImapWithThePasswordHidden() throws Exception {
        Session s = replay(RecordedStreams.of("plaintext-after-starttls.pcap"), n -> n);
        assertTrue(s.events().stream().anyMatch(e -> e instanceof SessionEvent.PlaintextAfterStartTls p && p.at().fromClient()));
        assertTrue(lines(s).contains("C a2 LOGIN alice ***"), lines(s).toString());
        assertTrue(lines(s).stream().noneMatch(x -> x.contains("secret")));
    }

    @Test
    void plaintextOnTheTlsPortIsAMismatchAtTheFirstKeystroke() throws Exception {
        RecordedStreams rec = RecordedStreams.of("plaintext-to-tls-port.pcap");
        Session s = replay(rec, n -> n);
        SessionEvent.Mismatch m = (SessionEvent.Mismatch) s.events().stream().filter(e -> e instanceof SessionEvent.Mismatch).findFirst().orElseThrow();
        assertEquals("plaintext-to-tls-port", m.code());
        assertEquals(rec.chunks().get(0).frame(), m.at().frame(), "points at the first byte typed, not the last");
    }

    @Test
    void serverPlaintextBehindItsStarttlsOkIsTheInjectionPattern() {
        Session s = synthetic(
                "S", "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n",
                "C", "a1 STARTTLS\r\n",
                "S", "a1 OK Begin TLS negotiation now\r\n* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] injected\r\n");
        assertTrue(s.events().stream().anyMatch(e -> e instanceof SessionEvent.ServerDataAfterStartTls d
                && d.display().contains("injected")), lines(s).toString());
    }

    @Test
    void refusedStarttlsFollowedByAnUnrelatedOkDoesNotSwitch() {
        Session s = synthetic(
                "S", "* OK ready\r\n",
                "C", "a1 STARTTLS\r\n",
                "S", "a1 BAD not now\r\n",
                "C", "a2 NOOP\r\n",
                "S", "a2 OK done\r\n",
                "C", "a3 LOGOUT\r\n");
        assertTrue(s.events().stream().noneMatch(e -> e instanceof SessionEvent.TlsHandoff || e instanceof SessionEvent.PlaintextAfterStartTls));
        assertTrue(lines(s).contains("C a3 LOGOUT"), lines(s).toString());
    }

    @Test
    void httpAndSmtpOnAMailPortAreNamed() {
        Session http = synthetic("C", "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(http.events().stream().anyMatch(e -> e instanceof SessionEvent.Mismatch m && m.code().equals("http-on-imap-port")));
        Session smtp = synthetic("S", "220 mail.example.test ESMTP\r\n");
        assertTrue(smtp.events().stream().anyMatch(e -> e instanceof SessionEvent.Detected d && d.protocol().equals("smtp")));
    }

    @Test
    void aCaptureStartingAfterStarttlsSeesTlsOnTheImapPortWithoutCallingItAMistake() {
        Session s = new Session(TestConnections.midstream(143), PortRole.IMAP);
        SessionAnalyzer a = new SessionAnalyzer(s, true);
        byte[] appData = {0x17, 0x03, 0x03, 0x00, 0x05, 1, 2, 3, 4, 5};
        a.onData(Direction.CLIENT_TO_SERVER, appData, 0, appData.length, 10, 10);
        a.onData(Direction.SERVER_TO_CLIENT, appData, 0, appData.length, 11, 11);
        assertTrue(s.events().stream().anyMatch(e -> e instanceof SessionEvent.Detected d && d.protocol().equals("tls")), lines(s).toString());
        assertTrue(s.events().stream().noneMatch(e -> e instanceof SessionEvent.Mismatch), lines(s).toString());
        assertEquals(5, a.tlsAnalyzer().encryptedBytes(Direction.CLIENT_TO_SERVER), "the record's payload is counted as encrypted, not buffered");
    }

    @Test
    void aClientHelloOnTheImapPortFromTheStartIsAMismatch() {
        Session s = new Session(TestConnections.imap(143), PortRole.IMAP);
        SessionAnalyzer a = new SessionAnalyzer(s, true);
        byte[] hello = {0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0};
        a.onData(Direction.CLIENT_TO_SERVER, hello, 0, hello.length, 4, 4);
        assertTrue(s.events().stream().anyMatch(e -> e instanceof SessionEvent.Mismatch m && m.code().equals("tls-to-plaintext-port")));
    }

    private static int indexOf(List<String> l, String prefix, String contains) {
        for (int i = 0; i < l.size(); i++) {
            if (l.get(i).startsWith(prefix) && l.get(i).contains(contains)) {
                return i;
            }
        }
        return -1;
    }

    /** A conversation on port 10143 (plaintext IMAP role), given as direction/text pairs. */
    static Session synthetic(String... turns) {
        Session s = new Session(TestConnections.imap(10143), PortRole.IMAP);
        SessionAnalyzer a = new SessionAnalyzer(s, true);
        long frame = 4;
        for (int i = 0; i < turns.length; i += 2) {
            Direction d = turns[i].equals("C") ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            byte[] b = turns[i + 1].getBytes(StandardCharsets.ISO_8859_1);
            a.onData(d, b, 0, b.length, frame++, frame * 1000);
        }
        return s;
    }
}
