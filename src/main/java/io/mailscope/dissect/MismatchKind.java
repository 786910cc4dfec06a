package io.mailscope.dissect;

import java.util.Locale;

/**
 * How what a side spoke does not fit the port's role. Each becomes a finding of the same code; the explain
 * layer switches over all of them, so a new kind does not compile until it is explained.
 */
public enum MismatchKind {
    /** The client sent plaintext (a typed command) to an implicit TLS port. */
    PLAINTEXT_TO_TLS_PORT,
    /** The server sent plaintext on what is configured as an implicit TLS port: it is a plaintext server. */
    PLAINTEXT_FROM_TLS_PORT,
    /** The client sent a TLS ClientHello to a plaintext port without STARTTLS. */
    TLS_TO_PLAINTEXT_PORT,
    /** The server spoke TLS on a plaintext port: it is an implicit TLS server. */
    TLS_FROM_PLAINTEXT_PORT,
    HTTP_ON_IMAP_PORT,
    SMTP_ON_IMAP_PORT,
    POP3_ON_IMAP_PORT,
    HTTP_ON_POP3_PORT,
    IMAP_ON_POP3_PORT,
    SMTP_ON_POP3_PORT,
    HTTP_ON_SMTP_PORT,
    IMAP_ON_SMTP_PORT,
    POP3_ON_SMTP_PORT,
    UNKNOWN_ON_MAIL_PORT;

    private final String code = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String code() {
        return code;
    }

    /** {@code spoken} (http, imap, pop3, smtp...) heard on a port of {@code portProtocol}: X_ON_Y_PORT, else UNKNOWN_ON_MAIL_PORT. */
    public static MismatchKind onPort(String spoken, String portProtocol) {
        for (MismatchKind k : values()) {
            if (k.code.equals(spoken + "-on-" + portProtocol + "-port")) {
                return k;
            }
        }
        return UNKNOWN_ON_MAIL_PORT;
    }
}
