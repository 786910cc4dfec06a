package io.mailscope.dissect.tls;

import io.mailscope.dissect.At;
import io.mailscope.dissect.tls.TlsTestSupport.Chunk;
import io.mailscope.dissect.tls.TlsTestSupport.Split;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.mailscope.dissect.tls.TlsTestSupport.C;
import static io.mailscope.dissect.tls.TlsTestSupport.S;
import static io.mailscope.dissect.tls.TlsTestSupport.chunk;
import static io.mailscope.dissect.tls.TlsTestSupport.describeAll;
import static io.mailscope.dissect.tls.TlsTestSupport.first;
import static io.mailscope.dissect.tls.TlsTestSupport.only;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TLS analyzer with a key log: RFC 8448's trace decrypted record by record, whole and in any chunks. */
class DecryptingAnalyzerTest {

    /** What a decrypting run gave: the events and the application data of each direction. */
    record Run(List<TlsEvent> events, byte[] client, byte[] server, List<Boolean> insideTls) {
        List<String> described() {
            List<String> d = new ArrayList<>(describeAll(events));
            d.add("client data " + TlsTestSupport.HEX.formatHex(client));
            d.add("server data " + TlsTestSupport.HEX.formatHex(server));
            return d;
        }
    }

    static KeyLog keyLog(String text) {
        KeyLog keys = new KeyLog();
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        keys.addEmbedded("test", b, 0, b.length);
        return keys;
    }

    static Run run(List<Chunk> chunks, KeyLog keys) {
        List<TlsEvent> events = new ArrayList<>();
        List<Boolean> inside = new ArrayList<>();
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ByteArrayOutputStream server = new ByteArrayOutputStream();
        TlsAnalyzer analyzer = new TlsAnalyzer(e -> {
            events.add((TlsEvent) e);
            inside.add(e.at().insideTls());
        }, keys, new TlsAnalyzer.Plaintext() {
            @Override
            public void applicationData(Direction d, byte[] buf, int off, int len, At at) {
                assertTrue(at.insideTls(), "application data is marked inside TLS");
                (d == C ? client : server).write(buf, off, len);
            }

            @Override
            public void lost(Direction d, long length, At at) {
                (d == C ? client : server).writeBytes(("[lost " + length + "]").getBytes(StandardCharsets.US_ASCII));
            }
        });
        TlsTestSupport.feed(analyzer, chunks);
        analyzer.onEnd(C, TlsTestSupport.at(C, 1000));
        analyzer.onEnd(S, TlsTestSupport.at(S, 1001));
        return new Run(events, client.toByteArray(), server.toByteArray(), inside);
    }

    /** Runs the conversation whole, as given, split at every byte and in random chunks: all must agree. */
    static Run runEveryWay(List<Chunk> chunks, String keyLog) {
        Run first = run(chunks, keyLog(keyLog));
        for (Split split : Split.values()) {
            for (long seed = 0; seed < (split == Split.RANDOM ? 10 : 1); seed++) {
                Run again = run(TlsTestSupport.split(chunks, split, seed), keyLog(keyLog));
                assertEquals(first.described(), again.described(), split + " seed " + seed);
            }
        }
        return first;
    }

    static List<Chunk> rfc8448() {
        return List.of(chunk(C, Rfc8448.CLIENT_HELLO_RECORD),
                chunk(S, Rfc8448.SERVER_HELLO_RECORD, Rfc8448.SERVER_FLIGHT_RECORD),
                chunk(C, Rfc8448.CLIENT_FINISHED_RECORD),
                chunk(S, Rfc8448.SERVER_TICKET_RECORD),
                chunk(C, Rfc8448.CLIENT_DATA_RECORD),
                chunk(S, Rfc8448.SERVER_DATA_RECORD),
                chunk(C, Rfc8448.CLIENT_ALERT_RECORD),
                chunk(S, Rfc8448.SERVER_ALERT_RECORD));
    }

    @Test
    void rfc8448TraceDecryptsRecordByRecord() {
        Run run = runEveryWay(rfc8448(), Rfc8448.keyLog());
        assertEquals(List.of(
                "ServerHello TLS 1.3 771,4865,51-43 null hrr=false",
                "Encrypted S 23",
                "Decrypted TLS 1.3 TLS_AES_128_GCM_SHA256",
                "Handshake S encrypted_extensions 36",
                "Certificates CN=rsa|" + first(run.events(), TlsEvent.CertificatesSeen.class).chain().get(0).sha256() + "|null",
                "Handshake S certificate_verify 132",
                "Handshake S finished 32",
                "Encrypted C 23",
                "Handshake C finished 32",
                "Handshake S new_session_ticket 201",
                "AppData C",
                "Alert C warning close_notify",
                "Alert S warning close_notify"),
                describeAll(run.events()).subList(1, run.events().size()));
        assertArrayEquals(Rfc8448.DATA, run.client());
        assertArrayEquals(Rfc8448.DATA, run.server());
        TlsEvent.Alert alert = first(run.events(), TlsEvent.Alert.class);
        assertTrue(alert.at().insideTls(), "a decrypted alert is marked inside TLS");
        assertEquals(0, only(run.events(), TlsEvent.DecryptionFailed.class).size());
    }

    @Test
    void withoutTheKeyTheSessionSaysSoOnce() {
        String other = Rfc8448.keyLog().replace("cb34ecb1", "00000000");
        Run run = run(rfc8448(), keyLog(other));
        List<TlsEvent.DecryptionFailed> failed = only(run.events(), TlsEvent.DecryptionFailed.class);
        assertEquals(1, failed.size(), describeAll(run.events()).toString());
        assertEquals("no key for this session (client random cb34ecb1e78163ba... is not in the key log)",
                failed.get(0).reason());
        assertEquals(0, run.client().length + run.server().length);
    }

    @Test
    void aWrongKeyIsATagMismatchInTheFirstRecord() {
        String wrong = Rfc8448.keyLog().replace("b67b7d69", "b67b7d6a");
        Run run = run(rfc8448(), keyLog(wrong));
        TlsEvent.DecryptionFailed failed = first(run.events(), TlsEvent.DecryptionFailed.class);
        assertEquals("authentication tag mismatch in server record 1 (frame 2): the key in the key log does not"
                + " belong to this session or was corrupted", failed.reason());
        // the client's direction still decrypts: its keys are right
        assertArrayEquals(Rfc8448.DATA, run.client());
    }

    @Test
    void aCorruptedRecordLaterOnNamesTheRecord() {
        byte[] data = Rfc8448.SERVER_DATA_RECORD.clone();
        data[20] ^= 1;
        List<Chunk> chunks = new ArrayList<>(rfc8448());
        chunks.set(5, chunk(S, data));
        Run run = run(chunks, keyLog(Rfc8448.keyLog()));
        assertEquals("authentication tag mismatch in server record 3 (frame 6)",
                first(run.events(), TlsEvent.DecryptionFailed.class).reason());
        assertArrayEquals(Rfc8448.DATA, run.client());
        assertEquals(0, run.server().length);
    }

    @Test
    void keysThatArriveLaterDecryptTheRecordsThatWaited() {
        KeyLog keys = keyLog("");
        List<TlsEvent> events = new ArrayList<>();
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        TlsAnalyzer analyzer = new TlsAnalyzer(e -> events.add((TlsEvent) e), keys, new TlsAnalyzer.Plaintext() {
            @Override
            public void applicationData(Direction d, byte[] buf, int off, int len, At at) {
                if (d == C) {
                    client.write(buf, off, len);
                }
            }

            @Override
            public void lost(Direction d, long length, At at) {
            }
        });
        List<Chunk> chunks = rfc8448();
        TlsTestSupport.feed(analyzer, chunks.subList(0, 4));
        assertEquals(0, client.size(), "nothing before the key");
        byte[] log = Rfc8448.keyLog().getBytes(StandardCharsets.US_ASCII);
        keys.addEmbedded("later", log, 0, log.length);
        TlsTestSupport.feed(analyzer, chunks.subList(4, chunks.size()));
        assertArrayEquals(Rfc8448.DATA, client.toByteArray());
        assertEquals(List.of(), describeAll(only(events, TlsEvent.DecryptionFailed.class)));
    }
}
