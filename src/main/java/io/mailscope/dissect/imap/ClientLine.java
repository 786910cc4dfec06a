package io.mailscope.dissect.imap;

import java.util.Set;

/**
 * One client command line, parsed: tag, command name, first argument, and the display text with credentials
 * hidden when asked.
 *
 * @param tag         the tag, or null when the line has none
 * @param name        the command name upper-cased, or "" for an empty line
 * @param firstArg    the first argument upper-cased (COMPRESS's mechanism...), or ""
 * @param display     the line for a transcript (bounded)
 * @param credentials the line carries a password or a SASL initial response
 */
record ClientLine(String tag, String name, String firstArg, String display, boolean credentials) {

    /** Command names of RFC 9051, RFC 3501 and common extensions: used to tell a missing tag from a tag. */
    static final Set<String> COMMANDS = Set.of(
            "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN", "ENABLE", "SELECT", "EXAMINE",
            "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "NAMESPACE", "STATUS",
            "APPEND", "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE",
            "UID", "ID", "COMPRESS", "GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "GETACL", "SETACL", "DELETEACL",
            "LISTRIGHTS", "MYRIGHTS", "GETMETADATA", "SETMETADATA", "SORT", "THREAD", "NOTIFY", "XLIST",
            "UNAUTHENTICATE", "REPLACE", "XOAUTH2", "DONE");

    private static final String HIDDEN = "***";

    boolean missingTag() {
        return tag == null;
    }

    static ClientLine parse(String line, boolean redact) {
        int s1 = ImapText.skipSpaces(line, 0);
        int e1 = ImapText.tokenEnd(line, s1);
        if (s1 == e1) return new ClientLine(null, "", "", ImapText.bound(line), false);
        String first = line.substring(s1, e1);
        int s2 = ImapText.skipSpaces(line, e1);
        int e2 = ImapText.tokenEnd(line, s2);
        String second = line.substring(s2, e2);

        String tag;
        int nameStart;
        int nameEnd;
        if (second.isEmpty()
                || (COMMANDS.contains(ImapText.upper(first)) && !COMMANDS.contains(ImapText.upper(second)))) {
            tag = null;
            nameStart = s1;
            nameEnd = e1;
        } else {
            tag = first;
            nameStart = s2;
            nameEnd = e2;
        }
        String name = ImapText.upper(line.substring(nameStart, nameEnd));
        int a1s = ImapText.skipSpaces(line, nameEnd);
        int a1e = ImapText.tokenEnd(line, a1s);
        int a2s = ImapText.skipSpaces(line, a1e);
        boolean hasSecondArg = a2s < line.length();
        String firstArg = ImapText.upper(line.substring(a1s, a1e));

        boolean credentials = false;
        String display = line;
        if (name.equals("LOGIN") || name.equals("AUTHENTICATE")) {
            // LOGIN user password: keep the user, hide the password (atom, quoted string or literal alike).
            // AUTHENTICATE mechanism initial-response: keep the mechanism, hide the response.
            credentials = hasSecondArg;
            if (redact && hasSecondArg) display = line.substring(0, a1e) + " " + HIDDEN;
        }
        return new ClientLine(tag, name, firstArg, ImapText.bound(display), credentials);
    }
}
