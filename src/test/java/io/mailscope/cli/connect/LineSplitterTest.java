package io.mailscope.cli.connect;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server bytes cut into screen lines, whatever the chunks. */
class LineSplitterTest {
    private static List<String> feed(LineSplitter s, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return s.feed(b, 0, b.length);
    }

    @Test
    void crlfAndBareLfEndLinesAndAPartialLineWaits() {
        LineSplitter s = new LineSplitter();
        assertEquals(List.of("* OK ready", "a1 OK done"), feed(s, "* OK ready\r\na1 OK done\na2 N"));
        assertEquals(List.of("a2 NO no"), feed(s, "O no\r\n"));
        assertNull(s.rest());
    }

    @Test
    void byteByByteGivesTheSameLines() {
        LineSplitter s = new LineSplitter();
        List<String> lines = new ArrayList<>();
        for (byte b : "* OK héllo\r\na1 OK\r\n".getBytes(StandardCharsets.UTF_8)) {
            lines.addAll(s.feed(new byte[] {b}, 0, 1));
        }
        assertEquals(List.of("* OK héllo", "a1 OK"), lines);
    }

    @Test
    void whatIsLeftWhenTheConnectionClosesIsTheRest() {
        LineSplitter s = new LineSplitter();
        feed(s, "a1 OK half");
        assertEquals("a1 OK half", s.rest());
        assertNull(s.rest());
    }

    @Test
    void aLineWithoutEndIsCutNotHeldWhole() {
        LineSplitter s = new LineSplitter();
        feed(s, "x".repeat(LineSplitter.MAX_LINE * 4));
        String rest = s.rest();
        assertEquals(LineSplitter.MAX_LINE + 1, rest.length());
        assertTrue(rest.endsWith("…"));
    }
}
