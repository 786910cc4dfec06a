package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.mailscope.cli.PcapStream.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile captures, generated in code and streamed through standard input into mailscope running with a 64 MB
 * heap ({@link SmallHeapRun}): lengths that claim gigabytes, lines that never end, more connections than the
 * limit, holes that are never filled, a million packets. Each must finish, report its sessions and not run out of
 * memory: the memory bounds hold end to end, not only in each component's own test.
 */
class HostileInputTest {
    static final int SERVER = ip(10, 0, 0, 2);
    static final int MB = 1 << 20;

    @Test
    @Timeout(120)
    void imapClientAnnouncingA4GbLiteralThenSendingMegabytes() throws Exception {
        byte[] junk = noise(64 * 1024, 1);
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            PcapStream.Conn c = pcap.conn(ip(10, 0, 0, 1), 40001, SERVER, 143).handshake();
            c.server("* OK IMAP4rev1 ready\r\n").client("a1 APPEND INBOX {4294967296}\r\n").server("+ go ahead\r\n");
            for (int i = 0; i < 128; i++) { // 8 MiB of the literal, and then the client gives up
                c.client(junk);
            }
            c.fin();
            // An announced size that does not even fit in a long, then a normal session after both.
            PcapStream.Conn d = pcap.conn(ip(10, 0, 0, 3), 40002, SERVER, 143).handshake();
            d.server("* OK ready\r\n").client("a1 LOGIN {99999999999999999999999999}\r\n").server("+ ok\r\n");
            for (int i = 0; i < 32; i++) {
                d.client(junk);
            }
            d.fin();
            PcapStream.Conn e = pcap.conn(ip(10, 0, 0, 4), 40003, SERVER, 143).handshake();
            e.server("* OK ready\r\n").client("a1 LOGOUT\r\n").server("* BYE\r\na1 OK bye\r\n").fin();
        });
        List<JsonNode> sessions = r.sessions();
        assertEquals(3, sessions.size(), r.out());
        JsonNode huge = session(sessions, "10.0.0.1:40001");
        assertEquals("a1 APPEND INBOX {4294967296}\r\n".length() + 128L * junk.length, huge.get("tcp").get("client_bytes").asLong());
        assertTrue(huge.get("imap").get("transcript").toString().contains("{4294967296}"), huge.toString());
        JsonNode overflow = session(sessions, "10.0.0.3:40002");
        assertEquals(32L * junk.length + "a1 LOGIN {99999999999999999999999999}\r\n".length(), overflow.get("tcp").get("client_bytes").asLong());
        JsonNode normal = session(sessions, "10.0.0.4:40003");
        assertEquals("ok", normal.get("outcome").asText(), normal.toString());
        assertTrue(normal.get("imap").get("transcript").toString().contains("a1 OK bye"), normal.toString());
    }

    @Test
    @Timeout(120)
    void serverLineThatNeverEnds() throws Exception {
        byte[] line = new byte[64 * 1024];
        Arrays.fill(line, (byte) 'A');
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            PcapStream.Conn c = pcap.conn(ip(10, 0, 0, 1), 40001, SERVER, 143).handshake();
            c.server("* OK ");
            for (int i = 0; i < 160; i++) { // 10 MiB without a line end
                c.server(line);
            }
            c.fin();
        });
        JsonNode s = session(r.sessions(), "10.0.0.1:40001");
        assertEquals(5 + 160L * line.length, s.get("tcp").get("server_bytes").asLong());
        JsonNode greeting = s.get("imap").get("greeting");
        assertTrue(greeting.isNull() || greeting.asText().length() < 64 * 1024, "the kept line is bounded: " + greeting.asText().length());
        assertTrue(s.toString().length() < MB, "the session's report is bounded: " + s.toString().length());
    }

    @Test
    @Timeout(120)
    void tlsHandshakeClaiming16MbInSeveralConnectionsAtOnce() throws Exception {
        // Eight connections interleaved, each with a handshake message claiming 16 MiB (length 0xffffff) and then
        // sending 20 MiB of records: buffered, they would need 128 MiB or more.
        byte[] record = new byte[5 + 16 * 1024];
        record[0] = 22;
        record[1] = 3;
        record[2] = 1;
        record[3] = (byte) (16 * 1024 >> 8);
        record[4] = 0;
        byte[] first = record.clone();
        first[5] = 1; // ClientHello (or ServerHello from the server), 0xffffff bytes long
        first[6] = first[7] = first[8] = (byte) 0xff;
        byte[] oversized = {22, 3, 1, (byte) 0xff, (byte) 0xff, 1, 0, 0, 10}; // a record over 2^14 + 2048
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            List<PcapStream.Conn> conns = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                PcapStream.Conn c = pcap.conn(ip(10, 0, 1, i), 41000 + i, SERVER, 993).handshake();
                conns.add(c);
                if (i % 2 == 0) {
                    c.client(first);
                } else {
                    c.client(Arrays.copyOf(first, 5 + 512)); // a normal-looking start, then the server claims 16 MiB
                    first[5] = 2;
                    c.server(first);
                    first[5] = 1;
                }
            }
            for (int k = 0; k < 20 * 64; k++) {
                for (int i = 0; i < conns.size(); i++) {
                    if (i % 2 == 0) {
                        conns.get(i).client(record);
                    } else {
                        conns.get(i).server(record);
                    }
                }
            }
            conns.forEach(PcapStream.Conn::fin);
            pcap.conn(ip(10, 0, 2, 1), 42000, SERVER, 993).handshake().client(oversized).client(noise(MB, 2)).fin();
        });
        List<JsonNode> sessions = r.sessions();
        assertEquals(9, sessions.size(), r.err());
        for (JsonNode s : sessions) {
            assertTrue(s.get("tcp").get("client_bytes").asLong() + s.get("tcp").get("server_bytes").asLong() > MB, s.toString());
            assertEquals("fin", s.get("tcp").get("end_reason").asText(), s.toString());
        }
    }

    @Test
    @Timeout(120)
    void twoHundredThousandHalfOpenConnectionsAreEvictedPerMaxConnections() throws Exception {
        int n = 200_000;
        int max = 20_000;
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> synFlood(pcap, n), "--max-connections", String.valueOf(max), "--session", "1," + n);
        JsonNode summary = r.summary();
        assertEquals(n, summary.get("sessions").asInt(), summary.toString());
        assertEquals(2, summary.get("sessions_shown").asInt(), summary.toString());
        assertEquals(n - max, summary.get("dropped").get("evicted_for_space").asLong(), summary.toString());
        List<JsonNode> shown = r.sessions();
        assertEquals(List.of(1L, (long) n), shown.stream().map(s -> s.get("id").asLong()).sorted().toList());
        assertEquals("memory_limit", session(shown, "10.1.0.0:1024").get("tcp").get("end_reason").asText());
    }

    @Test
    @Timeout(120)
    void twoHundredThousandHalfOpenConnectionsFitTheDefaultLimitInASmallHeap() throws Exception {
        int n = 200_000;
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> synFlood(pcap, n), "--only-failed", "--port", "1");
        JsonNode summary = r.summary();
        assertEquals(n, summary.get("sessions").asInt(), summary.toString());
        // The default limit follows the heap: about 4,000 connections in 64 MB, not 100,000.
        long evicted = summary.get("dropped").get("evicted_for_space").asLong();
        assertTrue(evicted >= n - AnalysisOptions.defaultMaxConnections(64L << 20) && evicted <= n - 1_000, summary.toString());
    }

    @Test
    @Timeout(120)
    void runningOutOfMemoryAnywayIsOneLineNotAStackTrace() throws Exception {
        // Limits a heap cannot hold, given explicitly: the last resort must still be a clear message. (A SYN flood no
        // longer does it: unanswered SYNs are compact records of ~170 bytes, and 200,000 of them fit in 16 MB with
        // room to spare. Completed handshakes are whole connections of about 1 KB each: in 16 MB even the event
        // budget's floor, 20,000 of them, does not fit.)
        SmallHeapRun r = SmallHeapRun.run("-Xmx16m", pcap -> handshakeFlood(pcap, 200_000), false, "--max-connections", "200000", "--only-failed", "--port", "1");
        assertEquals(Main.EXIT_USAGE, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("mailscope: out of memory (a Java heap of "), r.err());
        assertTrue(r.err().contains("--max-connections"), r.err());
    }

    /** Handshakes from n different clients to one server, completed and then silent. */
    private static void handshakeFlood(PcapStream pcap, int n) {
        for (int i = 0; i < n; i++) {
            pcap.conn(ip(10, 1, i >> 16 & 0xff, i >> 8 & 0xff), 1024 + (i & 0xff), SERVER, 143).handshake();
        }
    }

    /** SYNs from n different clients to one server, none answered, all within two seconds. */
    private static void synFlood(PcapStream pcap, int n) {
        for (int i = 0; i < n; i++) {
            pcap.conn(ip(10, 1, i >> 16 & 0xff, i >> 8 & 0xff), 1024 + (i & 0xff), SERVER, 143).syn();
        }
    }

    @Test
    @Timeout(120)
    void holesThatAreNeverFilledAreBoundedByMaxBuffer() throws Exception {
        // Eight connections each send 12 MiB beyond a 1000-byte hole that never fills: kept, 96 MiB. (One endless
        // line: noise would be parsed into thousands of events per session, which is another test's subject.)
        byte[] chunk = new byte[PcapStream.MSS];
        Arrays.fill(chunk, (byte) 'x');
        int conns = 8;
        int segments = 12 * MB / PcapStream.MSS;
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            List<PcapStream.Conn> cs = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                PcapStream.Conn c = pcap.conn(ip(10, 0, 3, i), 43000 + i, SERVER, 143).handshake();
                c.server("* OK ready\r\n").client("a1 NOOP\r\n");
                cs.add(c);
            }
            for (int k = 0; k < segments; k++) {
                for (PcapStream.Conn c : cs) {
                    c.clientBeyondHole(1000 + (long) k * chunk.length, chunk, 0, chunk.length);
                }
            }
            for (PcapStream.Conn c : cs) {
                c.cSeq += 1000 + (long) segments * chunk.length;
                c.fin();
            }
        }, "--max-buffer", String.valueOf(MB));
        List<JsonNode> sessions = r.sessions();
        assertEquals(conns, sessions.size(), r.err());
        JsonNode summary = r.summary();
        for (JsonNode s : sessions) {
            JsonNode tcp = s.get("tcp");
            assertTrue(tcp.get("gaps").asLong() >= 1, tcp.toString());
            assertTrue(tcp.get("gap_bytes").asLong() >= 1000, tcp.toString());
            // Every byte is either delivered after the hole was given up, or counted as dropped.
            assertTrue(tcp.get("client_bytes").asLong() > 9, tcp.toString());
        }
        long delivered = sessions.stream().mapToLong(s -> s.get("tcp").get("client_bytes").asLong() - 9).sum();
        long dropped = summary.get("dropped").get("out_of_order_bytes").asLong();
        assertEquals((long) conns * segments * chunk.length, delivered + dropped, summary.toString());
    }

    @Test
    @Timeout(120)
    void manyConnectionsHoldingOutOfOrderDataAtOnce() throws Exception {
        // 120 connections each hold just under --max-buffer (1 MiB) beyond a hole: 120 MiB if nothing else bounds it.
        byte[] chunk = noise(PcapStream.MSS, 4);
        int conns = 120;
        int segments = (MB - 2 * PcapStream.MSS) / PcapStream.MSS;
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            List<PcapStream.Conn> cs = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                cs.add(pcap.conn(ip(10, 0, 6, i), 46000 + i, SERVER, 143).handshake().server("* OK ready\r\n"));
            }
            for (int k = 0; k < segments; k++) {
                for (PcapStream.Conn c : cs) {
                    c.clientBeyondHole(100 + (long) k * chunk.length, chunk, 0, chunk.length);
                }
            }
            for (PcapStream.Conn c : cs) {
                c.client("a1 NOOP\r\n"); // fills nothing: the hole stays
            }
        }, "--port", "1");
        JsonNode summary = r.summary();
        assertEquals(conns, summary.get("sessions").asInt(), summary.toString());
    }

    @Test
    @Timeout(120)
    void manyConnectionsWithHandshakesLeftHalfSent() throws Exception {
        // Each connection leaves a ClientHello (claiming 60 KiB) and a Certificate (claiming 250 KiB) nearly complete.
        int conns = 200;
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            for (int i = 0; i < conns; i++) {
                PcapStream.Conn c = pcap.conn(ip(10, 0, 7, i), 47000 + i, SERVER, 993).handshake();
                c.client(handshakeStart(1, 60 * 1024, 59 * 1024)).server(handshakeStart(11, 250 * 1024, 240 * 1024));
            }
        }, "--port", "1");
        JsonNode summary = r.summary();
        assertEquals(conns, summary.get("sessions").asInt(), summary.toString());
        // 60 MB of messages in progress do not fit: the least recently active connections are reported early.
        assertTrue(summary.get("dropped").get("evicted_for_space").asLong() > 0, summary.toString());
        assertEquals(conns * (long) handshakeStart(1, 60 * 1024, 59 * 1024).length, summary.get("client_bytes").asLong());
        assertEquals(conns * (long) handshakeStart(11, 250 * 1024, 240 * 1024).length, summary.get("server_bytes").asLong());
    }

    @Test
    @Timeout(120)
    void manyConnectionsWithLinesLeftUnfinished() throws Exception {
        // Each connection leaves an 8 KiB line unfinished each way (the line bound), all at once.
        int conns = 3000;
        byte[] line = new byte[8 * 1024];
        Arrays.fill(line, (byte) 'y');
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            for (int i = 0; i < conns; i++) {
                PcapStream.Conn c = pcap.conn(ip(10, 1, i >> 8, i & 0xff), 48000, SERVER, 143).handshake();
                c.server(line).client(line);
            }
        }, "--port", "1");
        JsonNode summary = r.summary();
        assertEquals(conns, summary.get("sessions").asInt(), summary.toString());
        assertTrue(summary.get("dropped").get("evicted_for_space").asLong() > 0, summary.toString());
        assertEquals(conns * (long) line.length, summary.get("client_bytes").asLong());
    }

    @Test
    @Timeout(120)
    void manyConnectionsWithCommandsNeverAnswered() throws Exception {
        // Each connection pipelines a thousand commands with distinct tags that the server never answers.
        int conns = 2000;
        StringBuilder commands = new StringBuilder();
        for (int k = 0; k < 1000; k++) {
            commands.append("tag").append(k).append(" NOOP\r\n");
        }
        byte[] pipelined = commands.toString().getBytes(StandardCharsets.US_ASCII);
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            for (int i = 0; i < conns; i++) {
                pcap.conn(ip(10, 2, i >> 8, i & 0xff), 49000, SERVER, 143).handshake().server("* OK ready\r\n").client(pipelined);
            }
        }, "--port", "1");
        JsonNode summary = r.summary();
        assertEquals(conns, summary.get("sessions").asInt(), summary.toString());
        assertEquals(conns * (long) pipelined.length, summary.get("client_bytes").asLong());
    }

    /** TLS records carrying the first {@code send} bytes of a handshake message of type {@code type} claiming {@code length}. */
    static byte[] handshakeStart(int type, int length, int send) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        byte[] body = new byte[4 + send];
        body[0] = (byte) type;
        body[1] = (byte) (length >> 16);
        body[2] = (byte) (length >> 8);
        body[3] = (byte) length;
        for (int at = 0; at < body.length; at += 16 * 1024) {
            int n = Math.min(16 * 1024, body.length - at);
            b.writeBytes(new byte[] {22, 3, 3, (byte) (n >> 8), (byte) n});
            b.write(body, at, n);
        }
        return b.toByteArray();
    }

    @Test
    @Timeout(120)
    void aMillionTinyPacketsStreamedThroughStandardInput() throws Exception {
        int conns = 10;
        int commands = 50_000; // a command and its answer each: 100,000 packets per connection
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            for (int i = 0; i < conns; i++) {
                PcapStream.Conn c = pcap.conn(ip(10, 0, 4, i), 44000 + i, SERVER, 143).handshake();
                c.server("* OK ready\r\n");
                for (int k = 0; k < commands; k++) {
                    String tag = "a" + k;
                    c.client(tag + " NOOP\r\n").server(tag + " OK\r\n");
                }
                c.fin();
            }
        });
        assertTrue(r.frames() >= 1_000_000, "frames: " + r.frames());
        JsonNode summary = r.summary();
        assertEquals(r.frames(), summary.get("frames").asLong(), summary.toString());
        List<JsonNode> sessions = r.sessions();
        assertEquals(conns, sessions.size());
        for (JsonNode s : sessions) {
            assertTrue(s.get("tcp").get("client_packets").asLong() >= commands, s.get("tcp").toString());
            assertTrue(s.get("events_omitted").asLong() > 0, "a long session's events are bounded");
            assertEquals("ok", s.get("outcome").asText(), s.get("findings").toString());
        }
        System.out.println("1M packets through standard input at " + SmallHeapRun.HEAP + ": " + r.millis() + " ms");
    }

    @Test
    @Timeout(120)
    void manyLongConversationsAtOnce() throws Exception {
        // Every connection talks at the same time, each long enough that its kept events reach their bound.
        int conns = 300;
        int commands = 500;
        SmallHeapRun r = SmallHeapRun.analyze(pcap -> {
            List<PcapStream.Conn> cs = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                cs.add(pcap.conn(ip(10, 0, 5 + i / 250, i % 250), 45000 + i, SERVER, 143).handshake().server("* OK ready\r\n"));
            }
            for (int k = 0; k < commands; k++) {
                for (PcapStream.Conn c : cs) {
                    c.client("a" + k + " SELECT \"INBOX/some folder " + k + "\"\r\n")
                            .server("* " + k + " EXISTS\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\na" + k + " OK [READ-WRITE] SELECT completed\r\n");
                }
            }
            cs.forEach(PcapStream.Conn::fin);
        }, "--session", "1");
        JsonNode summary = r.summary();
        // 300 x 2,000 kept events (and more) do not fit 64 MB: over the budget sessions stop growing and omit more
        // of their middle; every session and byte is still reported, whole.
        assertEquals(conns, summary.get("sessions").asInt(), summary.toString());
        assertEquals(0, summary.get("dropped").get("evicted_for_space").asLong(), summary.toString());
        long clientBytes = 0;
        for (int k = 0; k < commands; k++) {
            clientBytes += (long) conns * ("a" + k + " SELECT \"INBOX/some folder " + k + "\"\r\n").length();
        }
        assertEquals(clientBytes, summary.get("client_bytes").asLong(), summary.toString());
        JsonNode first = r.sessions().get(0);
        assertTrue(first.get("events_omitted").asLong() > 1000, "events_omitted " + first.get("events_omitted"));
        assertEquals("ok", first.get("outcome").asText(), first.get("findings").toString());
        assertTrue(first.get("imap").get("transcript").toString().contains("a" + (commands - 1) + " OK"), "the last exchange is kept");
    }

    static JsonNode session(List<JsonNode> sessions, String client) {
        return sessions.stream().filter(s -> s.get("client").asText().equals(client)).findFirst()
                .orElseThrow(() -> new AssertionError("no session of " + client + " in " + sessions));
    }

    static byte[] noise(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String ascii(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
