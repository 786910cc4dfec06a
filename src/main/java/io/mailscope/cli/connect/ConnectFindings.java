package io.mailscope.cli.connect;

import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Severity;

import java.util.List;
import java.util.Set;

/**
 * The findings only connect can make, because only a client knows them: a name that does not resolve, a
 * ClientHello nobody answers (a capture would only show silence), a LOGIN it kept from leaving in plaintext.
 * Codes documented in docs/connect.md; the capture catalog's codes are used where they mean the same.
 */
final class ConnectFindings {
    private ConnectFindings() {
    }

    static Finding nameNotResolved(String host) {
        return new Finding(CommonCode.NAME_NOT_RESOLVED, Severity.ERROR, "The server's name does not resolve.",
                "The name " + host + " has no address: the resolver (DNS, /etc/hosts) knows no such host. Nothing was sent.",
                "Check the spelling, or give the server's IP address (IPv6 as it is, e.g. ::1).", List.of());
    }

    static Finding handshakeStalled(String server, int port, long waitedNanos) {
        return new Finding(CommonCode.TLS_HANDSHAKE_STALLED, Severity.ERROR, "The server has not answered the TLS ClientHello.",
                "mailscope sent its ClientHello to " + server + " and nothing has come back for " + ConnectSession.millis(waitedNanos)
                        + ". A TLS server answers at once with its ServerHello; a server that stays silent is not speaking TLS on this port "
                        + "(it may wait for a line of text that a ClientHello never ends), or a firewall or proxy on the way holds the connection.",
                "Check that port " + port + " is implicit TLS (993); for plaintext IMAP with STARTTLS use --starttls (143), "
                        + "and try --plain to see whether the server speaks first.",
                List.of());
    }

    /**
     * A LOGIN (or AUTHENTICATE PLAIN/LOGIN) typed before TLS to a server whose capabilities say LOGINDISABLED: it
     * would only put the password on the network for nothing. Null when the line may go.
     */
    static Finding plaintextLoginStopped(TypedLine line, Set<String> capabilitiesBeforeTls) {
        if (!line.sendsPassword() || !capabilitiesBeforeTls.contains("LOGINDISABLED")) {
            return null;
        }
        String shown = line.name().equals("LOGIN") ? line.tag() + " LOGIN " + loginUser(line.text()) + " ***" : line.tag() + " " + line.name() + " ...";
        return new Finding(CommonCode.LOGIN_BEFORE_STARTTLS, Severity.ERROR, "The server refuses logins before TLS: mailscope did not send this one.",
                "The server advertised LOGINDISABLED in its capabilities (" + String.join(" ", capabilitiesBeforeTls) + "): it accepts no LOGIN until TLS is on. "
                        + "Sending \"" + shown + "\" now would only put the password on the network in the clear, so it stayed on this machine.",
                capabilitiesBeforeTls.contains("STARTTLS")
                        ? "Type STARTTLS first (mailscope does the TLS handshake), then the same LOGIN; or reconnect with --tls to port 993. "
                        + "(--allow-plaintext-login sends it anyway.)"
                        : "Reconnect with --tls to the implicit TLS port (993). (--allow-plaintext-login sends it anyway.)",
                List.of());
    }

    private static String loginUser(String text) {
        String[] w = text.strip().split(" +");
        return w.length > 2 ? w[2] : "";
    }
}
