package io.mailscope.dissect;

import java.util.Locale;
import java.util.Set;

/**
 * What a server port is expected to speak: a mail protocol and how it is secured (plaintext upgraded with
 * STARTTLS/STLS, or implicit TLS). Content decides when the bytes say enough; the role when they do not.
 *
 * <p>The role names are a contract: {@code --port-role ROLE=PORTS} and the JSON {@code port_role} use them.
 */
public enum PortRole {
    /** Plaintext IMAP, upgraded with STARTTLS (143): the server greets first. */
    IMAP("imap", ProtocolSniffer.IMAP, Security.STARTTLS, 143),
    /** Implicit TLS IMAP (993, RFC 8314): the client sends its ClientHello first. */
    IMAPS("imaps", ProtocolSniffer.IMAP, Security.IMPLICIT_TLS, 993),
    /** Neither: judged by content alone. */
    OTHER("other", null, null),
    /** Plaintext POP3, upgraded with STLS (110, RFC 2595). */
    POP3("pop3", ProtocolSniffer.POP3, Security.STARTTLS, 110),
    /** Implicit TLS POP3 (995). */
    POP3S("pop3s", ProtocolSniffer.POP3, Security.IMPLICIT_TLS, 995),
    /** SMTP relay (25), upgraded with STARTTLS (RFC 3207). */
    SMTP("smtp", ProtocolSniffer.SMTP, Security.STARTTLS, 25),
    /** Message submission (587, RFC 6409), upgraded with STARTTLS. */
    SUBMISSION("submission", ProtocolSniffer.SMTP, Security.STARTTLS, 587),
    /** Message submission over implicit TLS (465, RFC 8314). */
    SUBMISSIONS("submissions", ProtocolSniffer.SMTP, Security.IMPLICIT_TLS, 465);

    /** How a role's connections are secured. */
    public enum Security {
        /** Plaintext first; the client may upgrade with STARTTLS (IMAP, SMTP) or STLS (POP3). The server greets first. */
        STARTTLS,
        /** TLS from the first byte: the client's ClientHello comes first. */
        IMPLICIT_TLS
    }

    private final String label;
    private final String protocol;
    private final Security security;
    private final Set<Integer> defaultPorts;

    PortRole(String label, String protocol, Security security, Integer... defaultPorts) {
        this.label = label;
        this.protocol = protocol;
        this.security = security;
        this.defaultPorts = Set.of(defaultPorts);
    }

    public String label() {
        return label;
    }

    /** The mail protocol spoken on this port (a {@link ProtocolSniffer} name: imap, pop3, smtp), or null for OTHER. */
    public String protocol() {
        return protocol;
    }

    /** How the port is secured, or null for OTHER. */
    public Security security() {
        return security;
    }

    /** Implicit TLS: the client's ClientHello comes first. */
    public boolean implicitTls() {
        return security == Security.IMPLICIT_TLS;
    }

    /** Plaintext upgraded with STARTTLS/STLS: the server greets first. */
    public boolean startTls() {
        return security == Security.STARTTLS;
    }

    /** The ports this role has without any option (IANA's assignments). */
    public Set<Integer> defaultPorts() {
        return defaultPorts;
    }

    /** "server", "client", or null when the role does not say. */
    public String expectedFirstSpeaker() {
        return security == null ? null : security == Security.IMPLICIT_TLS ? "client" : "server";
    }

    /** The role with this label (imap, pop3s, submission...), or null. */
    public static PortRole ofLabel(String label) {
        String l = label.toLowerCase(Locale.ROOT);
        for (PortRole r : values()) {
            if (r != OTHER && r.label.equals(l)) {
                return r;
            }
        }
        return null;
    }
}
