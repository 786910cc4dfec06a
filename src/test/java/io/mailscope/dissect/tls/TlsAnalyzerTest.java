package io.mailscope.dissect.tls;

import io.mailscope.dissect.tls.TlsTestSupport.Chunk;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static io.mailscope.dissect.tls.TlsTestSupport.C;
import static io.mailscope.dissect.tls.TlsTestSupport.S;
import static io.mailscope.dissect.tls.TlsTestSupport.at;
import static io.mailscope.dissect.tls.TlsTestSupport.chunk;
import static io.mailscope.dissect.tls.TlsTestSupport.concat;
import static io.mailscope.dissect.tls.TlsTestSupport.describeAll;
import static io.mailscope.dissect.tls.TlsTestSupport.extension;
import static io.mailscope.dissect.tls.TlsTestSupport.feedEveryWay;
import static io.mailscope.dissect.tls.TlsTestSupport.first;
import static io.mailscope.dissect.tls.TlsTestSupport.handshake;
import static io.mailscope.dissect.tls.TlsTestSupport.only;
import static io.mailscope.dissect.tls.TlsTestSupport.record;
import static io.mailscope.dissect.tls.TlsTestSupport.segments;
import static io.mailscope.dissect.tls.TlsTestSupport.sniExtension;
import static io.mailscope.dissect.tls.TlsTestSupport.u16;
import static io.mailscope.dissect.tls.TlsTestSupport.u24;
import static io.mailscope.dissect.tls.TlsTestSupport.vec16;
import static io.mailscope.dissect.tls.TlsTestSupport.vec24;
import static io.mailscope.dissect.tls.TlsTestSupport.vec8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Record layer, reassembly and encryption-state behaviour of {@link TlsAnalyzer}, on hand-built streams. */
class TlsAnalyzerTest {
    private static final byte[] HRR_RANDOM = HexFormat.of()
            .parseHex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    static byte[] clientHello() {
        return handshake(1, TlsTestSupport.clientHelloBody(new int[] {0x1301, 0xc02f},
                sniExtension("mail.example.test"), extension(0x002b, vec8(TlsTestSupport.u16s(0x0304, 0x0303)))));
    }

    static byte[] serverHello(int version, byte[] random) {
        byte[] ext = version == 0x0304 ? extension(0x002b, u16(0x0304)) : new byte[0];
        return handshake(2, concat(u16(0x0303), random, vec8(new byte[0]), u16(0x1301), new byte[] {0}, vec16(ext)));
    }

    static byte[] ccs() {
        return record(20, 0x0303, new byte[] {1});
    }

    private static List<TlsEvent> events(TlsAnalyzer[] holder) {
        List<TlsEvent> events = new ArrayList<>();
        holder[0] = new TlsAnalyzer(e -> events.add((TlsEvent) e));
        return events;
    }

    @Test
    void clientHelloSplitOverThreeSegmentsParses() {
        byte[] hello = segments("openssl-tls13").get(0).bytes();
        int a = hello.length / 3;
        int b = 2 * hello.length / 3;
        List<TlsEvent> events = TlsTestSupport.feed(List.of(new Chunk(C, Arrays.copyOfRange(hello, 0, a)),
                new Chunk(C, Arrays.copyOfRange(hello, a, b)), new Chunk(C, Arrays.copyOfRange(hello, b, hello.length))));
        assertEquals(1, events.size(), describeAll(events).toString());
        assertEquals("mail.example.test", first(events, TlsEvent.ClientHelloSeen.class).hello().sni());
        assertEquals(first(TlsTestSupport.feed(List.of(new Chunk(C, hello))), TlsEvent.ClientHelloSeen.class)
                .hello().ja4(), first(events, TlsEvent.ClientHelloSeen.class).hello().ja4());
    }

    @Test
    void clientHelloFragmentedOverThreeRecordsParses() {
        byte[] msg = clientHello();
        int a = 3; // even the 4-byte handshake header is split between records
        int b = msg.length / 2;
        List<TlsEvent> events = feedEveryWay(List.of(chunk(C,
                record(22, 0x0301, Arrays.copyOfRange(msg, 0, a)), record(22, 0x0303, Arrays.copyOfRange(msg, a, b)),
                record(22, 0x0303, Arrays.copyOfRange(msg, b, msg.length)))));
        ClientHello hello = first(events, TlsEvent.ClientHelloSeen.class).hello();
        assertEquals("mail.example.test", hello.sni());
        assertEquals(0x0301, hello.recordVersion(), "the version of the record the hello began in");
        assertEquals(0x0304, hello.highestVersion());
        assertEquals(1, events.size());
    }

    @Test
    void twoHandshakeMessagesInOneRecordAreBothSeen() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S,
                record(22, 0x0303, concat(serverHello(0x0303, new byte[32]), handshake(14, new byte[0]))))));
        assertEquals(List.of("ServerHello TLS 1.2 771,4865, null hrr=false", "Handshake S server_hello_done 0"),
                describeAll(events));
    }

    @Test
    void plaintextOnTlsPortIsBadRecordAndTheRestIsOnlyCounted() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] line = "a1 LOGIN alice secret\r\n".getBytes(StandardCharsets.US_ASCII);
        a[0].onData(C, line, 0, line.length, at(C, 1));
        a[0].onData(C, line, 0, line.length, at(C, 2));
        assertEquals(1, events.size());
        TlsEvent.Problem p = first(events, TlsEvent.Problem.class);
        assertEquals("bad-record", p.code());
        assertTrue(p.detail().contains("content type 97"), p.detail());
        assertEquals(2L * line.length, a[0].unparsedBytes(C));
        assertEquals(0, a[0].encryptedBytes(C));
    }

    @Test
    void recordLongerThanTheLimitIsRecordTooLong() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, new byte[] {23, 3, 3, 0x48, 0x01}, new byte[100])));
        assertEquals("record-too-long", first(events, TlsEvent.Problem.class).code());
        assertEquals(1, events.size());
    }

    @Test
    void recordOfExactlyTheLimitIsAccepted() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        TlsTestSupport.feed(a[0], List.of(chunk(S, record(23, 0x0303, new byte[18432]))));
        assertEquals(List.of("Encrypted S 23"), describeAll(events));
        assertEquals(18432, a[0].encryptedBytes(S));
    }

    @Test
    void wrongRecordVersionIsBadRecord() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(C, new byte[] {22, 2, 0, 0, 5, 1, 0, 0, 1, 0})));
        assertEquals("bad-record", first(events, TlsEvent.Problem.class).code());
    }

    @Test
    void handshakeOfSixteenMegabytesIsReportedAndSkippedWithoutBufferingIt() {
        byte[] header = concat(new byte[] {1}, u24(0xffffff));
        byte[] filler = record(22, 0x0303, new byte[16384]);
        int total = 0xffffff + 4;
        int fillers = total / 16384 - 1;
        int rest = total - 16384 * (fillers + 1);
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] first = record(22, 0x0303, concat(header, new byte[16384 - 4]));
        byte[] last = record(22, 0x0303, concat(new byte[rest], clientHello()));

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        a[0].onData(C, first, 0, first.length, at(C, 1));
        for (int i = 1; i <= fillers; i++) {
            a[0].onData(C, filler, 0, filler.length, at(C, 1 + i));
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        a[0].onData(C, last, 0, last.length, at(C, fillers + 2));

        assertTrue(allocated < 1_000_000, "allocated " + allocated + " bytes while skipping 16 MB");
        TlsEvent.Problem p = first(events, TlsEvent.Problem.class);
        assertEquals("handshake-too-long", p.code());
        assertTrue(p.detail().contains("client_hello of 16777215 bytes exceeds 65536"), p.detail());
        assertEquals("mail.example.test", first(events, TlsEvent.ClientHelloSeen.class).hello().sni(),
                "the message after the skipped one is parsed: framing survived");
    }

    @Test
    void certificateAboveItsCapIsHandshakeTooLong() {
        byte[] msg = concat(new byte[] {11}, u24(300 * 1024), new byte[100]);
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, record(22, 0x0303, msg))));
        assertTrue(first(events, TlsEvent.Problem.class).detail().contains("certificate of 307200 bytes"));
    }

    @Test
    void changeCipherSpecTurnsThatDirectionEncryptedInTls12() {
        byte[] finished = new byte[40];
        Arrays.fill(finished, (byte) 0x99); // ciphertext: must not be read as a handshake message
        List<TlsEvent> events = feedEveryWay(List.of(
                chunk(C, record(22, 0x0301, clientHello())),
                chunk(S, record(22, 0x0303, serverHello(0x0303, new byte[32]))),
                chunk(C, ccs(), record(22, 0x0303, finished), record(21, 0x0303, new byte[26]),
                        record(23, 0x0303, new byte[30]))));
        List<String> seq = describeAll(events).subList(2, describeAll(events).size());
        assertEquals(List.of("CCS C", "Encrypted C 22", "Alert C unknown encrypted", "AppData C"), seq);
    }

    @Test
    void encryptedBytesCountBodiesOfEncryptedRecords() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        events(a);
        TlsTestSupport.feed(a[0], List.of(chunk(C, ccs(), record(22, 0x0303, new byte[40]),
                record(23, 0x0303, new byte[100]))));
        assertEquals(140, a[0].encryptedBytes(C));
        assertEquals(0, a[0].encryptedBytes(S));
    }

    @Test
    void afterTls13ServerHelloEveryServerRecordButChangeCipherSpecIsEncrypted() {
        List<TlsEvent> events = feedEveryWay(List.of(
                chunk(C, record(22, 0x0301, clientHello())),
                chunk(S, record(22, 0x0303, serverHello(0x0304, new byte[32])), ccs(),
                        record(23, 0x0303, new byte[50]), record(22, 0x0303, handshake(14, new byte[0]))),
                chunk(C, ccs(), record(23, 0x0303, new byte[60]))));
        List<String> seq = describeAll(events);
        assertEquals(List.of("CCS S", "Encrypted S 23", "CCS C", "Encrypted C 23"), seq.subList(2, seq.size()));
    }

    @Test
    void clientAlertInTheClearAfterTls13ServerHelloIsRead() {
        List<TlsEvent> events = feedEveryWay(List.of(
                chunk(C, record(22, 0x0301, clientHello())),
                chunk(S, record(22, 0x0303, serverHello(0x0304, new byte[32])), ccs(), record(23, 0x0303, new byte[50])),
                chunk(C, record(21, 0x0303, new byte[] {2, 48}))));
        TlsEvent.Alert alert = first(events, TlsEvent.Alert.class);
        assertFalse(alert.encrypted());
        assertEquals("unknown_ca", alert.descriptionName());
    }

    @Test
    void helloRetryRequestLeavesTheSecondClientHelloReadable() {
        List<TlsEvent> events = feedEveryWay(List.of(
                chunk(C, record(22, 0x0301, clientHello())),
                chunk(S, record(22, 0x0303, serverHello(0x0304, HRR_RANDOM)), ccs()),
                chunk(C, ccs(), record(22, 0x0303, clientHello())),
                chunk(S, record(22, 0x0303, serverHello(0x0304, new byte[32])), record(23, 0x0303, new byte[20]))));
        assertTrue(first(events, TlsEvent.ServerHelloSeen.class).hello().helloRetryRequest());
        assertEquals(2, only(events, TlsEvent.ClientHelloSeen.class).size());
        assertEquals(2, only(events, TlsEvent.ServerHelloSeen.class).size());
        assertEquals(List.of("Encrypted S 23"), describeAll(only(events, TlsEvent.EncryptedStarted.class)));
        assertTrue(only(events, TlsEvent.Problem.class).isEmpty());
    }

    @Test
    void applicationDataWithoutHandshakeCountsAsEncrypted() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, record(23, 0x0303, new byte[10]),
                record(23, 0x0303, new byte[10]))));
        assertEquals(List.of("Encrypted S 23"), describeAll(events));
    }

    @Test
    void severalAlertsInOneRecordAndAnAlertSplitAcrossRecords() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, record(21, 0x0303, new byte[] {1, 0, 2, 40, 2}),
                record(21, 0x0303, new byte[] {70}))));
        assertEquals(List.of("Alert S warning close_notify", "Alert S fatal handshake_failure",
                "Alert S fatal protocol_version"), describeAll(events));
    }

    @Test
    void heartbeatRecordsAreSkipped() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(C, record(24, 0x0303, new byte[] {1, 0, 16}),
                record(22, 0x0303, clientHello()))));
        assertEquals(1, only(events, TlsEvent.ClientHelloSeen.class).size());
        assertEquals(1, events.size());
    }

    @Test
    void otherHandshakeMessagesCarryTheirIanaName() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, record(22, 0x0303, concat(
                handshake(12, new byte[70]), handshake(13, new byte[5]), handshake(14, new byte[0]))))));
        assertEquals(List.of("Handshake S server_key_exchange 70", "Handshake S certificate_request 5",
                "Handshake S server_hello_done 0"), describeAll(events));
    }

    @Test
    void malformedClientHelloIsAProblem() {
        byte[] body = TlsTestSupport.clientHelloBody(new int[] {0x1301}, sniExtension("x.example"));
        body[body.length - "x.example".length() - 2] = 0x7f; // server_name length now claims more than is there
        List<TlsEvent> events = feedEveryWay(List.of(chunk(C, record(22, 0x0303, handshake(1, body)))));
        TlsEvent.Problem p = first(events, TlsEvent.Problem.class);
        assertEquals("malformed-hello", p.code());
        assertTrue(p.detail().startsWith("client_hello: server_name"), p.detail());
    }

    @Test
    void serverSendingAClientHelloIsUnexpected() {
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, record(22, 0x0303, clientHello()))));
        assertEquals(List.of("Problem unexpected-message client_hello sent by the server"), describeAll(events));
    }

    @Test
    void badCertificateDerGivesAnEntryWithErrorNotAnException() {
        byte[] junk = "not a certificate".getBytes(StandardCharsets.US_ASCII);
        byte[] msg = handshake(11, vec24(vec24(junk)));
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, record(22, 0x0303, msg))));
        CertificateInfo info = first(events, TlsEvent.CertificatesSeen.class).chain().get(0);
        assertNotNull(info.error());
        assertNull(info.subject());
        assertEquals(64, info.sha256().length());
    }

    @Test
    void certificateListLongerThanItsMessageIsMalformedCertificate() {
        byte[] msg = handshake(11, concat(u24(500), u24(3), new byte[] {1, 2, 3}));
        List<TlsEvent> events = feedEveryWay(List.of(chunk(S, record(22, 0x0303, msg))));
        assertEquals("malformed-certificate", first(events, TlsEvent.Problem.class).code());
    }

    @Test
    void gapInsideCiphertextKeepsTheRecordFraming() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] r = record(23, 0x0303, new byte[100]);
        a[0].onData(S, r, 0, 30, at(S, 1));
        a[0].onGap(S, 50, at(S, 2));
        a[0].onData(S, r, 80, 25, at(S, 3));
        a[0].onData(S, record(21, 0x0303, new byte[] {1, 0}), 0, 7, at(S, 4));
        assertEquals(List.of("Encrypted S 23", "Alert S warning close_notify"), describeAll(events));
        assertEquals(100, a[0].encryptedBytes(S));
        assertEquals(0, a[0].unparsedBytes(S));
    }

    @Test
    void gapInsideAHelloReportsItCutAndReadsTheMessagesAfterIt() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] r = record(22, 0x0303, clientHello());
        a[0].onData(C, r, 0, 20, at(C, 1));
        a[0].onGap(C, 10, at(C, 2));
        a[0].onData(C, r, 30, r.length - 30, at(C, 3));
        byte[] more = concat(record(22, 0x0303, clientHello()), ccs(), record(23, 0x0303, new byte[8]));
        a[0].onData(C, more, 0, more.length, at(C, 4));
        List<TlsEvent.ClientHelloSeen> hellos = only(events, TlsEvent.ClientHelloSeen.class);
        assertEquals(2, hellos.size());
        // the first: 11 body bytes arrived (legacy_version and 9 bytes of the random), so it is cut in the random
        assertEquals(new Cut(11, clientHello().length - 4, "random"), hellos.get(0).hello().cut());
        assertEquals(null, hellos.get(0).hello().ja3());
        assertEquals(2, hellos.get(0).at().frame());
        assertEquals("mail.example.test", hellos.get(1).hello().sni());
        assertEquals(List.of("Problem gap client: 10 bytes missing inside a handshake message; the messages after it are read",
                "CCS C", "Encrypted C 23", "AppData C"), describeAll(events).stream()
                .filter(d -> !d.startsWith("ClientHello")).toList());
    }

    @Test
    void gapCrossingTheEndOfAHandshakeMessageStopsHandshakeParsingButNotTheRecordLayer() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] r = record(22, 0x0303, concat(handshake(12, new byte[20]), handshake(14, new byte[0])));
        a[0].onData(S, r, 0, 19, at(S, 1));
        a[0].onGap(S, 12, at(S, 2)); // the rest of server_key_exchange and server_hello_done's first 2 header bytes
        a[0].onData(S, r, 31, r.length - 31, at(S, 3));
        byte[] more = concat(record(22, 0x0303, handshake(14, new byte[0])), ccs(), record(23, 0x0303, new byte[8]));
        a[0].onData(S, more, 0, more.length, at(S, 4));
        assertEquals(List.of("Problem gap server: 12 bytes missing inside a handshake record", "CCS S",
                "Encrypted S 23", "AppData S"), describeAll(events));
    }

    @Test
    void gapBetweenRecordsLosesFramingAndTheRestOfAnEncryptedStreamIsCounted() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] r = record(23, 0x0303, new byte[100]);
        a[0].onData(S, r, 0, r.length, at(S, 1));
        a[0].onGap(S, 1000, at(S, 2));
        a[0].onData(S, new byte[500], 0, 500, at(S, 3));
        assertEquals("gap", first(events, TlsEvent.Problem.class).code());
        assertEquals(1600, a[0].encryptedBytes(S));
        assertEquals(1500, a[0].unparsedBytes(S));
        assertEquals(2, events.size());
    }

    @Test
    void bytesAfterAGapInsideAHandshakeMessageAreCountedToItsEnd() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        // The hole is counted as part of the server_key_exchange, so the server_hello_done after it is read from its
        // own header (read on blindly, the bytes after the hole would complete the server_key_exchange instead).
        byte[] r = record(22, 0x0303, concat(handshake(12, new byte[20]), handshake(14, new byte[0])));
        a[0].onData(S, r, 0, 19, at(S, 1));
        a[0].onGap(S, 2, at(S, 2));
        a[0].onData(S, r, 21, r.length - 21, at(S, 3));
        assertEquals(List.of("Problem gap server: 2 bytes missing inside a handshake message; the messages after it are read",
                "Handshake S server_key_exchange 20", "Handshake S server_hello_done 0"), describeAll(events));
    }

    @Test
    void emptyGapBetweenRecordsChangesNothing() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] r = record(22, 0x0303, clientHello());
        a[0].onGap(C, 0, at(C, 1));
        a[0].onData(C, r, 0, r.length, at(C, 2));
        assertEquals(1, only(events, TlsEvent.ClientHelloSeen.class).size());
        assertEquals(1, events.size());
    }

    @Test
    void streamEndingInsideARecordIsTruncated() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] r = record(22, 0x0303, clientHello());
        a[0].onData(C, r, 0, 40, at(C, 1));
        a[0].onEnd(C, at(C, 2));
        a[0].onEnd(S, at(S, 3));
        assertEquals("Problem truncated client: stream ended inside a handshake record", describeAll(events).get(0));
        // what arrived of the hello is still reported, marked cut in its random
        ClientHello cut = only(events, TlsEvent.ClientHelloSeen.class).get(0).hello();
        assertEquals(new Cut(31, clientHello().length - 4, "random"), cut.cut());
        assertEquals(2, events.size());
    }

    @Test
    void eventsCarryWhereTheirLastByteArrived() {
        TlsAnalyzer[] a = new TlsAnalyzer[1];
        List<TlsEvent> events = events(a);
        byte[] r = record(22, 0x0303, clientHello());
        a[0].onData(C, r, 0, 10, at(C, 7));
        a[0].onData(C, r, 10, r.length - 10, at(C, 8));
        assertEquals(8, first(events, TlsEvent.ClientHelloSeen.class).at().frame());
    }
}
