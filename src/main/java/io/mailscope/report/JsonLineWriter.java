package io.mailscope.report;

import io.mailscope.explain.Evidence;
import io.mailscope.explain.Explanation;
import io.mailscope.tcp.Endpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The JSON encoder of {@link JsonReport}: UTF-8 into one 64 KiB buffer, written out when it is full or flushed.
 *
 * <p>Why not Jackson's generator, which wrote these reports before: the launcher runs the JVM with the C1 compiler
 * only (docs/performance.md, "Cold start"), where Jackson's string encoder reads every character through
 * {@code String.charAt} and a bounds check; on a 500,000-session scan that was a fifth of the whole run. Here a string
 * is turned into UTF-8 by the JDK ({@code String.getBytes}, a plain copy for the usual Latin-1 string) and copied
 * into the buffer in runs between the few bytes that need escaping.
 *
 * <p>The output is byte for byte what Jackson 2's {@code JsonGenerator} writes with its defaults, which docs/json.md
 * and the users' scripts were built on: no spaces; {@code "}, {@code \} and control characters escaped as
 * {@code \"}, {@code \\}, {@code \b \t \n \f \r} or {@code \}{@code u00XX} (upper-case hex), surrogates (the
 * halves of a character beyond U+FFFF) as {@code \}{@code uXXXX} each, everything else as UTF-8; numbers as {@code Long.toString} and {@code Double.toString} (NaN and infinities as strings; seconds
 * given in nanoseconds as exact decimals, {@link #writeSeconds}); top-level
 * values separated by one space. {@code JsonLineWriterTest} holds it to Jackson on random input.
 */
final class JsonLineWriter {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

    private OutputStream out;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private long flushCount;
    /** Per open object or array: is it an object, and has it a value yet. Index 0 is the top level. */
    private boolean[] isObject = new boolean[16];
    private boolean[] hasValue = new boolean[16];
    private int depth;

    JsonLineWriter(OutputStream out) {
        this.out = out;
    }

    // --- structure

    void writeStartObject() throws IOException {
        beforeValue();
        raw((byte) '{');
        push(true);
    }

    /**
     * {@link #writeStartObject} and the object's first fields, pre-encoded ({@link #encoded}: ASCII, without the
     * brace, ending where a value follows, e.g. {@code "type":"session","id":}): a session's line starts so 500,000
     * times on a scan, on the thread that writes the output.
     */
    void writeStartObject(byte[] firstFields) throws IOException {
        writeStartObject();
        raw(firstFields);
        hasValue[depth] = true;
    }

    void writeEndObject() throws IOException {
        depth--;
        raw((byte) '}');
    }

    void writeStartArray() throws IOException {
        beforeValue();
        raw((byte) '[');
        push(false);
    }

    void writeEndArray() throws IOException {
        depth--;
        raw((byte) ']');
    }

    void writeFieldName(String name) throws IOException {
        if (hasValue[depth]) {
            raw((byte) ',');
        }
        hasValue[depth] = true;
        quoted(name);
        raw((byte) ':');
    }

    /**
     * Goes on inside an object whose first fields were written by another writer (a session's line rendered on a
     * worker after its number, which the merge writes): nothing is written, the next field gets its comma.
     */
    void resumeObject() {
        push(true);
        hasValue[depth] = true;
    }

    /** Ends the object opened here with the rest rendered elsewhere ({@link #resumeObject}), its closing brace included. */
    void writeObjectRest(byte[] rest) throws IOException {
        writeObjectRest(rest, 0, rest.length);
    }

    /** {@link #writeObjectRest(byte[])} of {@code [from, from + length)} of {@code bytes}. */
    void writeObjectRest(byte[] bytes, int from, int length) throws IOException {
        raw(bytes, from, length);
        depth--;
    }

    /**
     * Where the next bytes go, for a writer that renders lines into a different buffer each time (a worker's,
     * into the batch that takes them to the merge); what is still in this writer's buffer goes there too.
     */
    void target(OutputStream out) {
        this.out = out;
    }

    /** Forgets a line left half written (a failure while rendering it): empty, at the top level. */
    void discard() {
        pos = 0;
        depth = 0;
        hasValue[0] = false;
    }

    // --- values

    void writeString(String s) throws IOException {
        if (s == null) {
            writeNull();
            return;
        }
        beforeValue();
        quoted(s);
    }

    void writeNumber(long v) throws IOException {
        beforeValue();
        digits(v);
    }

    void writeNumber(double v) throws IOException {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            writeString(Double.toString(v)); // Jackson's default: non-finite numbers as strings
            return;
        }
        beforeValue();
        ascii(Double.toString(v));
    }

    /**
     * A time in seconds given in integer nanoseconds, as the exact decimal: the whole seconds, a point and the
     * fraction without trailing zeros (at least one digit), e.g. {@code 1764115200.00005}, {@code 0.0}.
     *
     * <p>Why not {@code Double.toString(nanos / 1e9)}, which wrote these before: it took a fifth of the JSON
     * encoder's time on a scan (500,000 sessions, three such numbers each, through the JDK's FloatingDecimal and
     * C1's runtime calls for long division), and its output was less exact: an epoch in nanoseconds does not fit a
     * double's 53 bits, so it was rounded twice and printed with digits it did not have ({@code 1.7641152000000498E9}
     * for {@code 1764115200.00005}). A reader parsing the exact decimal gets the double nearest to the true value.
     */
    void writeSeconds(long nanos) throws IOException {
        beforeValue();
        room(32);
        int fraction;
        if (nanos >= 0 && nanos < 1_000_000_000L) { // durations and times into the capture: no division
            buf[pos++] = '0';
            fraction = (int) nanos;
        } else if (nanos >= 0) {
            // (a base not yet set is Long.MIN_VALUE: the difference overflows to a negative number, no match)
            long d0 = nanos - wholeBase[0];
            long d1 = nanos - wholeBase[1];
            int w = d0 >= 0 && d0 < 1_000_000_000L ? 0 : d1 >= 0 && d1 < 1_000_000_000L ? 1 : -1;
            if (w < 0) {
                w = nextWhole++ & 1;
                long whole = nanos / 1_000_000_000L;
                wholeBase[w] = whole * 1_000_000_000L;
                int start = pos;
                digits(whole);
                wholeDigits[w] = Arrays.copyOfRange(buf, start, pos);
            } else {
                byte[] d = wholeDigits[w];
                System.arraycopy(d, 0, buf, pos, d.length);
                pos += d.length;
            }
            fraction = (int) (nanos - wholeBase[w]);
        } else {
            long whole = nanos / 1_000_000_000L;
            fraction = (int) -(nanos % 1_000_000_000L);
            buf[pos++] = '-';
            digits(-whole);
        }
        buf[pos++] = '.';
        if (fraction == 0) {
            buf[pos++] = '0';
            return;
        }
        paddedDigits(fraction, 9);
        while (buf[pos - 1] == '0') { // no trailing zeros; the fraction is not zero, so a digit stays
            pos--;
        }
    }

    /**
     * The last two whole seconds {@link #writeSeconds} wrote (as nanoseconds, and their digits): a session's start
     * and end epoch share theirs, and the lines of a capture go through the same seconds by the thousand, so the
     * long division and its digits are done once per second (two, as epochs and times into the capture take turns).
     */
    private final long[] wholeBase = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final byte[][] wholeDigits = new byte[2][];
    private int nextWhole;

    void writeBoolean(boolean v) throws IOException {
        beforeValue();
        raw(v ? TRUE : FALSE);
    }

    void writeNull() throws IOException {
        beforeValue();
        raw(NULL);
    }

    /**
     * A finding's explanation as a JSON string, the same bytes as {@link #writeString} of its text: plain text
     * through {@link #writeString}; one kept as words and values ({@link Explanation}) spelled straight into the
     * buffer, each word's escaped UTF-8 kept (they are the rule's String constants) and numbers and endpoints
     * written as they are (ASCII with nothing to escape), so no String per session is made, encoded and scanned.
     */
    void writeExplanation(Explanation e) throws IOException {
        if (e instanceof Explanation.Plain p) {
            writeString(p.text());
            return;
        }
        beforeValue();
        raw((byte) '"');
        try {
            e.spell(spelling);
        } catch (UncheckedIOException x) {
            throw x.getCause();
        }
        raw((byte) '"');
    }

    private final Explanation.Spelling spelling = new Explanation.Spelling() {
        @Override
        public void words(String constant) {
            try {
                JsonLineWriter.this.words(constant);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }

        @Override
        public void number(long n) {
            try {
                digits(n);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }

        @Override
        public void endpoint(Endpoint e) {
            try {
                ascii(e.toString()); // digits, dots, colons and brackets: nothing to escape
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }

        @Override
        public void duration(long nanos) {
            try {
                seconds(nanos);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }
    };

    /**
     * {@link Evidence#duration} written as digits: seconds with 3 decimals below 10 s, 1 from there, rounded half
     * up on the integer nanoseconds (as Evidence does below 11.5 days); beyond, Evidence's own spelling.
     */
    private void seconds(long nanos) throws IOException {
        if (nanos <= -1_000_000_000_000_000L || nanos >= 1_000_000_000_000_000L) {
            ascii(Evidence.duration(nanos));
            return;
        }
        int decimals = nanos / 1e9 >= 10 ? 1 : 3;
        long unit = decimals == 1 ? 100_000_000L : 1_000_000L;
        long scaled = (Math.abs(nanos) + unit / 2) / unit;
        long scale = decimals == 1 ? 10 : 1000;
        room(32);
        if (nanos < 0) {
            buf[pos++] = '-';
        }
        digits(scaled / scale);
        buf[pos++] = '.';
        paddedDigits((int) (scaled % scale), decimals);
        buf[pos++] = ' ';
        buf[pos++] = 's';
    }

    /** The words spelled, by identity, and their escaped UTF-8, in buckets like {@link #quotedKeys}. */
    private final String[] wordKeys = new String[256];
    private final byte[][] wordBytes = new byte[256][];
    private final byte[] nextWord = new byte[256 / WAYS];

    private void words(String s) throws IOException {
        int bucket = bucket(s, wordKeys.length);
        int base = bucket * WAYS;
        for (int i = base; i < base + WAYS; i++) {
            if (wordKeys[i] == s) {
                raw(wordBytes[i]);
                return;
            }
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (buf.length - pos < utf8.length * 6) {
            flush();
        }
        long flushes = flushCount;
        int start = pos;
        escaped(s, utf8);
        if (flushes == flushCount && pos - start <= 1024) { // words are constants: kept the first time
            int way = base + (nextWord[bucket]++ & (WAYS - 1));
            wordKeys[way] = s;
            wordBytes[way] = Arrays.copyOfRange(buf, start, pos);
        }
    }

    /**
     * An address and port as a JSON string, the same bytes as {@link #writeString} of {@link Endpoint#toString}:
     * the address's spelling (which the endpoint keeps) and the port's digits, without a String per endpoint. A
     * scan's clients are each a new endpoint; their spelling is ASCII with nothing to escape.
     */
    void writeEndpoint(Endpoint e) throws IOException {
        beforeValue();
        String ip = e.ip();
        room(ip.length() + 10);
        buf[pos++] = '"';
        if (e.isIpv6()) {
            buf[pos++] = '[';
            ascii(ip);
            buf[pos++] = ']';
        } else {
            ascii(ip);
        }
        buf[pos++] = ':';
        digits(e.port());
        raw((byte) '"');
    }

    /** The second of {@link #lastSecondBytes}. */
    private long lastSecond = Long.MIN_VALUE;
    /** An opening quote and the date and time of day of {@link #lastSecond}: {@code "2025-11-26T00:00:00}. */
    private byte[] lastSecondBytes;

    /**
     * An instant as a JSON string, the same bytes as {@link #writeString} of {@link JsonReport#iso}: the date and
     * time of day encoded once per second (sessions start and end in the same second by the thousand), the
     * fraction written as digits.
     */
    void writeInstant(long nanos) throws IOException {
        long second = Math.floorDiv(nanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        if (second != lastSecond) {
            String whole = Instant.ofEpochSecond(second).toString();
            if (whole.length() < 2 || whole.charAt(whole.length() - 1) != 'Z' || whole.contains(".")) {
                writeString(JsonReport.iso(nanos)); // not the usual shape: as the report spells it
                return;
            }
            lastSecondBytes = ("\"" + whole.substring(0, whole.length() - 1)).getBytes(StandardCharsets.US_ASCII);
            lastSecond = second;
        }
        beforeValue();
        raw(lastSecondBytes);
        room(13);
        if (nano != 0) {
            int digits = fractionDigits(nano);
            int value = fractionValue(nano, digits);
            buf[pos++] = '.';
            paddedDigits(value, digits);
        }
        buf[pos++] = 'Z';
        buf[pos++] = '"';
    }

    /**
     * How many digits an instant's fraction of a second is written with: 3, 6 or 9, the fewest that hold it, as
     * java.time's ISO format writes it (milli-, micro- or nanoseconds).
     */
    static int fractionDigits(int nano) {
        return nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
    }

    /** The fraction of a second as a number of {@link #fractionDigits} digits. */
    static int fractionValue(int nano, int digits) {
        return digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
    }

    // --- fields, as Jackson names them

    void writeStringField(String name, String value) throws IOException {
        writeFieldName(name);
        writeString(value);
    }

    void writeNumberField(String name, long value) throws IOException {
        writeFieldName(name);
        writeNumber(value);
    }

    void writeSecondsField(String name, long nanos) throws IOException {
        writeFieldName(name);
        writeSeconds(nanos);
    }

    void writeNumberField(String name, double value) throws IOException {
        writeFieldName(name);
        writeNumber(value);
    }

    void writeBooleanField(String name, boolean value) throws IOException {
        writeFieldName(name);
        writeBoolean(value);
    }

    void writeNullField(String name) throws IOException {
        writeFieldName(name);
        writeNull();
    }

    void writeArrayFieldStart(String name) throws IOException {
        writeFieldName(name);
        writeStartArray();
    }

    void writeObjectFieldStart(String name) throws IOException {
        writeFieldName(name);
        writeStartObject();
    }

    /**
     * Pre-encoded JSON inside the object now open ({@code json} from {@link #encoded}): a run of fields that is the
     * same for many lines, copied as it is. It must start with a comma (the object has a field already) and leave
     * the object open; nested objects and arrays in it are opened and closed within it.
     */
    void writeEncoded(byte[] json) throws IOException {
        raw(json);
    }

    /** The bytes {@link #writeEncoded} takes for {@code json}, which must be ASCII. */
    static byte[] encoded(String json) {
        return json.getBytes(StandardCharsets.US_ASCII);
    }

    /** A byte outside JSON (the newline between lines). */
    void writeRawByte(int b) throws IOException {
        raw((byte) b);
    }

    /** Hands the buffer to the stream (without flushing the stream). */
    void flush() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
            flushCount++;
        }
    }

    // --- internals

    private void push(boolean object) {
        depth++;
        if (depth == isObject.length) {
            isObject = Arrays.copyOf(isObject, depth * 2);
            hasValue = Arrays.copyOf(hasValue, depth * 2);
        }
        isObject[depth] = object;
        hasValue[depth] = false;
    }

    /** The separator before a value: a comma in an array, a space between top-level values, none after a name. */
    private void beforeValue() throws IOException {
        if (depth == 0) {
            if (hasValue[0]) {
                raw((byte) ' ');
            }
            hasValue[0] = true;
        } else if (!isObject[depth]) {
            if (hasValue[depth]) {
                raw((byte) ',');
            }
            hasValue[depth] = true;
        }
    }

    /**
     * The last strings quoted, by identity, and their quoted UTF-8: field names and most values (labels, roles, the
     * text of a finding's fix) are the same String objects in every session, so each is encoded once. In buckets
     * of {@value #WAYS} by content hash ({@link #bucket}), so it costs a few compares on a miss and holds at most 1,024 strings. A
     * bucket rather than one slot per hash: with one slot, two of the ~40 strings a scan's line quotes shared a slot
     * in most runs (the identity hash, used then, differed from run to run), pushed each other out on every line and were encoded every
     * time, which showed as a run-to-run difference of a few percent.
     */
    private static final int WAYS = 4;

    /**
     * A string's bucket among {@code slots / WAYS}, from its content hash: String keeps it once computed (the field
     * names and labels are constants), where {@code System.identityHashCode} was a call into the VM for every
     * string quoted (3% of a run writing 200,000 sessions). Strings are still matched by identity; the content hash
     * also makes which strings share a bucket the same from run to run.
     */
    private static int bucket(String s, int slots) {
        int h = s.hashCode();
        return (h ^ (h >>> 16)) & (slots / WAYS - 1);
    }
    private final String[] quotedKeys = new String[1024];
    private final byte[][] quotedBytes = new byte[1024][];
    /** Per bucket, the last strings quoted that are not (yet) kept: a string is kept when it comes a second time. */
    private final String[] seenOnce = new String[1024];
    /** Per bucket, the next way to replace (round robin), for the kept strings and for the seen ones. */
    private final byte[] nextKept = new byte[1024 / WAYS];
    private final byte[] nextSeen = new byte[1024 / WAYS];

    private void quoted(String s) throws IOException {
        int bucket = bucket(s, quotedKeys.length);
        int base = bucket * WAYS;
        for (int i = base; i < base + WAYS; i++) {
            if (quotedKeys[i] == s) {
                raw(quotedBytes[i]);
                return;
            }
        }
        int start = encodeQuoted(s);
        for (int i = base; i < base + WAYS; i++) {
            if (seenOnce[i] == s) {
                if (start >= 0 && pos - start <= 256) { // it is all in the buffer: keep a copy for the next time
                    int way = base + (nextKept[bucket]++ & (WAYS - 1));
                    quotedKeys[way] = s;
                    quotedBytes[way] = Arrays.copyOfRange(buf, start, pos);
                    seenOnce[i] = null;
                }
                return;
            }
        }
        // the first time: remember only that it was seen (most strings seen once are never seen again, such as a
        // client's address and port, and copying each of them cost more than it saved)
        seenOnce[base + (nextSeen[bucket]++ & (WAYS - 1))] = s;
    }

    /**
     * Writes {@code s} quoted and escaped.
     *
     * @return where in the buffer it starts, or -1 when the buffer was flushed meanwhile (it is not all there)
     */
    private int encodeQuoted(String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (buf.length - pos < utf8.length + 2) {
            flush();
        }
        long flushes = flushCount;
        int start = pos;
        raw((byte) '"');
        escaped(s, utf8);
        raw((byte) '"');
        return flushes == flushCount ? start : -1;
    }

    /** {@code s} escaped, without quotes; {@code utf8} is its UTF-8. */
    private void escaped(String s, byte[] utf8) throws IOException {
        if (utf8.length != s.length()) {
            quotedNonAscii(s);
        } else {
            // Every character became one byte: ASCII, or '?' where the encoder met a lone surrogate.
            int from = 0;
            for (int i = 0; i < utf8.length; i++) {
                int b = utf8[i];
                if (b >= 0x20 && b != '"' && b != '\\' && b != '?') {
                    continue;
                }
                if (b == '?' && s.charAt(i) == '?') {
                    continue;
                }
                raw(utf8, from, i - from);
                if (b == '?') {
                    surrogate(s.charAt(i));
                } else {
                    escape(b);
                }
                from = i + 1;
            }
            raw(utf8, from, utf8.length - from);
        }
    }

    private void surrogate(char c) throws IOException {
        room(6);
        buf[pos++] = '\\';
        buf[pos++] = 'u';
        buf[pos++] = HEX[c >> 12];
        buf[pos++] = HEX[(c >> 8) & 0xf];
        buf[pos++] = HEX[(c >> 4) & 0xf];
        buf[pos++] = HEX[c & 0xf];
    }

    /**
     * A string with characters beyond ASCII, one character at a time: UTF-8, except that surrogates (the halves of
     * characters beyond U+FFFF, and lone ones) are written as {@code \}{@code uXXXX} escapes, as Jackson does.
     */
    private void quotedNonAscii(String s) throws IOException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            room(6);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    buf[pos++] = (byte) c;
                } else {
                    escape(c);
                }
            } else if (c < 0x800) {
                buf[pos++] = (byte) (0xc0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                surrogate(c);
            } else {
                buf[pos++] = (byte) (0xe0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[pos++] = (byte) (0x80 | (c & 0x3f));
            }
        }
    }

    private void escape(int c) throws IOException {
        room(6);
        buf[pos++] = '\\';
        switch (c) {
            case '"', '\\' -> buf[pos++] = (byte) c;
            case '\b' -> buf[pos++] = 'b';
            case '\t' -> buf[pos++] = 't';
            case '\n' -> buf[pos++] = 'n';
            case '\f' -> buf[pos++] = 'f';
            case '\r' -> buf[pos++] = 'r';
            default -> {
                buf[pos++] = 'u';
                buf[pos++] = '0';
                buf[pos++] = '0';
                buf[pos++] = HEX[c >> 4];
                buf[pos++] = HEX[c & 0xf];
            }
        }
    }

    private void digits(long v) throws IOException {
        if (v == Long.MIN_VALUE) {
            ascii(Long.toString(v));
            return;
        }
        room(20);
        if (v < 0) {
            buf[pos++] = '-';
            v = -v;
        }
        if (v <= Integer.MAX_VALUE) { // most numbers: C1 calls the runtime for long division (a tenth of a scan's run)
            intDigits((int) v);
            return;
        }
        int len = 1;
        for (long t = v; t >= 10; t /= 10) {
            len++;
        }
        int end = pos + len;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        pos = end;
    }

    /**
     * A non-negative {@code value} below 10^{@code count} as {@code count} digits, zero-padded: the fraction of a
     * second after its point (seconds, durations, instants). Room is made by the caller.
     */
    private void paddedDigits(int value, int count) {
        int i = pos + count;
        pos = i;
        for (; count >= 2; count -= 2) { // two digits a step, dividing by 100 as intDigits does (C1 divides slowly)
            int q = (int) ((value * 0x51EB851FL) >>> 37);
            int r = value - q * 100;
            buf[--i] = PAIRS[2 * r + 1];
            buf[--i] = PAIRS[2 * r];
            value = q;
        }
        if (count == 1) {
            buf[--i] = (byte) ('0' + value); // below ten: value had at most count digits
        }
    }

    /** Powers of ten an int can reach, to count a number's digits by comparisons instead of divisions. */
    private static final int[] TENS = {10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000};
    /** "00" to "99": two digits per step. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /**
     * A non-negative int's digits, two at a time, dividing by 100 as a multiply and shift (exact for every int:
     * 0x51EB851F / 2^37 is 1/100 rounded up, off by less than 1/2^32 of n): a division costs C1's code some 25
     * cycles, and a scan writes a dozen numbers on each of its 500,000 lines. Room is made by the caller.
     */
    private void intDigits(int n) {
        int len = 1;
        while (len < 10 && n >= TENS[len - 1]) {
            len++;
        }
        int i = pos + len;
        pos = i;
        while (n >= 100) {
            int q = (int) ((n * 0x51EB851FL) >>> 37);
            int r = n - q * 100;
            buf[--i] = PAIRS[2 * r + 1];
            buf[--i] = PAIRS[2 * r];
            n = q;
        }
        if (n >= 10) {
            buf[--i] = PAIRS[2 * n + 1];
            buf[--i] = PAIRS[2 * n];
        } else {
            buf[--i] = (byte) ('0' + n);
        }
    }

    @SuppressWarnings("deprecation")
    private void ascii(String s) throws IOException {
        int len = s.length();
        room(len);
        s.getBytes(0, len, buf, pos); // only ever ASCII here (numbers)
        pos += len;
    }

    private void raw(byte b) throws IOException {
        if (pos == buf.length) {
            flush();
        }
        buf[pos++] = b;
    }

    private void raw(byte[] a) throws IOException {
        raw(a, 0, a.length);
    }

    private void raw(byte[] a, int off, int len) throws IOException {
        if (len > buf.length - pos) {
            flush();
            if (len > buf.length) {
                out.write(a, off, len);
                return;
            }
        }
        System.arraycopy(a, off, buf, pos, len);
        pos += len;
    }

    private void room(int n) throws IOException {
        if (buf.length - pos < n) {
            flush();
        }
    }
}
