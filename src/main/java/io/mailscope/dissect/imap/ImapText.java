package io.mailscope.dissect.imap;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Turning line bytes into safe, bounded text and picking IMAP tokens out of it. */
final class ImapText {
    /** Longest display text an event carries; a capability line of a big server fits. */
    static final int MAX_DISPLAY = 1024;

    private ImapText() {
    }

    /** See {@link io.mailscope.dissect.SafeText#decode}. */
    static String decode(byte[] bytes, int length) {
        return io.mailscope.dissect.SafeText.decode(bytes, length);
    }

    static String bound(String s) {
        if (s.length() <= MAX_DISPLAY) return s;
        return s.substring(0, MAX_DISPLAY - 1) + "…";
    }

    static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }

    /**
     * The second word of {@code s.trim().split(" +")}, or null when there is none; without the regular expression
     * that split compiles on every call (the sniffer asks it of every session's first line).
     */
    static String secondWord(String s) {
        String t = s.trim();
        int space = t.indexOf(' ');
        if (space < 0) return null;
        int start = skipSpaces(t, space);
        int end = t.indexOf(' ', start);
        return t.substring(start, end < 0 ? t.length() : end);
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
