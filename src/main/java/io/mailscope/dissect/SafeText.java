package io.mailscope.dissect;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Line bytes as safe, bounded text for transcripts: what every line-based protocol's analyzer shows. */
public final class SafeText {
    /** Longest display text an event carries; a capability line of a big server fits. */
    public static final int MAX_DISPLAY = 1024;

    private SafeText() {
    }

    /**
     * Decodes a line (UTF-8, malformed bytes become U+FFFD) and escapes control characters as backslash-x-NN
     * (bidirectional overrides as backslash-u-NNNN) so that a transcript printed on a terminal cannot be steered by
     * the traffic (ESC sequences, CR tricks, right-to-left overrides).
     */
    public static String decode(byte[] bytes, int length) {
        if (printableAscii(bytes, length)) {
            return new String(bytes, 0, length, StandardCharsets.ISO_8859_1); // nothing to escape: most lines
        }
        String s = new String(bytes, 0, length, StandardCharsets.UTF_8);
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\t') || (c >= 0x7f && c < 0xa0) || isBidiControl(c);
            if (control && out == null) {
                out = new StringBuilder(s.length() + 16);
                out.append(s, 0, i);
            }
            if (out != null) {
                if (control && c > 0xff) {
                    out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                } else if (control) {
                    out.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /**
     * Only printable ASCII and tabs: the line decodes to the same characters in any of these charsets and holds no
     * control or bidirectional character. One pass over the bytes, instead of a character at a time through the
     * tests below (a visible part of reading every line of 200,000 short sessions).
     */
    private static boolean printableAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            if ((b < 0x20 && b != '\t') || b == 0x7f) { // a negative byte is beyond ASCII
                return false;
            }
        }
        return true;
    }

    /** Bidirectional overrides can make a terminal show text in another order than it was sent. */
    private static boolean isBidiControl(char c) {
        return c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** At most {@link #MAX_DISPLAY} characters, marked with an ellipsis when cut. */
    public static String bound(String s) {
        return s.length() <= MAX_DISPLAY ? s : s.substring(0, MAX_DISPLAY - 1) + "\u2026";
    }
}
