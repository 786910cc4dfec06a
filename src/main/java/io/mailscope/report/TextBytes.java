package io.mailscope.report;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer of UTF-8 text: the text report's paragraphs are rendered straight into bytes, ready for the
 * output, instead of into a {@code StringBuilder} that the box-drawing characters turned into UTF-16 (twice the
 * size), copied again by {@code toString}, kept in the grouping window, and encoded by the {@code PrintStream} at the
 * end: on the long-session capture that was 20+ µs per session and half of what the analysis allocated.
 *
 * <p>Text is encoded exactly as {@code String.getBytes(UTF_8)} (a lone surrogate becomes '?', as the stream's
 * encoder writes it too).
 */
final class TextBytes {
    private byte[] buf;
    private int len;

    TextBytes(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    int length() {
        return len;
    }

    void setLength(int n) {
        len = n;
    }

    byte[] array() {
        return buf;
    }

    TextBytes append(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int at = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                len = at;
                return appendEncoded(s, i);
            }
            b[at++] = (byte) c;
        }
        len = at;
        return this;
    }

    /** Characters {@code from} to {@code to} of {@code s}. */
    TextBytes append(String s, int from, int to) {
        ensure(to - from);
        byte[] b = buf;
        int at = len;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                len = at;
                return appendEncoded(s.substring(i, to), 0);
            }
            b[at++] = (byte) c;
        }
        len = at;
        return this;
    }

    /** The rest of {@code s} from {@code from}, which holds a character beyond ASCII. */
    private TextBytes appendEncoded(String s, int from) {
        byte[] utf8 = (from == 0 ? s : s.substring(from)).getBytes(StandardCharsets.UTF_8);
        return append(utf8, 0, utf8.length);
    }

    /** An ASCII character. */
    TextBytes append(char c) {
        if (c >= 0x80) {
            return append(String.valueOf(c));
        }
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    TextBytes append(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return append(Long.toString(v));
            }
            append('-');
            v = -v;
        }
        int digits = 1;
        for (long p = 10; digits < 19 && v >= p; p *= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        len += digits;
        return this;
    }

    TextBytes append(byte[] bytes, int off, int n) {
        ensure(n);
        System.arraycopy(bytes, off, buf, len, n);
        len += n;
        return this;
    }

    TextBytes append(TextBytes other) {
        return append(other.buf, 0, other.len);
    }

    /** {@code n} spaces. */
    TextBytes spaces(int n) {
        if (n > 0) {
            ensure(n);
            Arrays.fill(buf, len, len + n, (byte) ' ');
            len += n;
        }
        return this;
    }

    /** A copy of the bytes written. */
    byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    /** The text written (for the few places that still need a string). */
    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
