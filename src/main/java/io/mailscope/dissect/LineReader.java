package io.mailscope.dissect;

/**
 * Cuts one direction of a line-based protocol (POP3, SMTP) into lines, Netty style: it consumes what it is given,
 * keeps the line in progress and calls back when a line is complete. The line buffer is bounded: past
 * {@code maxLine} the rest of the line is dropped (reported once per line), so a reply line of a megabyte or a
 * never-ending one costs {@code maxLine} bytes. A line ends with CRLF or, tolerated, a bare LF. Bytes announced
 * by count (SMTP BDAT) are skipped by counting, never stored.
 */
public final class LineReader {

    public interface Listener {
        /**
         * A complete line, without its line ending.
         *
         * @param truncated the line was longer than the bound: only its start is in the buffer
         * @param bareLf    it ended with LF alone
         * @return false to make {@link #feed} return right after this line
         */
        boolean line(byte[] buffer, int length, boolean truncated, boolean bareLf);

        /** The line in progress grew past the bound (once per line). */
        void overlong(int maxLine);
    }

    private final int maxLine;
    private byte[] buffer = new byte[128];
    private int length;
    private boolean truncated;
    private boolean started;
    /** After a gap: the line in progress is unknown; drop bytes up to its end. */
    private boolean discarding;
    private long skipLeft;

    public LineReader(int maxLine) {
        if (maxLine < 16) {
            throw new IllegalArgumentException("maxLine too small: " + maxLine);
        }
        this.maxLine = maxLine;
    }

    /** Consumes bytes; returns how many, which is less than {@code len} only when the listener asked to stop. */
    public int feed(byte[] data, int off, int len, Listener listener) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (skipLeft > 0) {
                int n = (int) Math.min(skipLeft, end - i);
                skipLeft -= n;
                i += n;
                continue;
            }
            byte b = data[i++];
            if (b == '\n') {
                boolean bareLf = length == 0 || buffer[length - 1] != '\r';
                int n = bareLf ? length : length - 1;
                boolean wasDiscarding = discarding;
                boolean cut = truncated;
                reset();
                if (!wasDiscarding && !listener.line(buffer, n, cut, bareLf)) {
                    return i - off;
                }
                continue;
            }
            started = true;
            if (discarding) {
                continue;
            }
            if (length < maxLine) {
                if (length == buffer.length) {
                    byte[] bigger = new byte[Math.min(maxLine, buffer.length * 2)];
                    System.arraycopy(buffer, 0, bigger, 0, length);
                    buffer = bigger;
                }
                buffer[length++] = b;
            } else if (!truncated) {
                truncated = true;
                listener.overlong(maxLine);
            }
        }
        return len;
    }

    /** The next {@code n} bytes are skipped by counting (a BDAT chunk). */
    public void skip(long n) {
        skipLeft += n;
    }

    /** Bytes still to be skipped. */
    public long skipLeft() {
        return skipLeft;
    }

    /** Bytes are missing: inside a counted skip they are part of it; else the line in progress is dropped up to its end. */
    public void gap(long n) {
        if (skipLeft > 0) {
            long inSkip = Math.min(skipLeft, n);
            skipLeft -= inSkip;
            if (inSkip == n) {
                return;
            }
        }
        length = 0;
        truncated = false;
        discarding = true;
    }

    /** Something of a line has arrived and not yet its end. */
    public boolean hasPartialLine() {
        return started && !discarding;
    }

    public byte[] buffer() {
        return buffer;
    }

    public int length() {
        return length;
    }

    public boolean truncated() {
        return truncated;
    }

    private void reset() {
        length = 0;
        truncated = false;
        started = false;
        discarding = false;
    }
}
