package io.mailscope.report;

/**
 * Escapes text for HTML and inline SVG, in element content and in quoted attributes alike.
 *
 * <p>Everything a session shows came off the network, so nothing is trusted: the five markup characters become
 * entities (a {@code </svg>} or {@code <script>} in an IMAP line stays text), and control characters, which
 * would make the document ill-formed or hide text, become visible U+FFFD.
 */
final class HtmlEscape {
    private HtmlEscape() {
    }

    static String text(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> (c < 0x20 && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0) ? "\uFFFD" : null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Shortens to {@code max} characters (with an ellipsis), never splitting a surrogate pair; not escaped. */
    static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s == null ? "" : s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "\u2026";
    }
}
