package io.mailscope.report;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rendered text is the UTF-8 a stream would have written of the same string. */
class TextBytesTest {
    private static void encodesLikeTheStream(String s) {
        TextBytes t = new TextBytes(1);
        t.append(s);
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), t.toBytes(), s);
        TextBytes part = new TextBytes(1);
        part.append("<").append(s, 0, s.length()).append(">");
        assertArrayEquals(("<" + s + ">").getBytes(StandardCharsets.UTF_8), part.toBytes(), s);
    }

    @Test
    void textBeyondAsciiIsUtf8AndALoneSurrogateAQuestionMark() {
        for (String s : new String[]{"", "a001 OK", "│◀──── ─│", "ÿé · ", "\uD83D\uDD12 LOGIN", "x\uD83D", "\uDD12y", "\0#"}) {
            encodesLikeTheStream(s);
        }
    }

    @Test
    void numbersAreWrittenAsDecimal() {
        for (long v : new long[]{0, 7, 10, 99, 100, 4321, -1, -10, 999_999_999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(Long.toString(v), new TextBytes(2).append(v).toString());
        }
    }

    @Test
    void growsAsNeeded() {
        TextBytes t = new TextBytes(4);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            t.append("─ ").append(i).append('\n');
            expected.append("─ ").append(i).append('\n');
        }
        t.spaces(3);
        expected.append("   ");
        assertEquals(expected.toString(), t.toString());
    }

    @Test
    void wrappedTextHasTheWordsOfSplitOnASpace() {
        for (String text : new String[]{"", " ", "   ", "one", "one two", "one  two", " lead", "trail ", "trail   ",
                "a b c ".repeat(40), "word".repeat(30) + " short", "x ".repeat(60) + "y"}) {
            TextBytes t = new TextBytes(8);
            TextReport.wrap(text, "      ", t);
            assertEquals(splitWrap(text, "      "), t.toString(), "[" + text + "]");
        }
    }

    /** The wrap as it was written first, with String.split. */
    private static String splitWrap(String text, String indent) {
        StringBuilder sb = new StringBuilder();
        int width = 100 - indent.length();
        int col = 0;
        sb.append(indent);
        for (String word : text.split(" ")) {
            if (col > 0 && col + 1 + word.length() > width) {
                sb.append('\n').append(indent);
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(word);
            col += word.length();
        }
        return sb.append('\n').toString();
    }
}
