package io.mailscope.dissect.imap;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Turning line bytes into safe, bounded text and picking IMAP tokens out of it. */
final class ImapText {
    /** Longest display text an event carries; a capability line of a big server fits. */
    static final int MAX_DISPLAY = 1024;

    private ImapText() {
    }

    /**
     * Decodes a line (UTF-8, malformed bytes become U+FFFD) and escapes control characters as backslash-x-NN
     * (bidirectional overrides as backslash-u-NNNN) so that a transcript printed on a terminal cannot be steered by
     * the traffic (ESC sequences, CR tricks, right-to-left overrides).
     */
    static String decode(byte[] bytes, int length) {
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

    static String bound(String s) {
        if (s.length() <= MAX_DISPLAY) return s;
        return s.substring(0, MAX_DISPLAY - 1) + "…";
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') i++;
        return i;
    }

    /**
     * End of the token starting at {@code i}: a quoted string runs to its closing quote (backslash escapes
     * honoured), anything else (atom, literal announcement, list) to the next space.
     */
    static int tokenEnd(String s, int i) {
        if (i >= s.length()) return i;
        if (s.charAt(i) == '"') {
            int j = i + 1;
            while (j < s.length()) {
                char c = s.charAt(j);
                if (c == '\\' && j + 1 < s.length()) {
                    j += 2;
                } else if (c == '"') {
                    return j + 1;
                } else {
                    j++;
                }
            }
            return j;
        }
        int j = i;
        while (j < s.length() && s.charAt(j) != ' ') j++;
        return j;
    }

    static boolean isDigits(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }
}
