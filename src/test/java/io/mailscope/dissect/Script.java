package io.mailscope.dissect;

import io.mailscope.tcp.Direction;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scripted conversation of a line-based protocol, fed to a {@link ProtocolAnalyzer} whole, split at every byte
 * and in random chunks. Every chunk of step i carries frame i, so the three ways must give the same events; what a
 * direction leaves unconsumed after an upgrade is what the TLS analyzer would get.
 */
public final class Script {
    public static final Direction C = Direction.CLIENT_TO_SERVER;
    public static final Direction S = Direction.SERVER_TO_CLIENT;

    private record Step(Direction direction, byte[] bytes, long gap, boolean end) {}

    /** What one run produced. */
    public record Run(List<Event> events, ProtocolAnalyzer analyzer, byte[] clientLeft, byte[] serverLeft) {
        public <T> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }

        public <T> T first(Class<T> type) {
            return all(type).get(0);
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private final BiFunction<EventSink, Boolean, ProtocolAnalyzer> factory;
    private boolean redact = true;

    public Script(BiFunction<EventSink, Boolean, ProtocolAnalyzer> factory) {
        this.factory = factory;
    }

    public Script client(String text) {
        return add(C, text.getBytes(StandardCharsets.UTF_8));
    }

    public Script server(String text) {
        return add(S, text.getBytes(StandardCharsets.UTF_8));
    }

    public Script add(Direction d, byte[] bytes) {
        steps.add(new Step(d, bytes, 0, false));
        return this;
    }

    public Script gap(Direction d, long n) {
        steps.add(new Step(d, null, n, false));
        return this;
    }

    public Script end(Direction d) {
        steps.add(new Step(d, null, 0, true));
        return this;
    }

    public Script showPasswords() {
        redact = false;
        return this;
    }

    /** Runs whole, byte by byte and in random chunks (three seeds); asserts they agree and returns the whole run. */
    public Run runAllWays() {
        Run whole = run(n -> new int[] {n});
        Run bytes = run(n -> {
            int[] r = new int[n];
            java.util.Arrays.fill(r, 1);
            return r;
        });
        assertEquals(describe(whole), describe(bytes), "byte by byte");
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            Run chunks = run(n -> {
                List<Integer> sizes = new ArrayList<>();
                for (int left = n; left > 0; ) {
                    int k = Math.min(left, 1 + random.nextInt(random.nextBoolean() ? 7 : 200));
                    sizes.add(k);
                    left -= k;
                }
                return sizes.stream().mapToInt(Integer::intValue).toArray();
            });
            assertEquals(describe(whole), describe(chunks), "random chunks, seed " + seed);
        }
        return whole;
    }

    public Run run(java.util.function.IntFunction<int[]> chunker) {
        List<Event> events = new ArrayList<>();
        EventSink sink = events::add;
        ProtocolAnalyzer a = factory.apply(sink, redact);
        ByteArrayOutputStream clientLeft = new ByteArrayOutputStream();
        ByteArrayOutputStream serverLeft = new ByteArrayOutputStream();
        long frame = 0;
        for (Step step : steps) {
            frame++;
            At at = new At(step.direction(), frame, frame * 1_000_000L);
            if (step.end()) {
                a.onEnd(step.direction(), at);
            } else if (step.bytes() == null) {
                a.onGap(step.direction(), step.gap(), at);
            } else {
                int off = 0;
                for (int n : chunker.apply(step.bytes().length)) {
                    int used = a.onData(step.direction(), step.bytes(), off, n, at);
                    (step.direction() == C ? clientLeft : serverLeft).write(step.bytes(), off + used, n - used);
                    off += n;
                }
            }
        }
        return new Run(events, a, clientLeft.toByteArray(), serverLeft.toByteArray());
    }

    private static String describe(Run r) {
        return r.events().toString().replaceAll("@[0-9a-f]+", "") + " left " + new String(r.clientLeft(), StandardCharsets.ISO_8859_1)
                + " / " + new String(r.serverLeft(), StandardCharsets.ISO_8859_1);
    }
}
