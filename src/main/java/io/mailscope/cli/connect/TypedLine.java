package io.mailscope.cli.connect;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line the user typed, read as an IMAP command: its tag (if it has one), its command name, and the literal it
 * announces at its end ({5} waits for the server's "+", {5+} does not).
 */
record TypedLine(String text, String tag, String name, long literal, boolean literalPlus) {

    /** Command names (RFC 9051, RFC 3501 and common extensions): a line starting with one has no tag. */
    static final Set<String> COMMANDS = Set.of(
            "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN", "ENABLE", "SELECT", "EXAMINE",
            "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "NAMESPACE", "STATUS",
            "APPEND", "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE",
            "UID", "ID", "COMPRESS", "GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "GETACL", "SETACL", "DELETEACL",
            "LISTRIGHTS", "MYRIGHTS", "GETMETADATA", "SETMETADATA", "SORT", "THREAD", "NOTIFY", "XLIST",
            "UNAUTHENTICATE", "REPLACE", "XOAUTH2");

    private static final Pattern LITERAL = Pattern.compile("\\{(\\d{1,18})(\\+?)}$");

    static TypedLine parse(String text) {
        String trimmed = text.strip();
        String[] words = trimmed.split(" +", 3);
        String first = words[0].toUpperCase(Locale.ROOT);
        String tag;
        String name;
        if (COMMANDS.contains(first)) {
            tag = null;
            name = first;
        } else {
            tag = words[0].isEmpty() ? null : words[0];
            name = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
        }
        Matcher m = LITERAL.matcher(trimmed);
        long literal = -1;
        boolean plus = false;
        if (m.find()) {
            literal = Long.parseLong(m.group(1));
            plus = !m.group(2).isEmpty();
        }
        return new TypedLine(text, tag, name, literal, plus);
    }

    /** The line with {@code newTag} in front (for a command typed without a tag). */
    TypedLine withTag(String newTag) {
        return new TypedLine(newTag + " " + text.strip(), newTag, name, literal, literalPlus);
    }

    boolean hasTag() {
        return tag != null;
    }

    /** A LOGIN, or an AUTHENTICATE whose mechanism sends the password as it is (PLAIN, LOGIN). */
    boolean sendsPassword() {
        if ("LOGIN".equals(name)) {
            return true;
        }
        if (!"AUTHENTICATE".equals(name)) {
            return false;
        }
        String upper = text.toUpperCase(Locale.ROOT);
        return upper.contains(" PLAIN") || upper.contains(" LOGIN");
    }
}
