package io.mailscope.dissect.imap;

/**
 * Cuts one direction of IMAP into logical lines, Netty style: it consumes what it is given, keeps the line in
 * progress, and calls its {@link Listener} when a line is complete.
 *
 * <p>A logical line may carry literals ({@code {n}} or {@code {n+}}, also {@code ~{n}}): the text before each literal
 * stays in the line buffer (so the line reads {@code a1 LOGIN alice {6}}), and the n bytes of the literal are
 * skipped by counting, never stored. The buffer is bounded by {@code maxLine}: beyond it the rest of the line is
 * dropped (the literal recogniser still runs on it, so a literal announced at the end of an overlong line is still
 * skipped rather than read as commands). A line ends with CRLF or, tolerated, a bare LF.
 */
final class LineFramer {
    /** RFC 9051 puts no limit on lines; 8 KiB is what Dovecot and most clients use for a command line. */
    static final int DEFAULT_MAX_LINE = 8192;

    interface Listener {
        /** The line part just ended with a literal of this size; that many bytes follow and will be skipped. */
        void literal(long size, boolean nonSynchronizing);

        /** The line grew past the bound; called once per line. */
        void overlong(int maxLine);

        /** A line part ended with LF without CR. */
        void bareLf();

        /** The line buffer grew by this many bytes (for memory accounting). */
        default void retained(int bytes) {
        }

        /**
         * A complete logical line (without its line ending; literals appear as their {n} announcements).
         *
         * @return false to make {@link #feed} return right after this line's LF
         */
        boolean line(byte[] buffer, int length, boolean truncated);
    }

    /** What a gap did to the line in progress. */
    enum GapEffect { INSIDE_LITERAL, LINE_ABANDONED }

    // literal suffix recogniser states: the bytes just seen end in ...
    private static final int LIT_NONE = 0, LIT_OPEN = 1, LIT_DIGITS = 2, LIT_PLUS = 3, LIT_CLOSED = 4;

    private final int maxLine;
    private final Listener listener;
    private byte[] buffer = new byte[128];
    private int length;
    private boolean truncated;
    private boolean pendingCr;
    /** After a gap: the line in progress is unknown, drop bytes up to its end. */
    private boolean discarding;
    /** Anything of the current logical line seen (for end of stream). */
    private boolean lineStarted;
    private long literalLeft;
    private long literalSize;
    private boolean literalSynchronizing;

    private int litState = LIT_NONE;
    private long litValue;
    private boolean plusSeen;

    LineFramer(int maxLine, Listener listener) {
        if (maxLine < 16) throw new IllegalArgumentException("maxLine too small: " + maxLine);
        this.maxLine = maxLine;
        this.listener = listener;
    }

    /** Consumes bytes; returns how many, which is less than {@code len} only when the listener asked to stop. */
    int feed(byte[] data, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            if (literalLeft > 0) {
                int n = (int) Math.min(literalLeft, end - i);
                literalLeft -= n;
                i += n;
                continue;
            }
            byte b = data[i++];
            if (b == '\n') {
                if (!endOfPart()) return i - off;
                continue;
            }
            lineStarted = true;
            if (pendingCr) {
                // a CR not followed by LF is content: "{5}\r\r\n" announces no literal
                pendingCr = false;
                recognise((byte) '\r');
                if (!discarding) store((byte) '\r');
            }
            if (b == '\r') {
                pendingCr = true;   // stored only if no LF follows
                continue;           // the recogniser ignores a CR before LF
            }
            recognise(b);
            if (!discarding) store(b);
        }
        return i - off;
    }

    /** Handles an LF; returns false when the listener wants feeding to stop. */
    private boolean endOfPart() {
        if (!pendingCr) listener.bareLf();
        pendingCr = false;
        boolean literal = litState == LIT_CLOSED;
        boolean nonSync = plusSeen;
        long size = litValue;
        litState = LIT_NONE;
        plusSeen = false;
        if (literal) {
            lineStarted = true;
            literalSize = size;
            literalLeft = size;
            literalSynchronizing = !nonSync;
            listener.literal(size, nonSync);
            return true;
        }
        if (discarding) {
            discarding = false;
            reset();
            return true;
        }
        boolean go = listener.line(buffer, length, truncated);
        reset();
        return go;
    }


    private void recognise(byte b) {
        if (b == '{') {
            litState = LIT_OPEN;
            litValue = 0;
            plusSeen = false;
        } else if (b >= '0' && b <= '9' && (litState == LIT_OPEN || litState == LIT_DIGITS)) {
            litState = LIT_DIGITS;
            // saturate rather than overflow: a hostile 30-digit length is just "huge"
            litValue = litValue > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : litValue * 10 + (b - '0');
        } else if (b == '+' && litState == LIT_DIGITS) {
            litState = LIT_PLUS;
            plusSeen = true;
        } else if (b == '}' && (litState == LIT_DIGITS || litState == LIT_PLUS)) {
            litState = LIT_CLOSED;
        } else {
            litState = LIT_NONE;
            plusSeen = false;
        }
    }

    private void store(byte b) {
        if (truncated) return;
        if (length == maxLine) {
            truncated = true;
            listener.overlong(maxLine);
            return;
        }
        if (length == buffer.length) {
            byte[] bigger = new byte[Math.min(maxLine, buffer.length * 2)];
            System.arraycopy(buffer, 0, bigger, 0, length);
            listener.retained(bigger.length - buffer.length);
            buffer = bigger;
        }
        buffer[length++] = b;
    }

    private void reset() {
        length = 0;
        truncated = false;
        pendingCr = false;
        lineStarted = false;
        litState = LIT_NONE;
        plusSeen = false;
    }

    /** Bytes are missing: skip them inside a literal, or abandon the line and resynchronise at the next LF. */
    GapEffect gap(long missing) {
        if (literalLeft > 0 && missing <= literalLeft) {
            literalLeft -= missing;
            return GapEffect.INSIDE_LITERAL;
        }
        literalLeft = 0;
        reset();
        discarding = true;
        return GapEffect.LINE_ABANDONED;
    }

    boolean inLiteral() {
        return literalLeft > 0;
    }

    long literalLeft() {
        return literalLeft;
    }

    long literalSize() {
        return literalSize;
    }

    /** The line in progress as far as it arrived (literal announcements included), or null when there is none. */
    String partialText() {
        return hasPartialLine() && length > 0 ? ImapText.decode(buffer, length) : null;
    }

    /** True when a line has started but not ended (and is not being discarded after a gap). */
    boolean hasPartialLine() {
        return !discarding && literalLeft == 0 && (lineStarted || length > 0 || pendingCr);
    }

    byte[] buffer() {
        return buffer;
    }

    int length() {
        return length;
    }

    boolean truncated() {
        return truncated;
    }

    /**
     * True while a synchronizing literal has been announced and none of its bytes has arrived: the sender is
     * waiting for the peer's "+" and may never send it if the peer refuses.
     */
    boolean awaitingSynchronizingLiteral() {
        return literalSynchronizing && literalLeft > 0 && literalLeft == literalSize;
    }

    /**
     * The peer refused the literal (a tagged NO/BAD instead of "+"): it will not be sent, so the logical line
     * ends here. Returns what the listener returned for that line.
     */
    boolean refuseLiteral() {
        literalLeft = 0;
        boolean go = listener.line(buffer, length, truncated);
        reset();
        return go;
    }

    /** Dropping bytes up to the end of a line a hole cut (see {@link #gap}). */
    boolean discarding() {
        return discarding;
    }

    /** The bytes about to be fed are known to begin a line: stop dropping what a hole left of the previous one. */
    void resumeAtLineStart() {
        if (discarding) {
            discarding = false;
            reset();
        }
    }

    /** Forgets the line in progress (end of stream). */
    void clear() {
        literalLeft = 0;
        discarding = false;
        reset();
    }
}
