package io.mailscope.dissect;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SafeText.decode: UTF-8 with controls and bidirectional overrides escaped; printable ASCII lines taken as they are. */
class SafeTextTest {
    @Test
    void escapesWhatCouldSteerATerminal() {
        assertEquals("a1 OK done", decode("a1 OK done"));
        assertEquals("tab\tkept", decode("tab\tkept"));
        assertEquals("\\x1B[31mred\\x0D", decode("\u001b[31mred\r"));
        assertEquals("DEL\\x7F", decode("DEL\u007f"));
        assertEquals("caf\u00e9 \\u202Eevil", decode("caf\u00e9 \u202eevil"));
        assertEquals("bad \ufffd byte", SafeText.decode(new byte[] {'b', 'a', 'd', ' ', (byte) 0xff, ' ', 'b', 'y', 't', 'e'}, 10));
    }

    /** The printable-ASCII shortcut changes nothing: the same text as decoding and escaping every line. */
    @Test
    void sameTextAsEscapingCharacterByCharacter() {
        Random random = new Random(3);
        byte[] alphabet = "a Z0~\t\r\n\u001b\u007f".getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf8 = "\u00e9\u202e\u2066\u0085".getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n < 50_000; n++) {
            byte[] b = new byte[random.nextInt(24)];
            for (int i = 0; i < b.length; i++) {
                int pick = random.nextInt(alphabet.length + 4);
                b[i] = pick < alphabet.length ? alphabet[pick] : pick == alphabet.length ? (byte) random.nextInt(256)
                        : utf8[random.nextInt(utf8.length)];
                if (random.nextInt(4) > 0 && (b[i] < 0x20 || b[i] >= 0x7f)) {
                    b[i] = 'x'; // mostly printable lines, as in traffic
                }
            }
            int length = b.length == 0 ? 0 : random.nextInt(b.length + 1);
            assertEquals(reference(b, length), SafeText.decode(b, length));
        }
    }

    private static String decode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return SafeText.decode(b, b.length);
    }

    /** decode as it was written first: every character of the decoded line tested. */
    private static String reference(byte[] bytes, int length) {
        String s = new String(bytes, 0, length, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bidi = c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0) || bidi;
            if (control && c > 0xff) {
                out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else if (control) {
                out.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
