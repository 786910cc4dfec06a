package io.mailscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailscope.explain.Explanation;
import io.mailscope.tcp.Endpoint;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Values the JSON writer writes straight into its buffer (instants, explanations kept as words and values) come out
 * as the bytes of the string they stand for, written with {@link JsonLineWriter#writeString}.
 */
class JsonWrittenValuesTest {

    @Test
    void anInstantIsWrittenAsItsIsoSpelling() throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        long[] edges = {0, 1, -1, 999_999_999, 1_000_000_000, -1_000_000_000, -999_999_999, 1_764_115_200_000_000_000L,
                1_764_115_200_000_050_000L, 1_764_115_200_123_000_000L, 1_764_115_200_000_001_000L, 951_782_400_000_000_000L,
                253_402_300_799_999_999L, Long.MAX_VALUE, Long.MIN_VALUE, -6_213_559_680_000_000_000L};
        for (long n : edges) {
            sameBytes(n);
        }
        for (int i = 0; i < 200_000; i++) {
            long second = 1_764_115_200L + rnd.nextLong(-5_000_000_000L, 5_000_000_000L) / (1 + rnd.nextInt(1000));
            long nano = switch (rnd.nextInt(4)) {
                case 0 -> 0;
                case 1 -> rnd.nextInt(1000) * 1_000_000L;
                case 2 -> rnd.nextInt(1_000_000) * 1000L;
                default -> rnd.nextInt(1_000_000_000);
            };
            sameBytes(second * 1_000_000_000L + nano);
            sameBytes(rnd.nextLong());
        }
    }

    private static void sameBytes(long nanos) throws IOException {
        assertEquals(written(w -> w.writeString(JsonReport.iso(nanos))), written(w -> w.writeInstant(nanos)), "nanos " + nanos);
    }

    @Test
    void anExplanationKeptAsWordsIsWrittenAsItsText() throws IOException {
        SplittableRandom rnd = new SplittableRandom(5);
        String[] words = {"The client sent a SYN to ", " (frame ", "", "\"quoted\" \\ back", "tab\there",
                "caf\u00e9 \u2014 \ud83d\udce7", " lone \ud800 surrogate", "?"};
        Endpoint[] endpoints = {Endpoint.parse("192.0.2.25", 993), Endpoint.parse("2001:db8::1", 143),
                Endpoint.parse("10.0.0.1", 0)};
        for (int i = 0; i < 5_000; i++) {
            long seed = rnd.nextLong();
            Explanation e = out -> {
                SplittableRandom r = new SplittableRandom(seed);
                int parts = r.nextInt(12);
                for (int p = 0; p < parts; p++) {
                    switch (r.nextInt(4)) {
                        case 0 -> out.words(words[r.nextInt(words.length)]);
                        case 1 -> out.number(r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(100_000));
                        case 2 -> out.endpoint(endpoints[r.nextInt(endpoints.length)]);
                        default -> out.duration(r.nextInt(3) == 0 ? r.nextLong() : r.nextLong(-1_000_000_000L, 100_000_000_000L));
                    }
                }
            };
            String text = e.text();
            assertEquals(written(w -> w.writeString(text)), written(w -> w.writeExplanation(e)), text);
            assertEquals(written(w -> w.writeString(text)), written(w -> w.writeExplanation(Explanation.of(text))), text);
        }
    }

    @Test
    void anEndpointIsWrittenAsItsSpelling() throws IOException {
        SplittableRandom rnd = new SplittableRandom(3);
        String[] ips = {"192.0.2.25", "10.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "::", "2001:db8::1",
                "fe80::1:2:3:4", "2001:db8:0:0:1:0:0:1", "::ffff:c000:219", "1:2:3:4:5:6:7:8"};
        for (String ip : ips) {
            for (int port : new int[] {0, 1, 143, 993, 65535}) {
                Endpoint e = Endpoint.parse(ip, port);
                assertEquals(written(w -> w.writeString(e.toString())), written(w -> w.writeEndpoint(e)), e.toString());
            }
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] a = new byte[rnd.nextBoolean() ? 4 : 16];
            for (int j = 0; j < a.length; j++) {
                a[j] = (byte) (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(256));
            }
            Endpoint e = Endpoint.of(a, a.length, rnd.nextInt(65536));
            assertEquals(written(w -> w.writeString(e.toString())), written(w -> w.writeEndpoint(e)), e.toString());
        }
    }

    @Test
    void aDurationIsWrittenAsEvidenceSpellsIt() throws IOException {
        long[] edges = {0, 1, -1, 499_999, 500_000, -500_000, 9_999_499_999L, 9_999_500_000L, 9_999_999_999L,
                10_000_000_000L, 10_049_999_999L, 10_050_000_000L, 99_950_000_000L, -10_000_000_000L,
                999_999_999_999_999_999L, 1_000_000_000_000_000_000L, -999_999_999_999_999_999L, Long.MAX_VALUE,
                Long.MIN_VALUE, Long.MIN_VALUE + 1};
        for (long n : edges) {
            Explanation e = out -> out.duration(n);
            assertEquals(written(w -> w.writeString(e.text())), written(w -> w.writeExplanation(e)), "nanos " + n);
        }
    }

    @Test
    void manyExplanationsInOneBufferAreEachTheirText() throws IOException {
        // past the 64 KiB buffer several times, so words are written across flushes
        Explanation e = out -> {
            out.words("The client sent a SYN to ");
            out.endpoint(Endpoint.parse("192.0.2.25", 993));
            out.words(" (frame ");
            out.number(7);
            out.words(") within ");
            out.duration(5_000_000_000L);
        };
        String text = e.text();
        String expected = written(w -> {
            for (int i = 0; i < 20_000; i++) {
                w.writeString(text);
            }
        });
        assertEquals(expected, written(w -> {
            for (int i = 0; i < 20_000; i++) {
                w.writeExplanation(e);
            }
        }));
    }

    private interface Writing {
        void to(JsonLineWriter w) throws IOException;
    }

    private static String written(Writing writing) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLineWriter w = new JsonLineWriter(out);
        w.writeStartArray();
        writing.to(w);
        w.writeEndArray();
        w.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

}
