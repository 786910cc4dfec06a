package io.mailscope.report;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class HtmlEscapeTest {
    @Test
    void markupCharactersBecomeEntities() {
        assertEquals("&lt;/svg&gt;&lt;script&gt;a&amp;b&quot;c&#39;", HtmlEscape.text("</svg><script>a&b\"c'"));
    }

    @Test
    void plainTextIsReturnedAsIs() {
        String s = "* OK Dovecot ready.";
        assertSame(s, HtmlEscape.text(s));
    }

    @Test
    void controlCharactersBecomeVisibleReplacements() {
        assertEquals("a\uFFFDb\uFFFDc\td", HtmlEscape.text("a\u0000b\u001bc\td"));
    }

    @Test
    void nullIsEmpty() {
        assertEquals("", HtmlEscape.text(null));
    }

    @Test
    void clipEndsWithAnEllipsisAndKeepsSurrogatePairsWhole() {
        assertEquals("abcd\u2026", HtmlEscape.clip("abcdefgh", 5));
        assertEquals("abc\u2026", HtmlEscape.clip("abc\uD83D\uDE00fgh", 5));
        assertEquals("short", HtmlEscape.clip("short", 5));
    }

    @Test
    void backquotedCommandsInFixesBecomeCode() {
        assertEquals("Run <code>openssl s_client &lt;x&gt;</code> now", HtmlReport.withCode("Run `openssl s_client <x>` now"));
        assertEquals("a `b", HtmlReport.withCode("a `b"));
    }
}
