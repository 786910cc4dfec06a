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

    /** Bidirectional overrides can make a terminal show text in another order than it was sent. */
    private static boolean isBidiControl(char c) {
        return c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** At most {@link #MAX_DISPLAY} characters, marked with an ellipsis when cut. */
    public static String bound(String s) {
        return s.length() <= MAX_DISPLAY ? s : s.substring(0, MAX_DISPLAY - 1) + "\u2026";
    }
}
