package io.mailscope.explain;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every story mailscope explains, proven on a real capture of it (dovecot, openssl, gnutls-cli, curl, Python
 * imaplib and a scripted telnet-like client on loopback; see src/test/resources/captures/README.md).
 * Each row: the capture, the outcome, the protocol path, who spoke first, and the findings it must carry
 * (space-separated; extra findings are allowed only where listed as such in other tests).
 */
class RealCaptureDiagnosisTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            implicit-tls-mutual-wait.pcap                | stalled    | none                            | none   | implicit-tls-mutual-wait
            implicit-tls-mutual-wait-server-timeout.pcap | stalled    | none                            | none   | implicit-tls-mutual-wait
            plaintext-to-tls-port.pcap                   | dropped    | text                            | client | plaintext-to-tls-port
            login-before-starttls.pcap                   | refused    | imap                            | server | login-before-starttls cleartext-credentials tag-reused
            greeting-encoded-hostname.pcap               | refused    | imap                            | server | login-before-starttls cleartext-credentials greeting-encoded-hostname
            cleartext-credentials.pcap                   | ok         | imap                            | server | cleartext-credentials
            plaintext-after-starttls.pcap                | dropped    | imap -> starttls -> plaintext   | server | plaintext-after-starttls cleartext-credentials
            starttls-mutual-wait.pcap                    | stalled    | imap -> starttls                | server | starttls-mutual-wait
            starttls-ok-python.pcap                      | ok         | imap -> starttls -> tls1.3      | server |
            starttls-ok-any.pcap                         | ok         | imap -> starttls -> tls1.3      | server |
            starttls-gnutls.pcap                         | ok         | imap -> starttls -> tls1.3      | client | client-spoke-first tag-reused
            imaps-ok-python.pcap                         | ok         | tls1.3                          | client |
            imaps-ok-python.pcapng                       | ok         | tls1.3                          | client |
            imaps-ok-curl.pcap                           | ok         | tls1.3                          | client |
            imaps-ok-tls12.pcap                          | ok         | tls1.2                          | client |
            ipv6-imaps-ok.pcap                           | ok         | tls1.3                          | client |
            tls-to-plaintext-port.pcap                   | refused    | imap                            | client | tls-to-plaintext-port server-bye client-spoke-first
            tls-version-mismatch-dovecot.pcap            | dropped    | tls                             | client | tls-version-mismatch
            tls-version-mismatch-alert.pcap              | alert      | tls                             | client | tls-alert tls-version-mismatch
            tls-no-common-cipher.pcap                    | alert      | tls                             | client | tls-alert tls-no-common-cipher
            tls-no-common-cipher-dovecot.pcap            | dropped    | tls                             | client | tls-no-common-cipher
            starttls-ok-openssl.pcap                     | ok         | imap -> starttls -> tls1.3      | server | tag-reused
            starttls-ok-any-sll2.pcap                    | ok         | imap -> starttls -> tls1.3      | server |
            certificate-rejected-tls12.pcap              | alert      | tls1.2                          | client | tls-alert certificate-rejected
            certificate-rejected-tls13.pcap              | alert      | tls1.3                          | client | tls-alert certificate-rejected
            certificate-expired.pcap                     | ok         | tls1.2                          | client | certificate-expired
            certificate-name-mismatch.pcap               | ok         | tls1.2                          | client | certificate-name-mismatch
            no-greeting.pcap                             | stalled    | none                            | none   | no-greeting
            connection-refused.pcap                      | refused    | none                            | none   | connection-refused
            no-answer.pcap                               | stalled    | none                            | none   | no-answer
            reset.pcap                                   | dropped    | imap                            | server | reset cleartext-credentials starttls-not-advertised
            server-bye.pcap                              | dropped    | imap                            | server | server-bye cleartext-credentials
            server-bye-autologout.pcap                   | dropped    | imap                            | server | server-bye cleartext-credentials starttls-not-advertised
            hand-typed-mistakes.pcap                     | ok         | imap                            | server | missing-tag bare-lf tag-reused cleartext-credentials
            starttls-refused.pcap                        | refused    | imap                            | server | starttls-refused starttls-not-advertised
            starttls-not-advertised.pcap                 | ok         | imap                            | server | starttls-not-advertised
            http-on-imap-port.pcap                       | refused    | imap                            | client | http-on-imap-port server-bye client-spoke-first
            capture-midstream.pcap                       | ok         | imap                            | client | capture-midstream
            snaplen-truncated.pcap                       | incomplete | imap                            | server | snaplen-truncated
            capture-gap.pcap                             | ok         | imap                            | server | capture-gap cleartext-credentials
            sasl-plain-ok.pcap                           | ok         | imap                            | server | cleartext-credentials
            sasl-ir-refused.pcap                         | refused    | imap                            | server | login-before-starttls cleartext-credentials
            sasl-plain-wrong-password.pcap               | refused    | imap                            | server | authentication-failed cleartext-credentials
            server-close-after-greeting.pcap             | dropped    | imap                            | server | server-hangup starttls-not-advertised
            client-close-after-greeting.pcap             | ok         | imap                            | server |
            authenticate-cancelled.pcap                  | refused    | imap                            | server | auth-mechanism-unsupported
            curl-auth-login.pcap                         | ok         | imap                            | server | cleartext-credentials
            imap-process-killed.pcap                     | dropped    | imap                            | server | server-hangup cleartext-credentials
            auth-unavailable.pcap                        | refused    | imap                            | server | auth-unavailable cleartext-credentials
            sasl-plain-refused-before-password.pcap      | refused    | imap                            | server | login-before-starttls
            tls-no-common-group.pcap                     | dropped    | tls                             | client | tls-handshake-aborted
            compress-forgotten.pcap                      | dropped    | imap                            | server | plaintext-after-compress cleartext-credentials
            tls-after-greeting.pcap                      | refused    | imap                            | server | tls-to-plaintext-port server-bye
            login-failed-four-times.pcap                 | refused    | imap                            | server | authentication-failed cleartext-credentials
            tls13-hello-retry.pcap                       | ok         | tls1.3                          | client |
            starttls-to-tls-port.pcap                    | stalled    | none                            | none   | implicit-tls-mutual-wait
            long-session.pcap.gz                         | ok         | imap                            | server | cleartext-credentials
            idle.pcap                                    | ok         | imap                            | server | cleartext-credentials
            compress-deflate.pcap                        | ok         | imap                            | server | cleartext-credentials
            """)
    void storyIsDiagnosed(String capture, String outcome, String path, String firstSpeaker, String findings) {
        AnalyzedSession s = Captures.only(capture);
        Diagnosis d = s.diagnosis();
        Set<String> expected = new TreeSet<>(findings == null ? List.of() : Arrays.asList(findings.trim().split(" +")));
        Set<String> actual = new TreeSet<>();
        d.findings().forEach(f -> actual.add(f.code()));
        assertEquals(expected, actual, capture + " findings");
        assertEquals(outcome, d.outcome().label(), capture + " outcome");
        assertEquals(path, d.protocolPath(), capture + " protocol path");
        assertEquals(firstSpeaker, d.firstSpeaker(), capture + " first speaker");
        for (Finding f : d.findings()) {
            assertTrue(!f.frames().isEmpty() || f.code().equals("starttls-not-advertised"),
                    capture + ": finding " + f.code() + " names no frame");
            assertTrue(!f.explanation().isBlank() && !f.fix().isBlank(), capture + ": " + f.code() + " explains and fixes");
        }
    }
}
