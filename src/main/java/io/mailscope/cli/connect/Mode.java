package io.mailscope.cli.connect;

/** How the connection starts. */
enum Mode {
    /** Implicit TLS: the ClientHello is the first thing sent (993). */
    TLS("tls"),
    /** Plaintext until STARTTLS, which mailscope sends itself after the greeting. */
    STARTTLS("starttls"),
    /** Plaintext; STARTTLS only if the user types it. */
    PLAIN("plain"),
    /** 993 TLS, 143 plaintext with STARTTLS offered, other ports: whoever speaks first decides. */
    AUTO("auto");

    final String label;

    Mode(String label) {
        this.label = label;
    }
}
