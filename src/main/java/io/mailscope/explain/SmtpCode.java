package io.mailscope.explain;

import java.util.Locale;

/** Codes only SMTP has: another protocol on its port, and the refusals of the mail transaction (relay, sender). */
public enum SmtpCode implements FindingCode {
    HTTP_ON_SMTP_PORT(80),
    IMAP_ON_SMTP_PORT(80),
    POP3_ON_SMTP_PORT(80),
    SMTP_RELAY_DENIED(68),
    SMTP_SENDER_REJECTED(68);

    private final int priority;
    private final String label;

    SmtpCode(int priority) {
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
