package io.mailscope.explain;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enum constants spelled for people ("no-answer", "stalled"), each spelled once: every session's report asks for its
 * outcome's and findings' labels, and lower-casing a name on every call showed in the profile of a 500,000-session scan.
 */
final class Labels {
    private static final ConcurrentHashMap<Enum<?>, String> LOWER = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<FindingCode, String> CODES = new ConcurrentHashMap<>();

    private Labels() {
    }

    /** The name in lower case. */
    static String lower(Enum<?> e) {
        String s = LOWER.get(e);
        return s != null ? s : LOWER.computeIfAbsent(e, k -> k.name().toLowerCase(Locale.ROOT));
    }

    /** A finding code's label: its name in lower case, '_' as '-'. */
    static String of(FindingCode code) {
        String s = CODES.get(code);
        return s != null ? s : CODES.computeIfAbsent(code, k -> k.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
}
