package io.mailscope.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stories people live with telnet, replayed with connect against a real dovecot (LOGINDISABLED before TLS,
 * STARTTLS on its plaintext port, implicit TLS on the other), started by the test on free loopback ports.
 */
class ConnectAgainstDovecotTest {
    static Dovecot dovecot;
    @TempDir
    static Path dir;
    static String ca;

    @BeforeAll
    static void start() throws Exception {
        TestPki pki = new TestPki();
        ca = pki.writeCa(dir).toString();
        dovecot = Dovecot.start(pki.good());
    }

    @AfterAll
    static void stop() throws Exception {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private static List<String> clientLines(ConnectRun r) {
        return r.ofType("line").stream().filter(l -> l.path("from").asText().equals("client")).map(l -> l.path("text").asText()).toList();
    }

    @Test
    void plainToTheTlsPortGetsTheBlankScreenExplainedWithinThreeSeconds() {
        ConnectRun r = ConnectRun.of("--plain", "--json", "--timeout", "5", Dovecot.HOST, String.valueOf(dovecot.imapsPort),
                "--command", "CAPABILITY");
        JsonNode wait = r.ofType("finding").stream().filter(f -> f.path("code").asText().equals("implicit-tls-mutual-wait"))
                .findFirst().orElseThrow(() -> new AssertionError(r.toString()));
        Instant connected = Instant.parse(r.ofType("note").get(0).path("time").asText());
        Duration after = Duration.between(connected, Instant.parse(wait.path("time").asText()));
        assertTrue(after.compareTo(Duration.ofMillis(4_000)) < 0 && after.compareTo(Duration.ofMillis(2_900)) > 0,
                "told after " + after + " of silence");
        assertTrue(wait.path("fix").asText().contains("TLS client"), r::toString);
        // then the script typed anyway: plaintext to a TLS port
        assertTrue(r.findings().contains("plaintext-to-tls-port"), r::toString);
        assertEquals(1, r.exitCode(), r::toString);
    }

    @Test
    void loginBeforeStarttlsIsStoppedBeforeThePasswordLeaves() {
        ConnectRun r = ConnectRun.of("--plain", "--json", Dovecot.HOST, String.valueOf(dovecot.imapPort),
                "--command", "LOGIN alice secret", "--command", "LOGOUT");
        assertTrue(r.findings().contains("login-before-starttls"), r::toString);
        assertFalse(r.findings().contains("cleartext-credentials"), "the password never crossed: " + r);
        assertEquals(List.of("a2 LOGOUT"), clientLines(r), "only the LOGOUT was sent");
        JsonNode stop = r.ofType("finding").get(0);
        assertTrue(stop.path("fix").asText().startsWith("Type STARTTLS first"), r::toString);
        assertFalse(r.out().contains("secret"), r::toString);
        assertEquals(1, r.exitCode(), r::toString);
    }

    @Test
    void allowPlaintextLoginSendsItAndTheServersRefusalIsExplained() {
        ConnectRun r = ConnectRun.of("--plain", "--json", "--allow-plaintext-login", Dovecot.HOST, String.valueOf(dovecot.imapPort),
                "--command", "LOGIN alice secret");
        assertEquals(List.of("a1 LOGIN alice ***"), clientLines(r));
        assertTrue(r.findings().containsAll(List.of("login-before-starttls", "cleartext-credentials")), r::toString);
        assertFalse(r.out().contains("secret"), r::toString);
    }

    @Test
    void starttlsTypedByHandThenLoginWorks() {
        ConnectRun r = ConnectRun.of("--plain", "--json", "--cafile", ca, "--sni", TestPki.NAME, Dovecot.HOST,
                String.valueOf(dovecot.imapPort), "--command", "a1 STARTTLS", "--command", "a2 LOGIN alice secret",
                "--command", "a3 SELECT INBOX", "--command", "a4 LOGOUT");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.findings().isEmpty(), r::toString);
        JsonNode summary = r.ofType("summary").get(0);
        assertEquals("starttls", summary.path("mode").asText());
        assertEquals(4, summary.path("ok").asInt());
        JsonNode login = r.ofType("line").stream().filter(l -> l.path("text").asText().startsWith("a2 LOGIN")).findFirst().orElseThrow();
        assertTrue(login.path("inside_tls").asBoolean());
        assertEquals("a2 LOGIN alice ***", login.path("text").asText());
    }

    @Test
    void starttlsModeDoesTheExchangeItself() {
        ConnectRun r = ConnectRun.of("--starttls", "--json", "--cafile", ca, "--sni", TestPki.NAME, Dovecot.HOST,
                String.valueOf(dovecot.imapPort), "--command", "LOGIN alice secret", "--command", "LOGOUT");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("a1 STARTTLS", "a2 LOGIN alice ***", "a3 LOGOUT"), clientLines(r));
    }

    @Test
    void aWrongPasswordIsAuthenticationFailed() {
        ConnectRun r = ConnectRun.of("--tls", "--json", "--cafile", ca, "--sni", TestPki.NAME, Dovecot.HOST,
                String.valueOf(dovecot.imapsPort), "--command", "LOGIN alice guess");
        assertTrue(r.findings().contains("authentication-failed"), r::toString);
        assertEquals(1, r.exitCode(), r::toString);
    }

    @Test
    void autoTakesASilentUnusualPortForTlsAndAGreetingForPlaintext() {
        ConnectRun tls = ConnectRun.of("--json", "--cafile", ca, "--sni", TestPki.NAME, Dovecot.HOST,
                String.valueOf(dovecot.imapsPort), "--command", "NOOP");
        assertEquals(0, tls.exitCode(), tls::toString);
        assertEquals("tls", tls.ofType("summary").get(0).path("mode").asText());
        assertTrue(tls.ofType("note").stream().anyMatch(n -> n.path("text").asText().contains("waits for the client's TLS ClientHello")), tls::toString);
        assertTrue(tls.findings().isEmpty(), tls::toString);

        ConnectRun plain = ConnectRun.of("--json", Dovecot.HOST, String.valueOf(dovecot.imapPort), "--command", "CAPABILITY");
        assertEquals(0, plain.exitCode(), plain::toString);
        assertEquals("plain", plain.ofType("summary").get(0).path("mode").asText());
    }

    @Test
    void theCertificateIsCheckedAgainstTheNameAskedFor() {
        ConnectRun r = ConnectRun.of("--tls", "--json", "--cafile", ca, "--sni", "imap.other.test", Dovecot.HOST,
                String.valueOf(dovecot.imapsPort), "--command", "NOOP");
        assertEquals(1, r.exitCode(), r::toString);
        JsonNode tls = r.ofType("tls").get(0);
        assertEquals("name-mismatch", tls.path("problems").get(0).path("code").asText(), r::toString);
        assertTrue(r.findings().contains("certificate-name-mismatch"), r::toString);
    }

    @Test
    void anUntrustedCaIsAnUnknownIssuerAndInsecureGoesOn() {
        ConnectRun refused = ConnectRun.of("--tls", "--json", "--sni", TestPki.NAME, Dovecot.HOST, String.valueOf(dovecot.imapsPort),
                "--command", "NOOP");
        assertEquals(1, refused.exitCode(), refused::toString);
        assertEquals("unknown-issuer", refused.ofType("tls").get(0).path("problems").get(0).path("code").asText(), refused::toString);
        assertTrue(refused.findings().contains("certificate-rejected"), refused::toString);

        ConnectRun insecure = ConnectRun.of("--tls", "--json", "--insecure", "--sni", TestPki.NAME, Dovecot.HOST,
                String.valueOf(dovecot.imapsPort), "--command", "NOOP");
        assertEquals(0, insecure.exitCode(), insecure::toString);
        assertTrue(insecure.ofType("tls").get(0).path("accepted").asBoolean());
    }

    @Test
    void authenticatePlainAnswersTheContinuationWithoutATagAndItsResponseIsRedacted() {
        String response = java.util.Base64.getEncoder().encodeToString("\0alice\0secret".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        ConnectRun r = ConnectRun.of("--tls", "--json", "--cafile", ca, "--sni", TestPki.NAME, Dovecot.HOST,
                String.valueOf(dovecot.imapsPort), "--command", "AUTHENTICATE PLAIN", "--command", response, "--command", "LOGOUT");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("a1 AUTHENTICATE PLAIN", "***", "a2 LOGOUT"), clientLines(r));
        assertFalse(r.out().contains(response), r::toString);
    }

    @Test
    void idleIsEndedByDoneTypedWithoutATag() {
        ConnectRun r = ConnectRun.of("--tls", "--json", "--cafile", ca, "--sni", TestPki.NAME, Dovecot.HOST,
                String.valueOf(dovecot.imapsPort), "--command", "LOGIN alice secret", "--command", "SELECT INBOX",
                "--command", "IDLE", "--command", "DONE", "--command", "LOGOUT");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("a1 LOGIN alice ***", "a2 SELECT INBOX", "a3 IDLE", "DONE", "a4 LOGOUT"), clientLines(r));
    }
}
