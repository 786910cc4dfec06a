package io.mailscope.cli.connect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a typed line is: a tagged or bare command, a literal announced at its end, a line carrying a password. */
class TypedLineTest {
    @Test
    void aLineStartingWithACommandNameHasNoTagAndGetsOne() {
        TypedLine bare = TypedLine.parse("login alice secret");
        assertNull(bare.tag());
        assertEquals("LOGIN", bare.name());
        TypedLine tagged = bare.withTag("a3");
        assertEquals("a3 login alice secret", tagged.text());
        assertEquals("a3", tagged.tag());
    }

    @Test
    void aTaggedLineKeepsItsTag() {
        TypedLine l = TypedLine.parse("x7 SELECT INBOX");
        assertEquals("x7", l.tag());
        assertEquals("SELECT", l.name());
        assertTrue(l.hasTag());
    }

    @Test
    void aLiteralAtTheEndIsSynchronizingUnlessItHasAPlus() {
        TypedLine sync = TypedLine.parse("a1 APPEND INBOX {310}");
        assertEquals(310, sync.literal());
        assertFalse(sync.literalPlus());
        TypedLine plus = TypedLine.parse("a1 APPEND INBOX {12+}");
        assertEquals(12, plus.literal());
        assertTrue(plus.literalPlus());
        assertEquals(-1, TypedLine.parse("a1 SEARCH SUBJECT {x}").literal());
    }

    @Test
    void loginAndPlainAuthenticationCarryAPassword() {
        assertTrue(TypedLine.parse("a1 LOGIN alice secret").sendsPassword());
        assertTrue(TypedLine.parse("AUTHENTICATE PLAIN").sendsPassword());
        assertTrue(TypedLine.parse("a2 authenticate login").sendsPassword());
        assertFalse(TypedLine.parse("a2 AUTHENTICATE GSSAPI").sendsPassword());
        assertFalse(TypedLine.parse("a3 SELECT LOGIN").sendsPassword());
    }
}
