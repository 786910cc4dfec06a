package io.mailscope.explain;

/**
 * Codes that mean the same for every mail protocol: TCP, port roles, STARTTLS, TLS, certificates, logins in
 * the clear, the capture's own limits. The number is the priority ({@link FindingCode#priority()}): the
 * connection failing beats the TLS handshake failing, which beats what was said on the wrong port, and so on
 * down to what the capture cannot show.
 */
public enum CommonCode implements FindingCode {
    NO_ANSWER(100),
    /** connect only: the server's name has no address. */
    NAME_NOT_RESOLVED(100),
    /** connect only: the ClientHello it sent got no answer (a capture shows only silence). */
    TLS_HANDSHAKE_STALLED(85),
    CONNECTION_REFUSED(100),
    /** The proxy the client went through refused: nothing reached the mail server. */
    PROXY_REFUSED(95),
    TLS_ALERT(90),
    CERTIFICATE_REJECTED(89),
    TLS_VERSION_MISMATCH(88),
    TLS_NO_COMMON_CIPHER(88),
    TLS_HANDSHAKE_ABORTED(88),
    PLAINTEXT_TO_TLS_PORT(80),
    TLS_TO_PLAINTEXT_PORT(80),
    PLAINTEXT_FROM_TLS_PORT(80),
    TLS_FROM_PLAINTEXT_PORT(80),
    UNKNOWN_ON_MAIL_PORT(80),
    STARTTLS_REFUSED(76),
    PLAINTEXT_AFTER_STARTTLS(75),
    STARTTLS_MUTUAL_WAIT(74),
    STARTTLS_FALLBACK(73),
    STARTTLS_NOT_ADVERTISED(0),
    STARTTLS_INJECTION(0),
    STARTTLS_PIPELINING(0),
    LOGIN_BEFORE_STARTTLS(70),
    AUTHENTICATION_FAILED(70),
    CLEARTEXT_CREDENTIALS(0),
    IMPLICIT_TLS_MUTUAL_WAIT(60),
    /** The server's first words refused the session: a POP3 "-ERR" or an SMTP 554 greeting. */
    GREETING_REFUSED(60),
    IDLE_TIMEOUT(58),
    NO_DATA(55) {
        @Override
        public boolean lastResort() {
            return true;
        }
    },
    RESET(43),
    CERTIFICATE_EXPIRED(0),
    CERTIFICATE_NOT_YET_VALID(0),
    CERTIFICATE_NAME_MISMATCH(0),
    CAPTURE_MIDSTREAM(10),
    SNAPLEN_TRUNCATED(0),
    CAPTURE_GAP(0),
    INTERNAL_ERROR(0);

    private final int priority;

    CommonCode(int priority) {
        this.priority = priority;
    }

    @Override
    public int priority() {
        return priority;
    }
}
