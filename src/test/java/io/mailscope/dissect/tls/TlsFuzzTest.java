package io.mailscope.dissect.tls;

import io.mailscope.dissect.tls.TlsTestSupport.Chunk;
import io.mailscope.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded, time-bounded fuzzing: real conversations mutated (bit flips, hostile lengths, insertions, cuts, gaps)
 * and random bytes behind valid record headers. Nothing may escape the analyzer, nothing may allocate in
 * proportion to a claimed length, and every problem must be one of the documented codes.
 */
class TlsFuzzTest {
    private static final long SEED = 0x6d61696c73L;
    private static final long BUDGET_NANOS = 4_000_000_000L;
    private static final Set<String> CODES = Set.of("bad-record", "record-too-long", "handshake-too-long",
            "malformed-hello", "malformed-certificate", "unexpected-message", "gap", "truncated");
    private static final String[] CORPUS = {"openssl-tls13", "openssl-tls12", "gnutls-tls13",
            "openssl-version-mismatch", "openssl-unknown-ca-tls12", "openssl-unknown-ca-tls13"};

    @Test
    void mutatedConversationsNeverThrowNorAllocateUnboundedly() {
        List<List<Chunk>> corpus = new ArrayList<>();
        for (String name : CORPUS) {
            corpus.add(TlsTestSupport.segments(name));
        }
        // Warm up first: the first certificate loads Bouncy Castle, the first name loads the IANA tables.
        for (List<Chunk> conversation : corpus) {
            TlsTestSupport.feed(conversation);
        }
        Random random = new Random(SEED);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int iterations = 0;
        long worstAllocation = 0;
        int worstIteration = 0;
        while (System.nanoTime() < deadline || iterations < 200) {
            iterations++;
            List<Chunk> input = random.nextInt(10) == 0 ? randomRecords(random)
                    : mutate(corpus.get(random.nextInt(corpus.size())), random);
            List<TlsEvent> events = new ArrayList<>();
            TlsAnalyzer analyzer = new TlsAnalyzer(e -> events.add((TlsEvent) e));
            long before = threads.getThreadAllocatedBytes(thread);
            try {
                long frame = 0;
                for (Chunk c : input) {
                    frame++;
                    if (random.nextInt(40) == 0) {
                        analyzer.onGap(c.direction(), 1 + random.nextInt(3000), TlsTestSupport.at(c.direction(), frame));
                    }
                    for (Chunk piece : TlsTestSupport.split(List.of(c), TlsTestSupport.Split.RANDOM, random.nextLong())) {
                        analyzer.onData(piece.direction(), piece.bytes(), 0, piece.bytes().length,
                                TlsTestSupport.at(c.direction(), frame));
                    }
                }
                analyzer.onEnd(Direction.CLIENT_TO_SERVER, TlsTestSupport.at(Direction.CLIENT_TO_SERVER, frame + 1));
                analyzer.onEnd(Direction.SERVER_TO_CLIENT, TlsTestSupport.at(Direction.SERVER_TO_CLIENT, frame + 1));
            } catch (Throwable t) {
                fail("iteration " + iterations + " threw", t);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            if (allocated > worstAllocation) {
                worstAllocation = allocated;
                worstIteration = iterations;
            }
            for (TlsEvent e : events) {
                if (e instanceof TlsEvent.Problem p && !CODES.contains(p.code())) {
                    fail("iteration " + iterations + ": undocumented problem " + p);
                }
            }
        }
        assertTrue(worstAllocation < 8_000_000, "iteration " + worstIteration + " allocated " + worstAllocation + " bytes");
        System.out.printf("TLS fuzz: %d iterations, worst allocation %d bytes%n", iterations, worstAllocation);
    }

    @Test
    void mutatedHelloBodiesParseOrAreMalformedNothingElse() throws Exception {
        byte[] clientRecord = TlsTestSupport.segments("openssl-tls13").get(0).bytes();
        byte[] serverRecord = TlsTestSupport.segments("openssl-tls13").get(1).bytes();
        byte[] clientBody = java.util.Arrays.copyOfRange(clientRecord, 9, clientRecord.length);
        // The server's first segment holds ServerHello and more records: its body is the ServerHello message alone.
        int serverLen = ((serverRecord[6] & 0xff) << 16) | ((serverRecord[7] & 0xff) << 8) | (serverRecord[8] & 0xff);
        byte[] serverBody = java.util.Arrays.copyOfRange(serverRecord, 9, 9 + serverLen);
        // The originals parse: a parser that rejected everything would pass the loop below.
        ClientHelloParser.parse(clientBody, 0, clientBody.length, 0x0301);
        ServerHelloParser.parse(serverBody, 0, serverBody.length);
        Random random = new Random(SEED + 1);
        int parsedClient = 0;
        int parsedServer = 0;
        int rounds = 20_000;
        for (int i = 0; i < rounds; i++) {
            if (parses(mutated(clientBody, random), random, true)) {
                parsedClient++;
            }
            if (parses(mutated(serverBody, random), random, false)) {
                parsedServer++;
            }
        }
        // One to four random bytes in a hello of hundreds mostly land in opaque fields (random, key share, session id).
        assertTrue(parsedClient > rounds / 10, "only " + parsedClient + " mutated ClientHellos parsed");
        assertTrue(parsedServer > rounds / 10, "only " + parsedServer + " mutated ServerHellos parsed");
    }

    private static byte[] mutated(byte[] body, Random random) {
        byte[] m = body.clone();
        int flips = 1 + random.nextInt(4);
        for (int f = 0; f < flips; f++) {
            m[random.nextInt(m.length)] = (byte) random.nextInt(256);
        }
        return m;
    }

    /** True when the (possibly cut) body parses; false when it is malformed; anything else thrown fails the test. */
    private static boolean parses(byte[] m, Random random, boolean client) {
        int len = random.nextInt(4) == 0 ? random.nextInt(m.length + 1) : m.length;
        try {
            if (client) {
                ClientHelloParser.parse(m, 0, len, 0x0301);
            } else {
                ServerHelloParser.parse(m, 0, len);
            }
            return true;
        } catch (WireReader.Malformed expected) {
            return false; // the only way a hello may fail
        }
    }

    private static List<Chunk> mutate(List<Chunk> original, Random random) {
        List<Chunk> out = new ArrayList<>();
        for (Chunk c : original) {
            byte[] b = c.bytes().clone();
            switch (random.nextInt(6)) {
                case 0 -> { // flip a few bytes
                    for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
                        b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
                    }
                }
                case 1 -> { // hostile lengths: record length, handshake length, vector lengths
                    int pos = Math.min(b.length - 1, random.nextInt(Math.min(b.length, 64)));
                    b[pos] = (byte) 0xff;
                    if (pos + 1 < b.length) {
                        b[pos + 1] = (byte) 0xff;
                    }
                }
                case 2 -> { // a 16 MB handshake length right after the record header
                    if (b.length > 8 && b[0] == 22) {
                        b[6] = (byte) 0xff;
                        b[7] = (byte) 0xff;
                        b[8] = (byte) 0xff;
                    }
                }
                case 3 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length + 1)); // cut short
                case 4 -> { // insert random bytes
                    byte[] extra = new byte[1 + random.nextInt(20)];
                    random.nextBytes(extra);
                    int at = random.nextInt(b.length + 1);
                    b = TlsTestSupport.concat(java.util.Arrays.copyOf(b, at), extra,
                            java.util.Arrays.copyOfRange(b, at, b.length));
                }
                default -> {
                    // unchanged
                }
            }
            if (random.nextInt(15) != 0) { // sometimes drop a whole segment
                out.add(new Chunk(c.direction(), b));
            }
        }
        return out;
    }

    /** Random bodies behind valid record headers, so the handshake and alert code sees garbage, not just the header check. */
    private static List<Chunk> randomRecords(Random random) {
        List<Chunk> out = new ArrayList<>();
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
            byte[] body = new byte[random.nextInt(600)];
            random.nextBytes(body);
            if (body.length > 4 && random.nextBoolean()) {
                body[0] = (byte) (1 + random.nextInt(2) * (random.nextBoolean() ? 1 : 10)); // 1, 2, 11
            }
            int type = 20 + random.nextInt(5);
            Direction d = random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT;
            out.add(new Chunk(d, TlsTestSupport.record(type, 0x0300 + random.nextInt(5), body)));
        }
        return out;
    }
}
