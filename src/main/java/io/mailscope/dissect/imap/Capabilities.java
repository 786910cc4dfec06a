package io.mailscope.dissect.imap;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** The server's capabilities as last advertised (upper-case, in the server's order). */
final class Capabilities {
    private Set<String> current = Set.of();

    Set<String> current() {
        return current;
    }

    /** From "* CAPABILITY" text. Returns true when the set changed. */
    boolean replace(String list) {
        Set<String> next = new LinkedHashSet<>();
        // the words of list.trim().split(" +"), without a regular expression compiled for every greeting
        String words = list.trim();
        for (int i = 0; i < words.length(); ) {
            int end = words.indexOf(' ', i);
            end = end < 0 ? words.length() : end;
            if (end > i) next.add(ImapText.upper(words.substring(i, end)));
            i = end + 1;
        }
        if (next.equals(current)) return false;
        current = Collections.unmodifiableSet(next);
        return true;
    }

    /** From a response code: only a CAPABILITY code changes anything. */
    boolean fromCode(String code) {
        if (code.equals("CAPABILITY")) return replace("");
        if (!code.startsWith("CAPABILITY ")) return false;
        return replace(code.substring("CAPABILITY ".length()));
    }

    boolean clear() {
        if (current.isEmpty()) return false;
        current = Set.of();
        return true;
    }
}
