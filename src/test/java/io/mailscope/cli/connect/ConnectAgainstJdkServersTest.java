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

    @Test
    void offeringOnlyTls13ToATls12ServerIsAVersionMismatch() throws Exception {
        try (JdkImapServer s = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP, "TLSv1.2")) {
            ConnectRun r = ConnectRun.of("--tls", "--tls-version", "1.3", "--cafile", ca.toString(), "--sni", TestPki.NAME,
                    "--json", "127.0.0.1", port(s), "--command", "NOOP");
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.findings().containsAll(List.of("tls-alert", "tls-version-mismatch")), r::toString);
            JsonNode alert = r.ofType("finding").stream().filter(f -> f.path("code").asText().equals("tls-alert")).findFirst().orElseThrow();
            assertTrue(alert.path("summary").asText().contains("protocol_version from the server"), r::toString);
        }
    }

    @Test
    void tls12OnlyWorksAndItsCertificateIsSeenByTheCaptureChainItself() throws Exception {
        try (JdkImapServer s = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP, "TLSv1.2")) {
            ConnectRun r = ConnectRun.of("--tls", "--cafile", ca.toString(), "--sni", TestPki.NAME, "--json", "127.0.0.1", port(s),
                    "--cipher", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "--command", "LOGIN alice secret");
            assertEquals(0, r.exitCode(), r::toString);
            JsonNode tls = r.ofType("tls").get(0);
            assertEquals("TLSv1.2", tls.path("version").asText());
            assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", tls.path("cipher").asText());
        }
    }

    @Test
    void anUnknownCipherNameIsAUsageError() {
        ConnectRun r = ConnectRun.of("--tls", "--cipher", "TLS_MADE_UP", "127.0.0.1", "1");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--cipher: unknown cipher suite TLS_MADE_UP"), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void aServerThatNeverAnswersTheClientHelloIsAStalledHandshake() throws Exception {
        try (JdkImapServer s = JdkImapServer.plain(JdkImapServer.Behaviour.SILENT)) {
            ConnectRun r = ConnectRun.of("--tls", "--json", "--stall-after", "1", "--timeout", "2", "127.0.0.1", port(s), "--command", "NOOP");
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(List.of("tls-handshake-stalled"), r.findings(), r::toString);
        }
    }

    @Test
    void plainToAnImplicitTlsServerExplainsTheBlankScreenWhateverThePort() throws Exception {
        try (JdkImapServer s = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP)) {
            ConnectRun r = ConnectRun.of("--plain", "--json", "--stall-after", "1", "--timeout", "2", "127.0.0.1", port(s), "--command", "NOOP");
            assertEquals("implicit-tls-mutual-wait", r.findings().get(0), r::toString);
            assertTrue(r.findings().contains("plaintext-to-tls-port"), r::toString);
        }
    }

    @Test
    void aByeIsExplainedAndExitsOne() throws Exception {
        try (JdkImapServer s = JdkImapServer.plain(JdkImapServer.Behaviour.BYE)) {
            ConnectRun r = ConnectRun.of("--plain", "--json", "127.0.0.1", port(s), "--command", "CAPABILITY", "--command", "NOOP");
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.findings().contains("server-bye"), r::toString);
            assertTrue(r.ofType("note").stream().anyMatch(n -> n.path("text").asText().equals("not sent, the connection is closed: NOOP")), r::toString);
        }
    }

    @Test
    void aLiteralWaitsForTheServersContinuation() throws Exception {
        try (JdkImapServer s = JdkImapServer.plain(JdkImapServer.Behaviour.IMAP)) {
            ConnectRun r = ConnectRun.of("--plain", "--json", "127.0.0.1", port(s), "--command", "APPEND INBOX {5}", "--command", "hello");
            assertEquals(0, r.exitCode(), r::toString);
            List<String> texts = r.ofType("line").stream().map(l -> l.path("from").asText().charAt(0) + " " + l.path("text").asText()).toList();
            int append = texts.indexOf("c a1 APPEND INBOX {5}");
            assertEquals("s + Ready for literal data", texts.get(append + 1), r::toString);
            assertEquals("c hello", texts.get(append + 2), r::toString);
            assertEquals(List.of("a1 APPEND INBOX {5}", "(literal of 5)"), s.received());
        }
    }

    @Test
    void aRefusedConnectionIsExplainedAndExitsTwo() throws Exception {
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        ConnectRun r = ConnectRun.of("--plain", "--json", "127.0.0.1", String.valueOf(closed), "--command", "NOOP");
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(List.of("connection-refused"), r.findings(), r::toString);
        assertEquals("no-connection", r.ofType("summary").get(0).path("outcome").asText(), r::toString);
    }

    @Test
    void ipv6LiteralsWork() throws Exception {
        try (java.net.ServerSocket v6 = new java.net.ServerSocket()) {
            try {
                v6.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 0));
            } catch (java.io.IOException e) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            }
            Thread t = new Thread(() -> {
                try (java.net.Socket c = v6.accept()) {
                    c.getOutputStream().write("* OK v6 ready\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream()));
                    String line = in.readLine();
                    c.getOutputStream().write((line.split(" ")[0] + " OK done\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    in.readLine();
                } catch (java.io.IOException e) {
                    // the client left
                }
            });
            t.start();
            ConnectRun r = ConnectRun.of("--plain", "--json", "[::1]", String.valueOf(v6.getLocalPort()), "--command", "NOOP");
            t.join(5_000);
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("::1", r.ofType("summary").get(0).path("address").asText().replace("0:0:0:0:0:0:0:1", "::1"), r::toString);
        }
    }

    @Test
    void aResetMidLineIsExplainedAndTheHalfLineShown() throws Exception {
        try (JdkImapServer s = JdkImapServer.plain(JdkImapServer.Behaviour.RESET)) {
            ConnectRun r = ConnectRun.of("--plain", "--json", "127.0.0.1", port(s), "--command", "NOOP");
            assertEquals(1, r.exitCode(), r::toString);
            assertTrue(r.findings().contains("reset"), r::toString);
            assertTrue(r.ofType("line").stream().anyMatch(l -> l.path("text").asText().equals("a1 OK half a li [no end of line]")), r::toString);
        }
    }

    @Test
    void aHostNameIsResolvedAndEachAddressTriedInTurn() throws Exception {
        try (JdkImapServer s = JdkImapServer.plain(JdkImapServer.Behaviour.IMAP)) {
            ConnectRun r = ConnectRun.of("--plain", "--json", "localhost", port(s), "--command", "NOOP");
            assertEquals(0, r.exitCode(), r::toString);
            assertEquals("127.0.0.1", r.ofType("summary").get(0).path("address").asText(), r::toString);
        }
    }

    @Test
    void linesPipedOnStandardInputAreSentOneAfterTheOther() throws Exception {
        try (JdkImapServer s = JdkImapServer.plain(JdkImapServer.Behaviour.IMAP)) {
            Process p = new ProcessBuilder(Tmux.mailscope("connect", "--plain", "--json", "127.0.0.1", port(s))).start();
            try (var in = p.getOutputStream()) {
                in.write("a1 CAPABILITY\nLOGIN alice secret\nLOGOUT\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertEquals(List.of("a1 CAPABILITY", "a2 LOGIN alice secret", "a3 LOGOUT"), s.received());
            assertTrue(out.contains("\"text\":\"a2 LOGIN alice ***\""), out);
            assertFalse(out.contains("secret"), out);
        }
    }
}
