package io.mailscope.dissect;

import io.mailscope.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detector and the handoff between analyzers never let an exception out and never grow without bound,
 * whatever the bytes: real recorded streams mutated at random (flipped, inserted, deleted bytes, gaps,
 * truncation), plus pure noise. Seeded and bounded in time, so a failure can be replayed.
 */
class SessionAnalyzerFuzzTest {
    static final List<String> SEEDS = List.of("starttls-ok-python.pcap", "starttls-gnutls.pcap", "imaps-ok-tls12.pcap",
            "login-before-starttls.pcap", "hand-typed-mistakes.pcap", "plaintext-after-starttls.pcap", "certificate-rejected-tls12.pcap");

    @Test
    void mutatedRealStreamsNeverEscapeOrGrowWithoutBound() throws Exception {
        List<RecordedStreams> corpus = new ArrayList<>();
        for (String s : SEEDS) {
            corpus.add(RecordedStreams.of(s));
        }
        Random random = new Random(20261126);
        long deadline = System.nanoTime() + 3_000_000_000L;
        int runs = 0;
        while (System.nanoTime() < deadline || runs < 200) {
            RecordedStreams rec = corpus.get(random.nextInt(corpus.size()));
            Session s = new Session(rec.connection(), PortRole.values()[random.nextInt(3)]);
            SessionAnalyzer a = new SessionAnalyzer(s, true);
            for (RecordedStreams.Chunk c : rec.chunks()) {
                if (random.nextInt(40) == 0) {
                    a.onGap(c.direction(), 1 + random.nextInt(5000), c.frame(), c.timeNanos());
                    continue;
                }
                byte[] data = mutate(c.data(), random);
                int off = 0;
                while (off < data.length) {
                    int n = 1 + random.nextInt(Math.min(data.length - off, 200));
                    a.onData(c.direction(), data, off, n, c.frame(), c.timeNanos());
                    off += n;
                }
                if (random.nextInt(100) == 0) {
                    break;
                }
            }
            if (random.nextInt(5) == 0) {
                byte[] noise = new byte[random.nextInt(4096)];
                random.nextBytes(noise);
                a.onData(random.nextBoolean() ? Direction.CLIENT_TO_SERVER : Direction.SERVER_TO_CLIENT, noise, 0, noise.length, 1, 1);
            }
            a.onEnd(Direction.CLIENT_TO_SERVER, 1, 1);
            a.onEnd(Direction.SERVER_TO_CLIENT, 1, 1);
            assertTrue(s.events().size() <= Session.HEAD + Session.KEY + Session.TAIL, "events are bounded");
            assertTrue(s.events().stream().noneMatch(e -> e instanceof SessionEvent.InternalError),
                    "run " + runs + ": " + s.events());
            runs++;
        }
        assertTrue(runs >= 200);
    }

    private static byte[] mutate(byte[] in, Random r) {
        if (in.length == 0 || r.nextInt(3) == 0) {
            return in;
        }
        byte[] b = in.clone();
        int edits = 1 + r.nextInt(4);
        for (int i = 0; i < edits; i++) {
            switch (r.nextInt(4)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, Math.max(1, r.nextInt(b.length + 1)));
                default -> {
                    int at = r.nextInt(b.length);
                    byte[] grown = new byte[b.length + 8];
                    System.arraycopy(b, 0, grown, 0, at);
                    for (int k = 0; k < 8; k++) {
                        grown[at + k] = (byte) "{99999}\r\n".charAt(r.nextInt(9));
                    }
                    System.arraycopy(b, at, grown, at + 8, b.length - at);
                    b = grown;
                }
            }
        }
        return b;
    }
}
