package io.mailscope.dissect.tls;

import io.mailscope.dissect.At;
import io.mailscope.dissect.tls.TlsTestSupport.Chunk;
import io.mailscope.dissect.tls.decrypt.KeyLog;
import io.mailscope.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The decrypting analyzer on RFC 8448's trace mutated (bit flips in ciphertext and headers, cut and swapped
 * records, gaps) with its right key log, and with random key logs: nothing escapes, at most one decryption note per
 * session, and every problem is a documented code.
 */
class DecryptionFuzzTest {
    private static final long BUDGET_NANOS = 3_000_000_000L;
    private static final Set<String> CODES = Set.of("bad-record", "record-too-long", "handshake-too-long",
            "malformed-hello", "malformed-certificate", "unexpected-message", "unexpected-record", "gap", "truncated");

    @Test
    void mutatedTracesNeverThrow() {
        Random random = new Random(0x72666338L);
        List<Chunk> trace = DecryptingAnalyzerTest.rfc8448();
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int iterations = 0;
        while (System.nanoTime() < deadline || iterations < 100) {
            iterations++;
            List<Chunk> input = mutate(trace, random);
            String log = random.nextInt(5) == 0 ? randomKeyLog(random) : Rfc8448.keyLog();
            List<TlsEvent> events = new ArrayList<>();
            TlsAnalyzer analyzer = new TlsAnalyzer(e -> events.add((TlsEvent) e), DecryptingAnalyzerTest.keyLog(log),
                    new TlsAnalyzer.Plaintext() {
                        @Override
                        public void applicationData(Direction d, byte[] buf, int off, int len, At at) {
                        }

                        @Override
                        public void lost(Direction d, long length, At at) {
                        }
                    });
            try {
                long frame = 0;
                for (Chunk c : input) {
                    frame++;
                    if (random.nextInt(30) == 0) {
                        analyzer.onGap(c.direction(), 1 + random.nextInt(300), TlsTestSupport.at(c.direction(), frame));
                    }
                    for (Chunk piece : TlsTestSupport.split(List.of(c), TlsTestSupport.Split.RANDOM, random.nextLong())) {
                        TlsTestSupport.feed(analyzer, List.of(piece));
                    }
                }
                analyzer.onEnd(Direction.CLIENT_TO_SERVER, TlsTestSupport.at(Direction.CLIENT_TO_SERVER, frame + 1));
                analyzer.onEnd(Direction.SERVER_TO_CLIENT, TlsTestSupport.at(Direction.SERVER_TO_CLIENT, frame + 2));
            } catch (RuntimeException e) {
                fail("iteration " + iterations + " threw", e);
            }
            long notes = events.stream().filter(e -> e instanceof TlsEvent.DecryptionFailed).count();
            assertTrue(notes <= 1, "one decryption note at most: " + TlsTestSupport.describeAll(events));
            for (TlsEvent e : events) {
                if (e instanceof TlsEvent.Problem p) {
                    assertTrue(CODES.contains(p.code()), "iteration " + iterations + ": " + p.code() + " " + p.detail());
                }
            }
        }
    }

    private static String randomKeyLog(Random random) {
        StringBuilder sb = new StringBuilder();
        String r = TlsTestSupport.HEX.formatHex(Rfc8448.CLIENT_RANDOM);
        for (String label : List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0")) {
            if (random.nextInt(4) != 0) {
                byte[] secret = new byte[32];
                random.nextBytes(secret);
                sb.append(label).append(' ').append(r).append(' ').append(TlsTestSupport.HEX.formatHex(secret)).append('\n');
            }
        }
        return sb.toString();
    }

    private static List<Chunk> mutate(List<Chunk> trace, Random random) {
        List<Chunk> out = new ArrayList<>();
        for (Chunk c : trace) {
            byte[] b = c.bytes().clone();
            switch (random.nextInt(6)) {
                case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
                case 2 -> {
                    if (!out.isEmpty() && random.nextBoolean()) {
                        Chunk last = out.remove(out.size() - 1);
                        out.add(new Chunk(c.direction(), b));
                        b = last.bytes();
                        c = last;
                    }
                }
                default -> { }
            }
            out.add(new Chunk(c.direction(), b));
        }
        return out;
    }
}
