package io.mailscope.dissect.imap;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.tcp.Direction;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scripted IMAP conversation (what each side sent, in order) that tests feed to {@link ImapAnalyzer} whole,
 * split at every byte, and in random chunks. Every chunk of step i carries frame i, so the three ways of feeding
 * must give exactly the same events.
 */
final class Conversation {
    static final Direction C = Direction.CLIENT_TO_SERVER;
    static final Direction S = Direction.SERVER_TO_CLIENT;

    enum Kind { DATA, GAP, END, PLAINTEXT }

    record Step(Direction direction, Kind kind, byte[] bytes, long gap) {}

    /** What one run produced. */
    record Run(List<Event> events, ImapAnalyzer analyzer, byte[] clientLeft, byte[] serverLeft) {
        <T> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        List<String> problems() {
            return all(ImapEvent.Problem.class).stream().map(ImapEvent.Problem::code).toList();
        }

        byte[] left(Direction d) {
            return d == C ? clientLeft : serverLeft;
        }
    }

    interface Chunker {
        /** Splits n bytes into chunk lengths. */
        int[] split(int n);
    }

    static final Chunker WHOLE = n -> new int[] {n};
    static final Chunker BYTES = n -> {
        int[] r = new int[n];
        java.util.Arrays.fill(r, 1);
        return r;
    };

    static Chunker random(long seed) {
        Random random = new Random(seed);
        return n -> {
            List<Integer> sizes = new ArrayList<>();
            int left = n;
            while (left > 0) {
                int k = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 7 : 200));
                sizes.add(k);
                left -= k;
            }
            return sizes.stream().mapToInt(Integer::intValue).toArray();
        };
    }

    private final List<Step> steps = new ArrayList<>();
    private boolean redact = true;
    private int maxLine = LineFramer.DEFAULT_MAX_LINE;

    Conversation client(String text) {
        return add(C, text.getBytes(StandardCharsets.UTF_8));
    }

    Conversation server(String text) {
        return add(S, text.getBytes(StandardCharsets.UTF_8));
    }

    Conversation add(Direction d, byte[] bytes) {
        steps.add(new Step(d, Kind.DATA, bytes, 0));
        return this;
    }

    Conversation gap(Direction d, long n) {
        steps.add(new Step(d, Kind.GAP, new byte[0], n));
        return this;
    }

    Conversation end(Direction d) {
        steps.add(new Step(d, Kind.END, new byte[0], 0));
        return this;
    }

    /** The caller found plaintext after STARTTLS in this direction. */
    Conversation continuePlaintext(Direction d) {
        steps.add(new Step(d, Kind.PLAINTEXT, new byte[0], 0));
        return this;
    }

    Conversation redact(boolean redact) {
        this.redact = redact;
        return this;
    }

    Conversation maxLine(int maxLine) {
        this.maxLine = maxLine;
        return this;
    }

    Run run(Chunker chunker) {
        List<Event> events = new ArrayList<>();
        ImapAnalyzer analyzer = new ImapAnalyzer(events::add, redact, maxLine);
        ByteArrayOutputStream clientLeft = new ByteArrayOutputStream();
        ByteArrayOutputStream serverLeft = new ByteArrayOutputStream();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            At at = new At(step.direction(), i, i * 1_000_000L);
            ByteArrayOutputStream left = step.direction() == C ? clientLeft : serverLeft;
            switch (step.kind()) {
                case END -> analyzer.onEnd(step.direction(), at);
                case GAP -> analyzer.onGap(step.direction(), step.gap(), at);
                case PLAINTEXT -> {
                    // what a caller does: the bytes it held back turned out to be plaintext, so IMAP gets them
                    analyzer.continuePlaintext(step.direction());
                    byte[] held = left.toByteArray();
                    left.reset();
                    int used = analyzer.onData(step.direction(), held, 0, held.length, at);
                    left.write(held, used, held.length - used);
                }
                case DATA -> { }
            }
            if (step.kind() != Kind.DATA) continue;
            int off = 0;
            for (int size : chunker.split(step.bytes().length)) {
                int used = analyzer.onData(step.direction(), step.bytes(), off, size, at);
                if (used < size || left.size() > 0) left.write(step.bytes(), off + used, size - used);
                off += size;
            }
        }
        return new Run(events, analyzer, clientLeft.toByteArray(), serverLeft.toByteArray());
    }

    /** Runs whole, byte by byte and in random chunks; asserts they agree; returns the whole run. */
    Run runAllWays() {
        Run whole = run(WHOLE);
        assertSame(whole, run(BYTES), "split at every byte");
        for (long seed = 1; seed <= 5; seed++) assertSame(whole, run(random(seed)), "random chunks, seed " + seed);
        return whole;
    }

    private static void assertSame(Run expected, Run actual, String how) {
        assertEquals(render(expected.events()), render(actual.events()), how);
        assertEquals(new String(expected.clientLeft(), StandardCharsets.ISO_8859_1),
                new String(actual.clientLeft(), StandardCharsets.ISO_8859_1), how + ": client bytes left");
        assertEquals(new String(expected.serverLeft(), StandardCharsets.ISO_8859_1),
                new String(actual.serverLeft(), StandardCharsets.ISO_8859_1), how + ": server bytes left");
    }

    static String render(List<Event> events) {
        StringBuilder b = new StringBuilder();
        for (Event e : events) b.append(e).append('\n');
        return b.toString();
    }

    static <T> List<String> map(List<T> list, Function<T, String> f) {
        return list.stream().map(f).toList();
    }
}
