package io.mailscope.dissect;

/** What a server port is expected to speak. Content decides when the bytes say enough; the role when they do not. */
public enum PortRole {
    /** Plaintext IMAP, upgraded with STARTTLS (143): the server greets first. */
    IMAP("imap", "server"),
    /** Implicit TLS (993, RFC 8314): the client sends its ClientHello first. */
    IMAPS("imaps", "client"),
    /** Neither: judged by content alone. */
    OTHER("other", null);

    private final String label;
    private final String expectedFirstSpeaker;

    PortRole(String label, String expectedFirstSpeaker) {
        this.label = label;
        this.expectedFirstSpeaker = expectedFirstSpeaker;
    }

    public String label() {
        return label;
    }

    /** "server", "client", or null when the role does not say. */
    public String expectedFirstSpeaker() {
        return expectedFirstSpeaker;
    }
}
