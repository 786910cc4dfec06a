package io.mailscope.dissect.imap;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.mailscope.dissect.imap.Conversation.C;
import static io.mailscope.dissect.imap.Conversation.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded, time-bounded fuzzing: random bytes and mutated real transcripts, fed in random chunks with random gaps,
 * ends and plaintext continuations. Nothing may escape, nothing may allocate in proportion to a claimed length,
 * and no input may reach the internal-error path (that would be a bug, not bad input).
 */
class ImapFuzzTest {
    private static final long SEED = 0x1D1E5EEDL;
    private static final long BUDGET_NANOS = 3_000_000_000L;
    private static final String[] TRANSCRIPTS = {"dovecot-logindisabled", "dovecot-starttls", "dovecot-session",
            "dovecot-literals", "dovecot-authenticate", "dovecot-sasl-ir-idle-compress", "dovecot-typed-by-hand",
            "dovecot-starttls-then-plaintext", "dovecot-starttls-pipelined", "dovecot-client-first"};
    private static final String[] NASTY = {"{4294967296}\r\n", "{99999999999999999999}\r\n", "{5+}\r\n", "~{3}\r\n",
            "\r\n", "\n", "\r", "a1 STARTTLS\r\n", "a1 OK go\r\n", "a1 COMPRESS DEFLATE\r\n", "DONE\r\n", "*\r\n",
            "a1 AUTHENTICATE PLAIN\r\n", "+ \r\n", "* OK [CAPABILITY X", "\"unterminated", "[", "]", "\0", "\u001b"};

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void randomAndMutatedInputsNeverEscapeAndStayBounded() {
        Random random = new Random(SEED);
        List<List<ImapRealTrafficTest.Chunk>> seeds = new ArrayList<>();
        for (String t : TRANSCRIPTS) seeds.add(ImapRealTrafficTest.chunks(t));
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int runs = 0;
        long bytes = 0;
        while (System.nanoTime() < deadline && runs < 20_000) {
            List<ImapRealTrafficTest.Chunk> input = random.nextInt(4) == 0
                    ? randomChunks(random)
                    : mutate(seeds.get(random.nextInt(seeds.size())), random);
            bytes += runOne(input, random);
            runs++;
        }
        assertTrue(runs > 50, "only " + runs + " runs in the time budget");
        System.out.printf("imap fuzz: %d runs, %d bytes%n", runs, bytes);
    }

    private long runOne(List<ImapRealTrafficTest.Chunk> input, Random random) {
        List<Event> events = new ArrayList<>();
        ImapAnalyzer analyzer = new ImapAnalyzer(events::add, random.nextBoolean(), 64 + random.nextInt(8192));
        long fed = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        int frame = 0;
        for (ImapRealTrafficTest.Chunk chunk : input) {
            Direction d = chunk.direction();
            At at = new At(d, frame++, 0);
            byte[] b = chunk.bytes();
            int off = 0;
            while (off < b.length) {
                int n = Math.min(b.length - off, 1 + random.nextInt(64));
                int used = analyzer.onData(d, b, off, n, at);
                assertTrue(used >= 0 && used <= n, "onData returned " + used + " of " + n);
                if (used < n && analyzer.tlsPending(d) && random.nextInt(3) == 0) analyzer.continuePlaintext(d);
                off += n;
                fed += n;
            }
            switch (random.nextInt(40)) {
                case 0 -> analyzer.onGap(d, 1 + (random.nextBoolean() ? random.nextInt(100) : random.nextLong(1L << 40)), at);
                case 1 -> analyzer.onEnd(d, at);
                default -> { }
            }
        }
        analyzer.onEnd(C, new At(C, frame, 0));
        analyzer.onEnd(S, new At(S, frame, 0));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < (1 << 20) + 400L * fed,
                "allocated " + allocated + " bytes for " + fed + " input bytes");
        for (Event e : events) {
            assertNotNull(e.at());
            if (e instanceof ImapEvent.Problem p) {
                if (p.code().equals("internal-error")) fail("internal error on fuzz input: " + p.detail());
            }
            if (e instanceof ImapEvent.Command c) assertTrue(c.display().length() <= ImapText.MAX_DISPLAY + 20);
            if (e instanceof ImapEvent.Response r) assertTrue(r.display().length() <= ImapText.MAX_DISPLAY + 20);
        }
        return fed;
    }

    private static List<ImapRealTrafficTest.Chunk> randomChunks(Random random) {
        List<ImapRealTrafficTest.Chunk> out = new ArrayList<>();
        int n = 1 + random.nextInt(20);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[random.nextInt(300)];
            random.nextBytes(b);
            if (random.nextBoolean()) {
                for (int j = 0; j < b.length; j++) b[j] = (byte) " \r\n{}+0123456789*ABOK[]\"a".charAt(random.nextInt(25));
            }
            out.add(new ImapRealTrafficTest.Chunk(random.nextBoolean() ? C : S, b));
        }
        return out;
    }

    private static List<ImapRealTrafficTest.Chunk> mutate(List<ImapRealTrafficTest.Chunk> seed, Random random) {
        List<ImapRealTrafficTest.Chunk> out = new ArrayList<>();
        for (ImapRealTrafficTest.Chunk chunk : seed) {
            byte[] b = chunk.bytes().clone();
            if (b.length > 0 && random.nextInt(3) == 0) {
                switch (random.nextInt(4)) {
                    case 0 -> b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    case 1 -> b = splice(b, random.nextInt(b.length),
                            NASTY[random.nextInt(NASTY.length)].getBytes(StandardCharsets.ISO_8859_1));
                    case 2 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
                    default -> b = splice(b, random.nextInt(b.length), b);
                }
            }
            out.add(new ImapRealTrafficTest.Chunk(chunk.direction(), b));
        }
        return out;
    }

    private static byte[] splice(byte[] b, int at, byte[] insert) {
        byte[] r = new byte[b.length + insert.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(insert, 0, r, at, insert.length);
        System.arraycopy(b, at, r, at + insert.length, b.length - at);
        return r;
    }

    @Test
    void failingSinkBecomesInternalErrorAndStopsOnlyThatDirection() {
        List<Event> events = new ArrayList<>();
        boolean[] thrown = {false};
        ImapAnalyzer analyzer = new ImapAnalyzer(e -> {
            if (e instanceof ImapEvent.Command && !thrown[0]) {
                thrown[0] = true;
                throw new IllegalStateException("sink broke");
            }
            events.add(e);
        }, true);
        At c = new At(C, 1, 0);
        byte[] line = "a1 NOOP\r\na2 NOOP\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(line.length, analyzer.onData(C, line, 0, line.length, c));
        assertEquals(line.length, analyzer.onData(C, line, 0, line.length, c));
        byte[] ok = "* OK hi\r\n".getBytes(StandardCharsets.US_ASCII);
        analyzer.onData(S, ok, 0, ok.length, new At(S, 2, 0));
        List<String> kinds = events.stream().map(e -> e.getClass().getSimpleName()).toList();
        assertEquals(List.of("InternalError", "Response"), kinds);
        assertTrue(((io.mailscope.dissect.SessionEvent.InternalError) events.get(0)).detail().contains("sink broke"));
        assertEquals(line.length, analyzer.ignoredBytes(C));
        assertFalse(analyzer.tlsPending(C));
    }
}
