package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promise, end to end through the CLI: a corrupt or truncated capture gets a clear one-line error, and every
 * session whose packets come before the damage is still reported, in JSON, text and HTML alike; the exit code
 * is 0, 1 or 2 and nothing ends in a stack trace. Every real capture of the repository is damaged in every kind
 * of way (truncated at each kind of boundary, bits flipped in record headers and packets, lengths overwritten
 * with huge values, records duplicated and shuffled, garbage appended, gzip of a cut file and a cut gzip file),
 * then more random damage until the time budget is spent.
 *
 * <p>Seeded: a failure names the seed and the mutant; replay with {@code -Dmailscope.fuzz.seed=N}.
 */
class CorruptCaptureFuzzTest {
    static final long SEED = Long.getLong("mailscope.fuzz.seed", 20261126L);
    /** Random mutants after the systematic ones, until this much time has passed. */
    static final long BUDGET_NANOS = Long.getLong("mailscope.fuzz.millis", 1000L) * 1_000_000L;
    /** Unchanged, added after a damaged file: its sessions must all be reported (a rotated capture's next file). */
    static final String GOOD_NEXT = "src/test/resources/captures/ipv6-imaps-ok.pcap";
    static final Pattern TEXT_SESSION = Pattern.compile("(?m)^#(\\d+) ");

    /** A capture of the repository, read once, with what the CLI reports for it undamaged. */
    record Original(String path, byte[] bytes, CaptureLayout layout, List<Seen> sessions) {
        String name() {
            return Path.of(path).getFileName().toString();
        }
    }

    /** A reported session, as far as damage after its first packet must not change it. */
    record Seen(long firstFrame, String client, String server) {
        static Seen of(JsonNode s) {
            return new Seen(s.get("tcp").get("first_frame").asLong(), s.get("client").asText(), s.get("server").asText());
        }
    }

    /**
     * A damaged capture.
     *
     * @param intactFrames frames 1..n are untouched and in their place: their sessions must be reported
     * @param exit         the exit code it must give, or -1 when any of 0, 1, 2 is right
     */
    record Mutant(String what, byte[] bytes, long intactFrames, int exit) {
    }

    static List<Original> originals = new ArrayList<>();
    static List<Seen> goodNextSessions;

    @TempDir
    static Path dir;

    @BeforeAll
    static void readOriginals() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String d : List.of("src/test/resources/captures", "samples")) {
            try (Stream<Path> s = Files.list(Path.of(d))) {
                s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() >= 40, "the repository's captures: " + files);
        for (Path p : files) {
            CliRun r = CliRun.of("analyze", "--json", p.toString());
            assertEquals(0, r.exitCode(), p + ": " + r.err());
            byte[] bytes = Files.readAllBytes(p);
            originals.add(new Original(p.toString(), bytes, CaptureLayout.of(bytes), sessions(r.out())));
        }
        goodNextSessions = sessions(CliRun.of("analyze", "--json", GOOD_NEXT).out());
        assertFalse(goodNextSessions.isEmpty());
    }

    @Test
    @Timeout(120)
    void everyKindOfDamageIsReportedAndLosesNoSessionBeforeIt() throws Exception {
        Random random = new Random(SEED);
        int n = 0;
        for (Original o : originals) {
            for (Kind kind : Kind.values()) {
                if (kind.applies(o)) {
                    check(o, kind.make(o, random), random.nextInt(4) == 0, n++);
                }
            }
        }
        long deadline = System.nanoTime() + BUDGET_NANOS;
        while (System.nanoTime() < deadline) {
            Original o = originals.get(random.nextInt(originals.size()));
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            if (kind.applies(o)) {
                check(o, kind.make(o, random), random.nextInt(4) == 0, n++);
            }
        }
        assertTrue(n > 500, "mutants checked: " + n);
        System.out.println("CorruptCaptureFuzzTest: seed " + SEED + ", " + n + " damaged captures checked");
    }

    /** Each way to damage a capture; {@link #make} chooses where at random. */
    enum Kind {
        CUT_IN_FILE_HEADER {
            @Override
            boolean applies(Original o) {
                return !o.layout().pcapng();
            }

            @Override
            Mutant make(Original o, Random r) {
                int at = r.nextInt(24);
                return new Mutant("cut at byte " + at + " of the file header", Arrays.copyOf(o.bytes(), at), 0, 2);
            }
        },
        CUT_AT_RECORD_BOUNDARY {
            @Override
            Mutant make(Original o, Random r) {
                CaptureLayout.Record rec = pick(o, r);
                long intact = o.layout().framesBefore(rec.offset());
                // A cut exactly between records is a shorter, well-formed capture (unless nothing at all is left).
                return new Mutant("cut before the record at " + rec.offset(), Arrays.copyOf(o.bytes(), rec.offset()), intact,
                        rec.offset() == 0 ? 2 : 0);
            }
        },
        CUT_IN_RECORD_HEADER {
            @Override
            Mutant make(Original o, Random r) {
                CaptureLayout.Record rec = pick(o, r);
                int at = rec.offset() + 1 + r.nextInt(rec.header() - 1);
                long intact = o.layout().framesBefore(rec.offset());
                return new Mutant("cut at byte " + at + " in the header of the record at " + rec.offset(), Arrays.copyOf(o.bytes(), at),
                        intact, partial(intact));
            }
        },
        CUT_IN_PACKET {
            @Override
            Mutant make(Original o, Random r) {
                CaptureLayout.Record rec = pick(o, r);
                int at = rec.offset() + rec.header() + r.nextInt(rec.length() - rec.header());
                long intact = o.layout().framesBefore(rec.offset());
                return new Mutant("cut at byte " + at + " in the record at " + rec.offset(), Arrays.copyOf(o.bytes(), at),
                        intact, partial(intact));
            }
        },
        FLIP_IN_RECORD_HEADER {
            @Override
            Mutant make(Original o, Random r) {
                CaptureLayout.Record rec = pick(o, r);
                byte[] b = o.bytes().clone();
                int at = rec.offset() + r.nextInt(rec.header());
                int bit = r.nextInt(8);
                b[at] ^= (byte) (1 << bit);
                return new Mutant("bit " + bit + " of byte " + at + " flipped (header of the record at " + rec.offset() + ")", b,
                        o.layout().framesBefore(rec.offset()), -1);
            }
        },
        FLIP_IN_PACKETS {
            @Override
            Mutant make(Original o, Random r) {
                byte[] b = o.bytes().clone();
                List<CaptureLayout.Record> frames = o.layout().frames();
                int first = Integer.MAX_VALUE;
                StringBuilder what = new StringBuilder("bits flipped at");
                for (int i = 1 + r.nextInt(8); i > 0; i--) {
                    CaptureLayout.Record rec = frames.get(r.nextInt(frames.size()));
                    // pcapng: inside the EPB's packet data, past its 20 fixed bytes; pcap: past the record header
                    int data = rec.offset() + (o.layout().pcapng() ? 28 : rec.header());
                    int end = rec.end() - (o.layout().pcapng() ? 4 : 0);
                    if (end <= data) {
                        continue;
                    }
                    int at = data + r.nextInt(end - data);
                    b[at] ^= (byte) (1 << r.nextInt(8));
                    first = Math.min(first, rec.offset());
                    what.append(' ').append(at);
                }
                return new Mutant(what.toString(), b, first == Integer.MAX_VALUE ? Long.MAX_VALUE : o.layout().framesBefore(first), -1);
            }

            @Override
            boolean applies(Original o) {
                return !o.layout().frames().isEmpty();
            }
        },
        HUGE_LENGTH {
            @Override
            Mutant make(Original o, Random r) {
                CaptureLayout.Record rec = pick(o, r);
                long[] huge = {0xffffffffL, 0x7fffffffL, 0x80000000L, 0xfffffff0L, 256 * 1024 + 1, o.bytes().length * 2L, 65536 * 65536L - 4};
                long value = huge[r.nextInt(huge.length)];
                // pcap: captured length (or, one time in four, original length); pcapng: block length or EPB captured length
                int field = o.layout().pcapng() ? (rec.frame() && r.nextBoolean() ? 20 : 4) : (r.nextInt(4) == 0 ? 12 : 8);
                byte[] b = o.bytes().clone();
                ByteBuffer.wrap(b).order(o.layout().order()).putInt(rec.offset() + field, (int) value);
                return new Mutant("length field at " + (rec.offset() + field) + " set to " + value, b,
                        o.layout().framesBefore(rec.offset()), -1);
            }
        },
        DUPLICATE_RECORD {
            @Override
            boolean applies(Original o) {
                return !o.layout().frames().isEmpty();
            }

            @Override
            Mutant make(Original o, Random r) {
                List<CaptureLayout.Record> frames = o.layout().frames();
                CaptureLayout.Record rec = frames.get(r.nextInt(frames.size()));
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(o.bytes(), 0, rec.end());
                for (int copies = 1 + r.nextInt(3); copies > 0; copies--) {
                    b.write(o.bytes(), rec.offset(), rec.length());
                }
                b.write(o.bytes(), rec.end(), o.bytes().length - rec.end());
                return new Mutant("record at " + rec.offset() + " repeated", b.toByteArray(), o.layout().framesBefore(rec.end()), 0);
            }
        },
        SHUFFLE_RECORDS {
            @Override
            boolean applies(Original o) {
                return o.layout().frames().size() >= 3;
            }

            @Override
            Mutant make(Original o, Random r) {
                // Packet records only: pcapng's section and interface blocks stay where they are.
                List<CaptureLayout.Record> all = o.layout().records();
                List<Integer> frameIndexes = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    if (all.get(i).frame()) {
                        frameIndexes.add(i);
                    }
                }
                int from = r.nextInt(frameIndexes.size() - 1);
                int to = Math.min(frameIndexes.size(), from + 2 + r.nextInt(20));
                List<CaptureLayout.Record> window = new ArrayList<>();
                for (int i = from; i < to; i++) {
                    window.add(all.get(frameIndexes.get(i)));
                }
                Collections.shuffle(window, r);
                List<CaptureLayout.Record> order = new ArrayList<>(all);
                for (int i = from; i < to; i++) {
                    order.set(frameIndexes.get(i), window.get(i - from));
                }
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(o.bytes(), 0, o.layout().headerLength());
                for (CaptureLayout.Record rec : order) {
                    b.write(o.bytes(), rec.offset(), rec.length());
                }
                return new Mutant("records " + (from + 1) + ".." + to + " shuffled", b.toByteArray(), from, 0);
            }
        },
        APPEND_GARBAGE {
            @Override
            Mutant make(Original o, Random r) {
                byte[] garbage = new byte[1 + r.nextInt(r.nextBoolean() ? 16 : 4096)];
                r.nextBytes(garbage);
                byte[] b = Arrays.copyOf(o.bytes(), o.bytes().length + garbage.length);
                System.arraycopy(garbage, 0, b, o.bytes().length, garbage.length);
                return new Mutant(garbage.length + " random bytes appended", b, Long.MAX_VALUE, -1);
            }
        },
        GZIP_OF_CUT_FILE {
            @Override
            Mutant make(Original o, Random r) {
                int at = 24 + r.nextInt(o.bytes().length - 24);
                return gzipped("gzip of the file cut at " + at, Arrays.copyOf(o.bytes(), at), o);
            }
        },
        CUT_GZIP {
            @Override
            Mutant make(Original o, Random r) {
                byte[] gz = gzip(o.bytes());
                int at = r.nextInt(gz.length);
                return new Mutant("gzip cut at byte " + at + " of " + gz.length, Arrays.copyOf(gz, at), intactAfterGunzip(o, Arrays.copyOf(gz, at)), -1);
            }
        },
        FLIP_IN_GZIP {
            @Override
            Mutant make(Original o, Random r) {
                byte[] gz = gzip(o.bytes());
                int at = 10 + r.nextInt(gz.length - 10);
                gz[at] ^= (byte) (1 << r.nextInt(8));
                return new Mutant("bit flipped at byte " + at + " of the gzip", gz, intactAfterGunzip(o, gz), -1);
            }
        };

        boolean applies(Original o) {
            return true;
        }

        abstract Mutant make(Original o, Random r);

        static CaptureLayout.Record pick(Original o, Random r) {
            return o.layout().records().get(r.nextInt(o.layout().records().size()));
        }

        /** A fault after n good frames: exit 1, or 2 when nothing at all could be read. */
        static int partial(long intact) {
            return intact == 0 ? -1 : 1;
        }

        static Mutant gzipped(String what, byte[] cut, Original o) {
            return new Mutant(what, gzip(cut), o.layout().framesBefore(cut.length), -1);
        }
    }

    static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** Frames intact in what a damaged gzip still decompresses to (as much as it gives before failing, if it fails). */
    static long intactAfterGunzip(Original o, byte[] gz) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            // one byte at a time: exactly what decompresses before the damage
            for (int c; (c = in.read()) >= 0; ) {
                out.write(c);
            }
        } catch (IOException e) {
            // what came out before the fault is what counts
        }
        byte[] got = out.toByteArray();
        int same = Arrays.mismatch(got, o.bytes());
        if (same < 0) {
            return Long.MAX_VALUE;
        }
        return o.layout().framesBefore(same);
    }

    private void check(Original o, Mutant m, boolean withGoodNext, int n) throws IOException {
        String where = "seed " + SEED + ", mutant " + n + " of " + o.name() + ": " + m.what() + (withGoodNext ? " (then " + GOOD_NEXT + ")" : "");
        Path file = dir.resolve(n + "-" + o.name() + ".damaged");
        Files.write(file, m.bytes());
        Path html = dir.resolve(n + ".html");
        String[] files = withGoodNext ? new String[] {file.toString(), GOOD_NEXT} : new String[] {file.toString()};

        long started = System.nanoTime();
        CliRun json = CliRun.of(concat(new String[] {"analyze", "--json"}, files));
        CliRun text = CliRun.of(concat(new String[] {"analyze", "--color", "never", "--html", html.toString()}, files));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 10_000, where + ": took " + millis + " ms");

        for (CliRun r : List.of(json, text)) {
            assertTrue(r.exitCode() >= 0 && r.exitCode() <= 2, where + ": exit " + r.exitCode() + "\n" + r.err());
            assertCleanErrors(r.err(), files.length, where);
            assertTrue(r.exitCode() == 0 || !r.err().isEmpty(), where + ": exit " + r.exitCode() + " without saying why");
            assertTrue(r.exitCode() != 0 || r.err().isEmpty(), where + ": exit 0 yet an error: " + r.err());
            if (m.exit() >= 0 && !withGoodNext) {
                assertEquals(m.exit(), r.exitCode(), where + ": " + r.err());
            }
            if (withGoodNext) {
                assertTrue(r.exitCode() <= 1, where + ": the good file was read, so not exit " + r.exitCode() + ": " + r.err());
            }
            if (r.exitCode() != 0) {
                assertTrue(r.err().contains(file.toString()) || r.err().contains("mailscope: "), where + ": " + r.err());
            }
        }
        assertEquals(json.exitCode(), text.exitCode(), where + ": JSON and text runs disagree");
        assertEquals(json.err(), text.err(), where + ": JSON and text runs disagree");

        List<JsonNode> lines;
        try {
            lines = AnalyzeCommandTest.jsonLines(json.out());
        } catch (IOException e) {
            throw new AssertionError(where + ": stdout is not JSON Lines: " + e.getMessage() + "\n" + json.out(), e);
        }
        assertFalse(lines.isEmpty(), where);
        JsonNode summary = lines.get(lines.size() - 1);
        assertEquals("summary", summary.get("type").asText(), where + ": the last line is the summary");
        List<Seen> reported = new ArrayList<>();
        for (JsonNode l : lines.subList(0, lines.size() - 1)) {
            assertEquals("session", l.get("type").asText(), where);
            reported.add(Seen.of(l));
        }
        assertEquals(reported.size(), summary.get("sessions").asInt(), where + ": summary counts every session");
        assertEquals(json.exitCode() == 0 ? 0 : 1, Math.min(1, summary.get("errors").size()), where + ": summary errors " + summary.get("errors"));
        for (Seen s : o.sessions()) {
            if (s.firstFrame() <= m.intactFrames()) {
                assertTrue(reported.contains(s), where + ": session " + s + " (first frame intact) is lost; reported: " + reported);
            }
        }
        if (withGoodNext) {
            for (Seen s : goodNextSessions) {
                assertTrue(reported.stream().anyMatch(x -> x.client().equals(s.client()) && x.server().equals(s.server())),
                        where + ": session " + s + " of the good next file is lost; reported: " + reported);
            }
        }

        // The text report and the HTML report show the same sessions as the JSON one.
        assertTrue(text.out().contains("Summary: "), where + ": text summary\n" + text.out());
        Matcher ids = TEXT_SESSION.matcher(text.out());
        int textSessions = 0;
        while (ids.find()) {
            textSessions++;
        }
        assertEquals(reported.size(), textSessions, where + ": text report sessions");
        String page = Files.readString(html);
        assertTrue(page.endsWith("</html>\n"), where + ": the HTML report is complete");
        assertEquals(reported.size(), count(page, "<details class=\"session "), where + ": HTML report sessions");
        Files.delete(file);
        Files.delete(html);
    }

    /** One line per file at most, each "mailscope: ..." and no stack trace. */
    static void assertCleanErrors(String err, int files, String where) {
        assertFalse(err.contains("Exception") || err.contains("\tat ") || err.contains("Error:"), where + ": stderr\n" + err);
        long lines = err.lines().count();
        assertTrue(lines <= files, where + ": " + lines + " lines on stderr for " + files + " files\n" + err);
        err.lines().forEach(l -> assertTrue(l.startsWith("mailscope: "), where + ": " + l));
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static String[] concat(String[] a, String[] b) {
        String[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static List<Seen> sessions(String out) throws IOException {
        List<Seen> s = new ArrayList<>();
        for (JsonNode l : AnalyzeCommandTest.jsonLines(out)) {
            if (l.get("type").asText().equals("session")) {
                s.add(Seen.of(l));
            }
        }
        return s;
    }
}
