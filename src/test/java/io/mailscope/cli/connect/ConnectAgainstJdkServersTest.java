package io.mailscope.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * connect against JDK servers on loopback, for what dovecot cannot be made to do: certificates that are expired,
 * for another name or self-signed, a server offering only TLS 1.2, a TLS port that never answers, a BYE.
 */
class ConnectAgainstJdkServersTest {
    static TestPki pki;
    @TempDir
    static Path dir;
    static Path ca;

    @BeforeAll
    static void pki() throws Exception {
        pki = new TestPki();
        ca = pki.writeCa(dir);
    }

    private static String port(JdkImapServer s) {
        return String.valueOf(s.port());
    }

    @Test
    void implicitTlsWithATrustedCertificateLogsInAndExitsZero() throws Exception {
        try (JdkImapServer s = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP)) {
            ConnectRun r = ConnectRun.of("--tls", "--cafile", ca.toString(), "--sni", TestPki.NAME, "--json",
                    "127.0.0.1", port(s), "--command", "LOGIN alice secret", "--command", "LOGOUT");
            assertEquals(0, r.exitCode(), r::toString);
            JsonNode tls = r.ofType("tls").get(0);
            assertEquals("TLSv1.3", tls.path("version").asText(), r::toString);
            assertTrue(tls.path("accepted").asBoolean());
            assertEquals(0, tls.path("problems").size());
            List<JsonNode> lines = r.ofType("line");
            assertTrue(lines.stream().anyMatch(l -> l.path("text").asText().equals("a1 LOGIN alice ***")
                    && l.path("from").asText().equals("client") && l.path("inside_tls").asBoolean()), r::toString);
            assertFalse(r.out().contains("secret"), "the password never appears");
            assertEquals(List.of("a1 LOGIN alice secret", "a2 LOGOUT"), s.received());
            JsonNode summary = r.ofType("summary").get(0);
            assertEquals(2, summary.path("ok").asInt());
            assertEquals("ok", summary.path("outcome").asText(), r::toString);
        }
    }

    @Test
    void anExpiredCertificateIsRefusedAndNamedInPlainWords() throws Exception {
        try (JdkImapServer s = JdkImapServer.tls(pki.expired().serverContext(), JdkImapServer.Behaviour.IMAP)) {
            ConnectRun r = ConnectRun.of("--tls", "--cafile", ca.toString(), "--sni", TestPki.NAME, "127.0.0.1", port(s),
                    "--command", "LOGIN alice secret");
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.out().contains("PROBLEM expired: the certificate expired on 2020-01-31"), r::toString);
            assertTrue(r.out().contains("certificate-expired"), r::toString);
            assertTrue(s.received().isEmpty(), "nothing was sent after the refused handshake");
        }
    }

    @Test
    void aWrongPasswordIsAuthenticationFailedInsideTls() throws Exception {
        try (JdkImapServer s = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP)) {
            ConnectRun r = ConnectRun.of("--tls", "--cafile", ca.toString(), "--sni", TestPki.NAME, "--json",
                    "127.0.0.1", port(s), "--command", "LOGIN alice wrong");
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.findings().contains("authentication-failed"), r::toString);
            assertFalse(r.findings().contains("cleartext-credentials"), r::toString);
        }
    }
}
