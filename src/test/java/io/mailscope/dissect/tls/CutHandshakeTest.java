package io.mailscope.dissect.tls;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.mailscope.dissect.tls.TlsTestSupport.C;
import static io.mailscope.dissect.tls.TlsTestSupport.S;
import static io.mailscope.dissect.tls.TlsTestSupport.at;
import static io.mailscope.dissect.tls.TlsTestSupport.concat;
import static io.mailscope.dissect.tls.TlsTestSupport.describeAll;
import static io.mailscope.dissect.tls.TlsTestSupport.extension;
import static io.mailscope.dissect.tls.TlsTestSupport.handshake;
import static io.mailscope.dissect.tls.TlsTestSupport.only;
import static io.mailscope.dissect.tls.TlsTestSupport.record;
import static io.mailscope.dissect.tls.TlsTestSupport.sniExtension;
import static io.mailscope.dissect.tls.TlsTestSupport.alpnExtension;
import static io.mailscope.dissect.tls.TlsTestSupport.u16;
import static io.mailscope.dissect.tls.TlsTestSupport.u16s;
import static io.mailscope.dissect.tls.TlsTestSupport.vec16;
import static io.mailscope.dissect.tls.TlsTestSupport.vec24;
import static io.mailscope.dissect.tls.TlsTestSupport.vec8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A capture whose snaplen (or a hole) cut TLS records: what arrived of a hello or Certificate is reported, marked
 * cut, without fingerprints; the record layer goes on after a hole inside a record, and is found again at a segment
 * that starts with a record after a hole that lost it. Specifications of TlsAnalyzer, on hand-built streams.
 */
class CutHandshakeTest {

    /** SNI first, then ALPN, supported_versions and a 200-byte padding: a cut falls in the padding. */
    private static final byte[] HELLO_BODY = TlsTestSupport.clientHelloBody(new int[] {0x1301, 0x1302, 0xc02f},
            sniExtension("mail.example.test"), alpnExtension("imap"),
            extension(0x002b, vec8(u16s(0x0304, 0x0303))), extension(0x0015, new byte[200]));
    private static final byte[] HELLO = handshake(1, HELLO_BODY);

    private final List<TlsEvent> events = new ArrayList<>();
    private final TlsAnalyzer tls = new TlsAnalyzer(e -> events.add((TlsEvent) e));

    /** The first {@code captured} bytes of {@code bytes} arrive in frame {@code frame}, the rest is a hole. */
    private void segment(io.mailscope.tcp.Direction d, byte[] bytes, int captured, long frame) {
        tls.onData(d, bytes, 0, captured, at(d, frame));
        if (captured < bytes.length) {
            tls.onGap(d, bytes.length - captured, at(d, frame));
        }
    }

    private ClientHello clientHello() {
        return only(events, TlsEvent.ClientHelloSeen.class).get(0).hello();
    }

    @Test
    void aHelloCutAfterItsFirstExtensionsKeepsThemAndHasNoFingerprint() {
        byte[] r = record(22, 0x0301, HELLO);
        int captured = r.length - 150; // the cut falls in the padding extension
        segment(C, r, captured, 4);
        ClientHello h = clientHello();
        assertTrue(h.partial());
        assertEquals(new Cut(captured - 9, HELLO_BODY.length, "extension padding"), h.cut());
        assertEquals("mail.example.test", h.sni());
        assertEquals(List.of("imap"), h.alpn());
        assertEquals(List.of(0x0304, 0x0303), h.supportedVersions());
        assertEquals(List.of(0x1301, 0x1302, 0xc02f), h.cipherSuites());
        assertEquals(List.of(0x0000, 0x0010, 0x002b), h.extensions()); // the padding did not arrive whole
        assertNull(h.ja3());
        assertNull(h.ja3String());
        assertNull(h.ja4());
        assertEquals("cut at byte " + (captured - 9) + " of " + HELLO_BODY.length + ", in extension padding",
                h.cut().describe());
    }

    @Test
    void aHelloCutInsideItsCipherSuitesListsTheSuitesThatArrivedWhole() {
        byte[] r = record(22, 0x0301, HELLO);
        // record 5 + handshake 4 + version 2 + random 32 + session id 1 + suites length 2 + one suite and a half
        segment(C, r, 5 + 4 + 2 + 32 + 1 + 2 + 3, 4);
        ClientHello h = clientHello();
        assertEquals(List.of(0x1301), h.cipherSuites());
        assertEquals("cipher_suites", h.cut().in());
        assertNull(h.sni());
        assertTrue(h.extensions().isEmpty());
        assertEquals(0x0303, h.legacyVersion());
        assertEquals(32, h.random().length);
    }

    @Test
    void aHelloCutInItsRandomStillSaysAClientHelloWasSent() {
        byte[] r = record(22, 0x0301, HELLO);
        segment(C, r, 30, 4); // what tcpdump -s 96 leaves of a segment on loopback
        ClientHello h = clientHello();
        assertEquals(new Cut(21, HELLO_BODY.length, "random"), h.cut());
        assertEquals(0x0303, h.legacyVersion());
        assertEquals(0, h.random().length);
        assertTrue(h.cipherSuites().isEmpty());
    }

    @Test
    void aWholeHelloIsNotPartialAndHasItsFingerprints() {
        byte[] r = record(22, 0x0301, HELLO);
        segment(C, r, r.length, 4);
        ClientHello h = clientHello();
        assertFalse(h.partial());
        assertTrue(h.ja3().matches("[0-9a-f]{32}"));
        assertTrue(h.ja4().startsWith("t13d"));
    }

    @Test
    void aServerHelloCutBeforeSupportedVersionsTakesTls13FromItsSuite() {
        // TLS_AES_128_GCM_SHA256 exists only in TLS 1.3, so the version is known before supported_versions arrives
        byte[] body = concat(u16(0x0303), new byte[32], vec8(new byte[0]), u16(0x1301), new byte[] {0},
                vec16(concat(extension(0x0033, concat(u16(0x001d), vec16(new byte[32]))), extension(0x002b, u16(0x0304)))));
        byte[] r = record(22, 0x0303, handshake(2, body));
        segment(S, r, 5 + 4 + 2 + 32 + 1 + 2 + 1 + 2 + 10, 6);
        ServerHello h = only(events, TlsEvent.ServerHelloSeen.class).get(0).hello();
        assertTrue(h.partial());
        assertEquals(0x0304, h.selectedVersion());
        assertEquals(0x1301, h.cipherSuite());
        assertNull(h.ja3s());
        assertEquals("extension key_share", h.cut().in());
        assertEquals(0x0304, tls.negotiatedVersion());
    }

    @Test
    void aServerHelloCutBeforeItsSuiteLeavesTheVersionUnknown() {
        byte[] body = concat(u16(0x0303), new byte[32], vec8(new byte[0]), u16(0xc02f), new byte[] {0}, vec16(new byte[0]));
        byte[] r = record(22, 0x0303, handshake(2, body));
        segment(S, r, 30, 6);
        ServerHello h = only(events, TlsEvent.ServerHelloSeen.class).get(0).hello();
        assertEquals(-1, h.selectedVersion());
        assertEquals(-1, h.cipherSuite());
        assertEquals(-1, tls.negotiatedVersion());
    }

    @Test
    void aServerHelloCutAfterATls12SuiteIsTls12() {
        byte[] body = concat(u16(0x0303), new byte[32], vec8(new byte[0]), u16(0xc02f), new byte[] {0},
                vec16(extension(0xff01, vec8(new byte[0]))));
        byte[] r = record(22, 0x0303, handshake(2, body));
        segment(S, r, r.length - 2, 6);
        assertEquals(0x0303, only(events, TlsEvent.ServerHelloSeen.class).get(0).hello().selectedVersion());
    }

    @Test
    void aCutCertificateListsOnlyTheCertificatesThatArrivedWholeAndSaysTheChainIsIncomplete() {
        byte[] first = new byte[100];
        byte[] second = new byte[300];
        byte[] message = handshake(11, vec24(concat(vec24(first), vec24(second))));
        byte[] r = record(22, 0x0303, message);
        segment(S, r, 5 + 4 + 3 + 3 + 100 + 3 + 50, 6);
        TlsEvent.CertificatesSeen c = only(events, TlsEvent.CertificatesSeen.class).get(0);
        assertTrue(c.partial());
        assertEquals(1, c.chain().size()); // the one that arrived whole (not DER here, so it says so)
        assertEquals(new Cut(3 + 3 + 100 + 3 + 50, 3 + 3 + 100 + 3 + 300, "certificate_list"), c.cut());
    }

    @Test
    void recordsAfterAHoleInsideARecordAreRead() {
        byte[] hello = record(22, 0x0303, handshake(2, concat(u16(0x0303), new byte[32], vec8(new byte[0]), u16(0xc02f),
                new byte[] {0}, vec16(new byte[0]))));
        byte[] certificate = record(22, 0x0303, handshake(11, vec24(vec24(new byte[900]))));
        byte[] flight = concat(hello, certificate);
        // the snaplen keeps the ServerHello and the Certificate's first 100 bytes; the hole ends with that record
        tls.onData(S, flight, 0, hello.length + 100, at(S, 6));
        tls.onGap(S, flight.length - hello.length - 100, at(S, 6));
        byte[] next = concat(record(22, 0x0303, handshake(14, new byte[0])), record(20, 0x0303, new byte[] {1}),
                record(21, 0x0303, new byte[] {2, 40}));
        tls.onData(S, next, 0, next.length, at(S, 8));
        assertEquals(List.of("ServerHello TLS 1.2 771,49199, null hrr=false", "Certificates ",
                "Problem gap server: 815 bytes missing inside a handshake message; the messages after it are read",
                "Handshake S server_hello_done 0", "CCS S", "Encrypted S 21", "Alert S unknown encrypted"), describeAll(events)
                .stream().map(s -> s.startsWith("Certificates") ? "Certificates " : s).toList());
    }

    @Test
    void aHoleOverARecordHeaderLosesTheFramingUntilASegmentStartsWithARecord() {
        byte[] first = concat(record(23, 0x0303, new byte[40]), record(23, 0x0303, new byte[40]));
        tls.onData(S, first, 0, 45, at(S, 3)); // the first record, whole; the second one's header is in the hole
        tls.onGap(S, first.length - 45, at(S, 3));
        byte[] next = concat(record(23, 0x0303, new byte[30]), record(21, 0x0303, new byte[] {2, 40}));
        tls.onData(S, next, 0, next.length, at(S, 5));
        List<String> seen = describeAll(events);
        assertEquals("Problem gap server: 45 bytes missing, record framing lost; the rest of this direction is only"
                + " counted unless a later segment starts with a record", seen.get(1));
        TlsEvent.FramingRegained regained = only(events, TlsEvent.FramingRegained.class).get(0);
        assertEquals(5, regained.at().frame());
        assertEquals(45, regained.skipped());
        assertEquals(40 + 45 + 30, tls.encryptedBytes(S)); // the hole counts as ciphertext
        assertEquals(3, tls.records(S)); // one record before the hole, two after the regain
        assertEquals("Alert S fatal handshake_failure", seen.get(seen.size() - 1));
    }

    @Test
    void aSegmentAfterTheHoleThatDoesNotStartWithARecordLeavesTheFramingLost() {
        byte[] first = concat(record(23, 0x0303, new byte[40]), record(23, 0x0303, new byte[40]));
        tls.onData(S, first, 0, 45, at(S, 3));
        tls.onGap(S, first.length - 45, at(S, 3));
        byte[] ciphertext = {(byte) 0x9c, 0x11, 0x03, 0x00, 0x10, 0x17, 0x03, 0x03, 0x00, 0x05};
        tls.onData(S, ciphertext, 0, ciphertext.length, at(S, 5));
        // later bytes in the same stretch, not after a hole, are never taken for a record boundary
        byte[] alert = record(21, 0x0303, new byte[] {2, 40});
        tls.onData(S, alert, 0, alert.length, at(S, 6));
        assertTrue(only(events, TlsEvent.FramingRegained.class).isEmpty());
        assertTrue(only(events, TlsEvent.Alert.class).isEmpty());
    }

    @Test
    void afterARegainAnAlertLongerThanOneAlertIsEncrypted() {
        // TLS 1.2, -s 96: the client's ChangeCipherSpec crossed in the hole, so its close_notify (26 bytes with
        // AES-GCM) must not be read as thirteen plaintext alerts
        byte[] flight = concat(record(22, 0x0303, handshake(16, new byte[66])), record(20, 0x0303, new byte[] {1}),
                record(22, 0x0303, new byte[40]));
        tls.onData(C, flight, 0, 30, at(C, 8));
        tls.onGap(C, flight.length - 30, at(C, 8));
        byte[] alert = record(21, 0x0303, new byte[26]);
        tls.onData(C, alert, 0, alert.length, at(C, 12));
        List<TlsEvent.Alert> alerts = only(events, TlsEvent.Alert.class);
        assertEquals(1, alerts.size());
        assertTrue(alerts.get(0).encrypted());
    }

    /**
     * Every recorded conversation, cut as a snaplen cuts it (each segment's first N payload bytes, the rest a hole):
     * the analyzer never fails, every hello it reports is either the whole one (same JA3) or a cut one without
     * fingerprints whose lists begin the whole one's, and alerts are never more than the whole conversation's.
     */
    @Test
    void recordedConversationsCutAtAnySnaplenKeepOnlyWhatArrived() {
        for (String name : List.of("gnutls-tls13", "openssl-tls12", "openssl-tls13", "openssl-unknown-ca-tls12",
                "openssl-unknown-ca-tls13", "openssl-version-mismatch")) {
            List<TlsTestSupport.Chunk> chunks = TlsTestSupport.segments(name);
            List<TlsEvent> whole = TlsTestSupport.feed(chunks);
            ClientHello wholeHello = only(whole, TlsEvent.ClientHelloSeen.class).get(0).hello();
            for (int snap : new int[] {1, 5, 9, 30, 60, 134, 234, 500}) {
                List<TlsEvent> cut = new ArrayList<>();
                TlsAnalyzer a = new TlsAnalyzer(e -> cut.add((TlsEvent) e));
                long frame = 0;
                for (TlsTestSupport.Chunk c : chunks) {
                    frame++;
                    int n = Math.min(snap, c.bytes().length);
                    a.onData(c.direction(), c.bytes(), 0, n, at(c.direction(), frame));
                    if (n < c.bytes().length) {
                        a.onGap(c.direction(), c.bytes().length - n, at(c.direction(), frame));
                    }
                }
                a.onEnd(C, at(C, frame));
                a.onEnd(S, at(S, frame));
                String where = name + " at snaplen " + snap;
                assertTrue(cut.stream().noneMatch(e -> e instanceof TlsEvent.Problem p && p.code().equals("internal-error")), where);
                for (TlsEvent.ClientHelloSeen seen : only(cut, TlsEvent.ClientHelloSeen.class)) {
                    ClientHello h = seen.hello();
                    if (h.partial()) {
                        assertNull(h.ja3(), where);
                        assertEquals(wholeHello.cipherSuites().subList(0, h.cipherSuites().size()), h.cipherSuites(), where);
                        assertEquals(wholeHello.extensions().subList(0, h.extensions().size()), h.extensions(), where);
                    } else {
                        assertEquals(wholeHello.ja3(), h.ja3(), where);
                    }
                }
                assertTrue(only(cut, TlsEvent.Alert.class).size() <= only(whole, TlsEvent.Alert.class).size(), where);
            }
        }
    }

    @Test
    void aStreamEndingInsideACertificateReportsWhatArrived() {
        byte[] message = handshake(11, vec24(vec24(new byte[500])));
        byte[] r = record(22, 0x0303, message);
        tls.onData(S, r, 0, 200, at(S, 6));
        tls.onEnd(S, at(S, 7));
        TlsEvent.CertificatesSeen c = only(events, TlsEvent.CertificatesSeen.class).get(0);
        assertTrue(c.chain().isEmpty());
        assertEquals(191, c.cut().captured());
    }
}
