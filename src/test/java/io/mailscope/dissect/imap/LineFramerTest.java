package io.mailscope.dissect.imap;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The framer alone: what is a line end, what is a literal, what is kept. */
class LineFramerTest {

    /** Records the framer's callbacks as short strings. */
    static final class Recorder implements LineFramer.Listener {
        final List<String> calls = new ArrayList<>();
        boolean stopAfterLines;

        @Override
        public void literal(long size, boolean nonSynchronizing) {
            calls.add("literal " + size + (nonSynchronizing ? "+" : ""));
        }

        @Override
        public void overlong(int maxLine) {
            calls.add("overlong");
        }

        @Override
        public void bareLf() {
            calls.add("bare-lf");
        }

        @Override
        public boolean line(byte[] buffer, int length, boolean truncated) {
            calls.add("line " + new String(buffer, 0, length, StandardCharsets.ISO_8859_1) + (truncated ? " (cut)" : ""));
            return !stopAfterLines;
        }
    }

    private static List<String> frame(String input, Conversation.Chunker chunker) {
        Recorder r = new Recorder();
        LineFramer f = new LineFramer(32, r);
        byte[] b = input.getBytes(StandardCharsets.ISO_8859_1);
        int off = 0;
        for (int n : chunker.split(b.length)) {
            assertEquals(n, f.feed(b, off, n));
            off += n;
        }
        return r.calls;
    }

    private static List<String> frameAllWays(String input) {
        List<String> whole = frame(input, Conversation.WHOLE);
        assertEquals(whole, frame(input, Conversation.BYTES));
        for (long seed = 1; seed < 4; seed++) assertEquals(whole, frame(input, Conversation.random(seed)));
        return whole;
    }

    @Test
    void crlfAndBareLfEndLines() {
        assertEquals(List.of("line a", "bare-lf", "line b"), frameAllWays("a\r\nb\n"));
    }

    @Test
    void braceNumberNotAtLineEndIsNoLiteral() {
        assertEquals(List.of("line x {3} y", "line {} z", "line {+}", "line {3}x"),
                frameAllWays("x {3} y\r\n{} z\r\n{+}\r\n{3}x\r\n"));
    }

    @Test
    void literalBytesAreSkippedAndTheLineContinuesAfterThem() {
        assertEquals(List.of("literal 5", "line a {5} b"), frameAllWays("a {5}\r\n\r\n\n\r\r b\r\n"));
    }

    @Test
    void strayCrBetweenBraceAndLineEndIsNoLiteral() {
        assertEquals(List.of("line a {5}\r", "line b"), frameAllWays("a {5}\r\r\nb\r\n"));
    }

    @Test
    void zeroLengthLiteralSkipsNothing() {
        assertEquals(List.of("literal 0", "line a {0}"), frameAllWays("a {0}\r\n\r\n"));
    }

    @Test
    void nonSynchronizingAndBinaryLiterals() {
        assertEquals(List.of("literal 2+", "literal 1", "line a {2+}xx ~{1}"), frameAllWays("a {2+}\r\nzzxx ~{1}\r\nz\r\n"));
    }

    @Test
    void overlongLineIsCutFlaggedOnceAndEndsAtItsLf() {
        String longLine = "x".repeat(100);
        assertEquals(List.of("overlong", "line " + "x".repeat(32) + " (cut)", "line ok"),
                frameAllWays(longLine + "\r\nok\r\n"));
    }

    @Test
    void crAtTheBoundIsNotCountedAsContent() {
        assertEquals(List.of("line " + "y".repeat(32)), frameAllWays("y".repeat(32) + "\r\n"));
    }

    @Test
    void stopRequestReturnsRightAfterTheLine() {
        Recorder r = new Recorder();
        r.stopAfterLines = true;
        LineFramer f = new LineFramer(64, r);
        byte[] b = "a1 OK go\r\nTLS".getBytes(StandardCharsets.US_ASCII);
        assertEquals(10, f.feed(b, 0, b.length));
    }

    @Test
    void gapResynchronisesAtTheNextLf() {
        Recorder r = new Recorder();
        LineFramer f = new LineFramer(64, r);
        byte[] a = "abc".getBytes(StandardCharsets.US_ASCII);
        f.feed(a, 0, a.length);
        assertEquals(LineFramer.GapEffect.LINE_ABANDONED, f.gap(5));
        byte[] b = "tail {2}\r\nxx\r\nnext\r\n".getBytes(StandardCharsets.US_ASCII);
        f.feed(b, 0, b.length);
        assertEquals(List.of("literal 2", "line next"), r.calls, "even a discarded line's literal is skipped");
    }

    @Test
    void gapWithinLiteralKeepsTheLine() {
        Recorder r = new Recorder();
        LineFramer f = new LineFramer(64, r);
        byte[] a = "a {10}\r\nxyz".getBytes(StandardCharsets.US_ASCII);
        f.feed(a, 0, a.length);
        assertEquals(LineFramer.GapEffect.INSIDE_LITERAL, f.gap(5));
        assertTrue(f.inLiteral());
        byte[] b = "zz b\r\n".getBytes(StandardCharsets.US_ASCII);
        f.feed(b, 0, b.length);
        assertFalse(f.inLiteral());
        assertEquals(List.of("literal 10", "line a {10} b"), r.calls);
    }
}
