package io.mailscope.dissect.imap;

import io.mailscope.dissect.imap.ImapEvent.Response.Kind;

import java.util.Set;

/**
 * One server response line, parsed.
 *
 * @param kind    tagged, untagged or continuation
 * @param tag     the tag of a tagged response, else null
 * @param status  OK/NO/BAD/BYE/PREAUTH, or the untagged keyword (CAPABILITY, EXISTS...), or "" for a
 *                continuation (never null, so that callers can compare it)
 * @param code    the response code without brackets (first word upper-cased), or null; bounded by the line bound only,
 *                so that a long CAPABILITY code is read whole
 * @param text    the text after status and code
 * @param display the line for a transcript (bounded)
 * @param wellFormed false when the line does not look like an IMAP response at all
 */
record ServerLine(Kind kind, String tag, String status, String code, String text, String display, boolean wellFormed) {

    static final Set<String> CONDITIONS = Set.of("OK", "NO", "BAD", "BYE", "PREAUTH");

    static ServerLine parse(String line) {
        String display = ImapText.bound(line);
        int s1 = ImapText.skipSpaces(line, 0);
        int e1 = ImapText.tokenEnd(line, s1);
        String first = line.substring(s1, e1);
        if (first.isEmpty()) return new ServerLine(Kind.UNTAGGED, null, "", null, "", display, false);
        if (first.equals("+")) {
            return withCode(Kind.CONTINUATION, null, "", line, e1, display, true);
        }
        int s2 = ImapText.skipSpaces(line, e1);
        int e2 = ImapText.tokenEnd(line, s2);
        String word = ImapText.upper(line.substring(s2, e2));
        if (first.equals("*")) {
            if (ImapText.isDigits(word)) {
                // "* 3 EXISTS", "* 1 FETCH (...)": the keyword follows the number
                int s3 = ImapText.skipSpaces(line, e2);
                int e3 = ImapText.tokenEnd(line, s3);
                String keyword = ImapText.upper(line.substring(s3, e3));
                String text = line.substring(ImapText.skipSpaces(line, e3));
                return new ServerLine(Kind.UNTAGGED, null, keyword, null, bound(text), display, !keyword.isEmpty());
            }
            if (CONDITIONS.contains(word)) return withCode(Kind.UNTAGGED, null, word, line, e2, display, true);
            String text = line.substring(ImapText.skipSpaces(line, e2));
            return new ServerLine(Kind.UNTAGGED, null, word, null, bound(text), display, !word.isEmpty());
        }
        boolean ok = word.equals("OK") || word.equals("NO") || word.equals("BAD");
        return withCode(Kind.TAGGED, first, word, line, e2, display, ok);
    }

    /** Parses an optional "[code]" right after the status word, then the text. */
    private static ServerLine withCode(Kind kind, String tag, String status, String line, int from, String display,
                                       boolean wellFormed) {
        int i = ImapText.skipSpaces(line, from);
        String code = null;
        if (i < line.length() && line.charAt(i) == '[') {
            int close = line.indexOf(']', i + 1);
            String raw = close < 0 ? line.substring(i + 1) : line.substring(i + 1, close);
            int sp = raw.indexOf(' ');
            code = sp < 0 ? ImapText.upper(raw) : ImapText.upper(raw.substring(0, sp)) + raw.substring(sp);
            i = close < 0 ? line.length() : ImapText.skipSpaces(line, close + 1);
        }
        return new ServerLine(kind, tag, status, code, bound(line.substring(i)), display,
                wellFormed);
    }

    private static String bound(String s) {
        return ImapText.bound(s);
    }
}
