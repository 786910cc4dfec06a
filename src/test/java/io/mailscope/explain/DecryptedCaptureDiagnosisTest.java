package io.mailscope.explain;

import io.mailscope.pipeline.Analysis;
import io.mailscope.capture.CaptureFormatException;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.tcp.ReassemblyLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decryption stories (src/test/resources/captures/decrypt, recorded by record-decrypt.sh against dovecot):
 * with the client's key log, what happened inside TLS is diagnosed as it would be in plaintext; without it, it
 * is not seen at all.
 */
class DecryptedCaptureDiagnosisTest {
    static final Path DIR = Path.of("src/test/resources/captures/decrypt");
    static final PortRoles ROLES = new PortRoles(Set.of(12143), Set.of(12993));

    static List<AnalyzedSession> analyze(String capture, String keylog) throws IOException, CaptureFormatException {
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(ROLES, ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add);
        if (keylog != null) {
            a.keyLog().addFile(DIR.resolve(keylog));
        }
        a.read(DIR.resolve(capture).toString());
        a.finish();
        assertEquals(1, out.size(), capture + ": one session");
        return out;
    }

    static String keylogOf(String capture) {
        String k = capture.replaceAll("\\.pcap(ng)?$", ".keylog");
        return Files.exists(DIR.resolve(k)) ? k : null;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            tls13-aes128gcm-openssl.pcap      | ok      | tls1.3                     |
            tls13-chacha20-openssl.pcap       | ok      | tls1.3                     |
            tls13-ccm-openssl.pcap            | ok      | tls1.3                     |
            tls13-hello-retry.pcap            | ok      | tls1.3                     |
            tls13-key-update.pcap             | ok      | tls1.3                     |
            tls13-curl.pcap                   | ok      | tls1.3                     |
            tls13-gnutls.pcap                 | ok      | tls1.3                     |
            tls12-aes128gcm-openssl.pcap      | ok      | tls1.2                     |
            tls12-chacha20-openssl.pcap       | ok      | tls1.2                     |
            tls12-cbc-sha1-openssl.pcap       | ok      | tls1.2                     |
            tls12-cbc-sha256-etm-openssl.pcap | ok      | tls1.2                     |
            tls12-cbc-sha384-openssl.pcap     | ok      | tls1.2                     |
            starttls-tls12-openssl.pcap       | ok      | imap -> starttls -> tls1.2 | tag-reused
            starttls-tls13-openssl.pcap       | ok      | imap -> starttls -> tls1.3 | tag-reused
            tls12-gnutls-starttls.pcap        | ok      | imap -> starttls -> tls1.2 | client-spoke-first tag-reused
            embedded-secrets.pcapng           | ok      | tls1.3                     |
            tls13-wrong-password-python.pcap  | refused | tls1.3                     | authentication-failed
            tls13-no-mailbox-python.pcap      | ok      | tls1.3                     | mailbox-not-found command-refused
            tls13-cert-expired.pcap           | ok      | tls1.3                     | certificate-expired
            tls13-cert-name-mismatch.pcap     | ok      | tls1.3                     | certificate-name-mismatch
            tls13-cert-rejected-gnutls.pcap   | alert   | tls1.3                     | tls-alert certificate-rejected
            """)
    void diagnosedInsideTls(String capture, String outcome, String path, String findings) throws Exception {
        AnalyzedSession s = analyze(capture, keylogOf(capture)).get(0);
        Diagnosis d = s.diagnosis();
        Set<String> expected = new TreeSet<>(findings == null ? List.of() : Arrays.asList(findings.trim().split(" +")));
        Set<String> actual = new TreeSet<>();
        d.findings().forEach(f -> actual.add(f.code()));
        assertEquals(expected, actual, capture + " findings");
        assertEquals(outcome, d.outcome().label(), capture + " outcome");
        assertEquals(path, d.protocolPath(), capture + " protocol path");
        assertTrue(s.session().events().stream().anyMatch(e -> e instanceof TlsEvent.Decrypted),
                () -> capture + " " + keylogOf(capture) + " decrypted: " + s.session().events().stream().map(e -> e.toString()).toList());
        assertTrue(s.session().events().stream().noneMatch(e -> e instanceof TlsEvent.DecryptionFailed), "no failure");
        if (!capture.contains("rejected")) {
            // LOGIN, or curl's AUTHENTICATE PLAIN with an initial response: seen inside TLS, the secret redacted
            assertTrue(s.session().events().stream().anyMatch(e -> e instanceof ImapEvent.Command c && c.at().insideTls()
                    && c.credentials() && c.display().contains("***")), "credentials seen inside TLS, redacted");
            assertTrue(s.session().events().stream().noneMatch(e -> e instanceof ImapEvent.Command c
                    && (c.display().contains("secret") || c.display().contains("wrongpass")
                    || c.display().contains("AGFsaWNlAHNlY3JldA"))), "no password in any command line");
        }
    }

    @Test
    void aRefusedPasswordInsideTlsIsOnlySeenWithTheKeyLog() throws Exception {
        AnalyzedSession without = analyze("tls13-wrong-password-python.pcap", null).get(0);
        assertFalse(without.diagnosis().findings().stream().anyMatch(f -> f.code().equals("authentication-failed")));
        assertTrue(without.session().events().stream().noneMatch(e -> e instanceof TlsEvent.DecryptionFailed),
                "no key log given: nothing to say about decryption");
        Finding f = analyze("tls13-wrong-password-python.pcap", "tls13-wrong-password-python.keylog").get(0)
                .diagnosis().findings().get(0);
        assertEquals("authentication-failed", f.code());
        assertTrue(f.explanation().contains("inside TLS") && f.explanation().contains("[AUTHENTICATIONFAILED]"), f.explanation());
    }

    @Test
    void anotherConnectionsKeyLogSaysThereIsNoKey() throws Exception {
        AnalyzedSession s = analyze("tls13-wrong-password-python.pcap", "tls13-curl.keylog").get(0);
        List<String> failures = s.session().events().stream().filter(e -> e instanceof TlsEvent.DecryptionFailed)
                .map(e -> ((TlsEvent.DecryptionFailed) e).reason()).toList();
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).startsWith("no key for this session (client random "), failures.get(0));
        assertEquals("ok", s.diagnosis().outcome().label(), "reported as without a key log");
    }

    @Test
    void theClientsEncryptedAlertDecidesCertificateRejected() throws Exception {
        Finding f = analyze("tls13-cert-rejected-gnutls.pcap", "tls13-cert-rejected-gnutls.keylog").get(0)
                .diagnosis().findings().stream().filter(x -> x.code().equals("certificate-rejected")).findFirst().orElseThrow();
        assertEquals(Confidence.CERTAIN, f.confidence());
        assertTrue(f.explanation().contains("bad_certificate"), f.explanation());
    }
}
