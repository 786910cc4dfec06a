package io.mailscope.explain;

/** Codes only IMAP has: its greeting, BYE, tags, SASL answers (RFC 5530 codes), COMPRESS. */
public enum ImapCode implements FindingCode {
    HTTP_ON_IMAP_PORT(80),
    SMTP_ON_IMAP_PORT(80),
    POP3_ON_IMAP_PORT(80),
    AUTH_MECHANISM_UNSUPPORTED(70),
    AUTH_UNAVAILABLE(70),
    NO_GREETING(60),
    CLIENT_SPOKE_FIRST(0),
    PLAINTEXT_AFTER_COMPRESS(50),
    SERVER_BYE(44),
    SERVER_HANGUP(40) {
        @Override
        public boolean lastResort() {
            return true;
        }
    },
    MISSING_TAG(0),
    BARE_LF(0),
    TAG_REUSED(0),
    GREETING_ENCODED_HOSTNAME(0),
    MAILBOX_NOT_FOUND(0),
    COMMAND_REFUSED(0);

    private final int priority;

    ImapCode(int priority) {
        this.priority = priority;
    }

    @Override
    public int priority() {
        return priority;
    }
}
