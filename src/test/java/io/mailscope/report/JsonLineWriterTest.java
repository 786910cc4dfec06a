package io.mailscope.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** The report's own JSON encoder writes exactly what Jackson's generator wrote before it (docs/json.md's shape). */
class JsonLineWriterTest {
    @Test
    void writesTheSameBytesAsJacksonsGeneratorForRandomDocuments() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int doc = 0; doc < 300; doc++) {
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            ByteArrayOutputStream theirs = new ByteArrayOutputStream();
            JsonLineWriter w = new JsonLineWriter(ours);
            JsonGenerator g = new JsonFactory().createGenerator(theirs, JsonEncoding.UTF8);
            long seed = rnd.nextLong();
            int lines = 1 + rnd.nextInt(4);
            for (int line = 0; line < lines; line++) {
                writeObject(new SplittableRandom(seed + line), w, null, 0);
                writeObject(new SplittableRandom(seed + line), null, g, 0);
                w.writeRawByte('\n');
                g.flush();
                theirs.write('\n');
            }
            w.flush();
            g.flush();
            assertEquals(theirs.toString(StandardCharsets.UTF_8), ours.toString(StandardCharsets.UTF_8), "document " + doc);
        }
    }

    @Test
    void escapesWhatJacksonEscapesAndNothingElse() throws IOException {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x200; c++) {
            all.append(c);
        }
        all.append("\u2014\u2028\u2029\ufeff\ud83d\udce7 \"quoted\" back\\slash /slash \ud800 lone \udc00 \udc00\ud800 end \ud83d");
        ByteArrayOutputStream ours = new ByteArrayOutputStream();
        ByteArrayOutputStream theirs = new ByteArrayOutputStream();
        JsonLineWriter w = new JsonLineWriter(ours);
        JsonGenerator g = new JsonFactory().createGenerator(theirs, JsonEncoding.UTF8);
        w.writeString(all.toString());
        g.writeString(all.toString());
        w.flush();
        g.flush();
        assertEquals(theirs.toString(StandardCharsets.UTF_8), ours.toString(StandardCharsets.UTF_8));
    }

    @Test
    void writesSecondsAsTheExactDecimalOfTheNanosecondsWithoutExponentOrTrailingZeros() throws IOException {
        assertEquals("0.0 0.00005 1.5 -2.000000001 1764115200.00005 9223372036.854775807 -9223372036.854775808",
                seconds(0, 50_000, 1_500_000_000L, -2_000_000_001L, 1_764_115_200_000_050_000L, Long.MAX_VALUE, Long.MIN_VALUE));
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            long nanos = switch (i % 3) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextLong(-100_000_000_000L, 100_000_000_000L);
                default -> 1_700_000_000_000_000_000L + rnd.nextLong(1_000_000_000_000_000L) / 1000 * 1000;
            };
            String written = seconds(nanos);
            assertEquals(BigDecimal.valueOf(nanos, 9).stripTrailingZeros(), new BigDecimal(written).stripTrailingZeros(), written);
            assertTrue(written.matches("-?(0|[1-9][0-9]*)\\.([0-9]*[1-9]|0)"), written);
            // what a reader parses is the double nearest the true value, never further than the old double was
            double old = nanos / 1e9;
            double exact = BigDecimal.valueOf(nanos, 9).doubleValue();
            assertEquals(exact, Double.parseDouble(written), 0.0, written);
            assertTrue(Math.abs(exact - old) <= Math.ulp(old), written);
        }
    }

    /**
     * One writer keeps the digits of the last whole seconds it wrote: values in the same second, epochs and times
     * into the capture taking turns, seconds going back and forth, each as a writer of its own writes it.
     */
    @Test
    void secondsWrittenOneAfterAnotherAreEachTheirOwnExactDecimal() throws IOException {
        SplittableRandom rnd = new SplittableRandom(17);
        long[] nanos = new long[60_000];
        long epoch = 1_764_115_200_000_000_000L;
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = switch (rnd.nextInt(7)) {
                case 0 -> epoch += rnd.nextLong(50_000); // a capture's instants, going forward
                case 1 -> epoch - rnd.nextLong(3_000_000_000L); // and back
                case 2 -> rnd.nextLong(30_000_000_000L); // times into the capture
                case 3 -> rnd.nextLong(1_000_000_000L); // below a second
                case 4 -> -rnd.nextLong(3_000_000_000L);
                case 5 -> rnd.nextInt(3) == 0 ? 1_000_000_000L * rnd.nextInt(5) : rnd.nextLong();
                default -> i > 0 ? nanos[i - 1] : 0;
            };
        }
        StringBuilder each = new StringBuilder();
        for (long n : nanos) {
            each.append(each.length() == 0 ? "" : " ").append(seconds(n));
        }
        assertEquals(each.toString(), seconds(nanos));
    }

    @Test
    void writesWholeNumbersAsLongToStringDoes() throws IOException {
        SplittableRandom rnd = new SplittableRandom(11);
        StringBuilder expected = new StringBuilder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLineWriter w = new JsonLineWriter(out);
        long[] edges = {0, 9, 10, 99, 100, 999, 1000, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, -1, -10, Integer.MIN_VALUE,
                Long.MAX_VALUE, Long.MIN_VALUE, 999_999_999, 1_000_000_000, 4_294_967_295L};
        for (int i = 0; i < 50_000; i++) {
            long v = i < edges.length ? edges[i] : switch (i % 4) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextInt(Integer.MAX_VALUE);
                case 2 -> (long) Math.pow(10, rnd.nextInt(19)) - rnd.nextInt(2);
                default -> rnd.nextInt(1000);
            };
            w.writeNumber(v);
            expected.append(i == 0 ? "" : " ").append(v);
        }
        w.flush();
        assertEquals(expected.toString(), out.toString(StandardCharsets.US_ASCII));
    }

    private static String seconds(long... nanos) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonLineWriter w = new JsonLineWriter(out);
        for (long n : nanos) {
            w.writeSeconds(n);
        }
        w.flush();
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** The same random object through either writer (exactly one of w, g is given). */
    private static void writeObject(SplittableRandom r, JsonLineWriter w, JsonGenerator g, int depth) throws IOException {
        if (w != null) {
            w.writeStartObject();
        } else {
            g.writeStartObject();
        }
        int fields = r.nextInt(8);
        for (int i = 0; i < fields; i++) {
            String name = "f" + i;
            int kind = r.nextInt(depth < 3 ? 9 : 7);
            switch (kind) {
                case 0 -> {
                    String s = randomString(r);
                    if (w != null) w.writeStringField(name, s); else g.writeStringField(name, s);
                }
                case 1 -> {
                    long v = r.nextInt(4) == 0 ? Long.MIN_VALUE + r.nextInt(2) : r.nextLong() >> r.nextInt(64);
                    if (w != null) w.writeNumberField(name, v); else g.writeNumberField(name, v);
                }
                case 2 -> {
                    double v = switch (r.nextInt(6)) {
                        case 0 -> Double.NaN;
                        case 1 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                        case 2 -> r.nextLong(0, 2_000_000_000_000_000_000L) / 1e9;
                        case 3 -> -0.0;
                        default -> r.nextDouble() * Math.pow(10, r.nextInt(-12, 20));
                    };
                    if (w != null) w.writeNumberField(name, v); else g.writeNumberField(name, v);
                }
                case 3 -> {
                    boolean v = r.nextBoolean();
                    if (w != null) w.writeBooleanField(name, v); else g.writeBooleanField(name, v);
                }
                case 4 -> {
                    if (w != null) w.writeNullField(name); else g.writeNullField(name);
                }
                case 5 -> {
                    if (w != null) w.writeStringField(name, null); else g.writeStringField(name, null);
                }
                case 6 -> {
                    int n = r.nextInt(4);
                    if (w != null) w.writeArrayFieldStart(name); else g.writeArrayFieldStart(name);
                    for (int k = 0; k < n; k++) {
                        long v = r.nextLong();
                        if (w != null) w.writeNumber(v); else g.writeNumber(v);
                    }
                    if (w != null) w.writeEndArray(); else g.writeEndArray();
                }
                case 7 -> {
                    if (w != null) w.writeFieldName(name); else g.writeFieldName(name);
                    writeObject(r, w, g, depth + 1);
                }
                default -> {
                    int n = r.nextInt(3);
                    if (w != null) w.writeArrayFieldStart(name); else g.writeArrayFieldStart(name);
                    for (int k = 0; k < n; k++) {
                        writeObject(r, w, g, depth + 1);
                    }
                    if (w != null) w.writeEndArray(); else g.writeEndArray();
                }
            }
        }
        if (w != null) {
            w.writeEndObject();
        } else {
            g.writeEndObject();
        }
    }

    private static String randomString(SplittableRandom r) {
        int len = r.nextInt(r.nextInt(10) == 0 ? 70_000 : 40);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            switch (r.nextInt(10)) {
                case 0 -> sb.append((char) r.nextInt(0x20));
                case 1 -> sb.append(r.nextBoolean() ? '"' : '\\');
                case 2 -> sb.append((char) r.nextInt(0x80, 0x800));
                case 3 -> sb.append((char) r.nextInt(0x800, 0xd800));
                case 4 -> {
                    if (r.nextInt(5) == 0) {
                        sb.append((char) r.nextInt(0xd800, 0xe000)); // a lone surrogate
                    } else {
                        sb.appendCodePoint(r.nextInt(0x10000, 0x10ffff));
                    }
                }
                default -> sb.append((char) r.nextInt(0x20, 0x7f));
            }
        }
        return sb.toString();
    }
}
