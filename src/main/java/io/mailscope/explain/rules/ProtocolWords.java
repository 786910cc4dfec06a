package io.mailscope.explain.rules;

/**
 * How a finding names a protocol's parts in the user's words: IMAP's STARTTLS on 143 or implicit TLS on 993,
 * POP3's STLS on 110 or 995, SMTP's STARTTLS on 587 or 465, the openssl s_client line that tries it, the RFC that
 * says the server speaks first, and the server settings that matter.
 */
record ProtocolWords(String name, String upgrade, int plainPort, int tlsPort, String starttlsProto, String tlsSetting,
                     String greetingRfc, String plaintextLoginSetting) {
    static final ProtocolWords IMAP = new ProtocolWords("IMAP", "STARTTLS", 143, 993, "imap", "dovecot: ssl = yes with a certificate",
            "RFC 9051 section 7.1.1", "dovecot: disable_plaintext_auth = yes");
    static final ProtocolWords POP3 = new ProtocolWords("POP3", "STLS", 110, 995, "pop3", "dovecot: ssl = yes with a certificate",
            "RFC 1939 section 4", "dovecot: disable_plaintext_auth = yes");
    static final ProtocolWords SMTP = new ProtocolWords("SMTP", "STARTTLS", 587, 465, "smtp",
            "Postfix: smtpd_tls_cert_file, smtpd_tls_key_file and smtpd_tls_security_level = may",
            "RFC 5321 section 3.1", "Postfix: smtpd_tls_auth_only = yes");

    /** The words of this protocol (imap, pop3, smtp); IMAP's when it is unknown, as before other protocols came. */
    static ProtocolWords of(String protocol) {
        if ("pop3".equals(protocol)) {
            return POP3;
        }
        if ("smtp".equals(protocol)) {
            return SMTP;
        }
        return IMAP;
    }

    /** The command line that does the upgrade by hand: `openssl s_client -starttls imap -connect HOST:PORT -crlf`. */
    String sClientStartTls(Object server) {
        return "`openssl s_client -starttls " + starttlsProto + " -connect " + server + " -crlf`";
    }

    /** The name with its article: "an IMAP", "a POP3", "an SMTP". */
    String a() {
        return ("POP3".equals(name) ? "a " : "an ") + name;
    }

    /** Kept for the STARTTLS rule's words. */
    String serverSetting() {
        return tlsSetting;
    }
}
