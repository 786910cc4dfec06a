package io.mailscope.explain;

import java.util.Locale;

/**
 * Codes only POP3 has: another protocol on its port. Its other stories (STLS, logins before it, a refused
 * greeting) use the neutral {@link CommonCode}s.
 */
public enum Pop3Code implements FindingCode {
    HTTP_ON_POP3_PORT(80),
    IMAP_ON_POP3_PORT(80),
    SMTP_ON_POP3_PORT(80);

    private final int priority;
    private final String label;

    Pop3Code(int priority) {
        this.priority = priority;
        this.label = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public int priority() {
        return priority;
    }
}
