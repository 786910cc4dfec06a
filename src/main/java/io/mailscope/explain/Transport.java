package io.mailscope.explain;

/** How the session was (or was meant to be) protected. */
public enum Transport {
    PLAIN("plain"), STARTTLS("starttls"), IMPLICIT_TLS("implicit-tls"), UNKNOWN("unknown");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
