package io.mailscope.dissect.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static io.mailscope.dissect.tls.TlsTestSupport.C;
import static io.mailscope.dissect.tls.TlsTestSupport.S;
import static io.mailscope.dissect.tls.TlsTestSupport.describeAll;
import static io.mailscope.dissect.tls.TlsTestSupport.feed;
import static io.mailscope.dissect.tls.TlsTestSupport.first;
import static io.mailscope.dissect.tls.TlsTestSupport.only;
import static io.mailscope.dissect.tls.TlsTestSupport.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Conversations recorded from OpenSSL and GnuTLS on loopback (src/test/resources/tls/README.md), checked against
 * what the stacks were told to do and against Wireshark's dissection of the same capture.
 */
class RecordedStacksTest {
    private static final String[] ALL = {"openssl-tls13", "openssl-tls12", "gnutls-tls13", "openssl-version-mismatch",
            "openssl-unknown-ca-tls12", "openssl-unknown-ca-tls13"};

    @ParameterizedTest
    @ValueSource(strings = {"openssl-tls13", "openssl-tls12", "gnutls-tls13", "openssl-version-mismatch",
            "openssl-unknown-ca-tls12", "openssl-unknown-ca-tls13"})
    void sameEventsWhetherFedWholeSplitAtEveryByteOrInRandomChunks(String name) {
        List<String> bySegment = describeAll(feed(segments(name), TlsTestSupport.Split.SEGMENTS, 0));
        assertEquals(bySegment, describeAll(feed(segments(name), TlsTestSupport.Split.WHOLE, 0)));
        assertEquals(bySegment, describeAll(feed(segments(name), TlsTestSupport.Split.EVERY_BYTE, 0)));
        for (long seed = 1; seed <= 20; seed++) {
            assertEquals(bySegment, describeAll(feed(segments(name), TlsTestSupport.Split.RANDOM, seed)), "seed " + seed);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl-tls13", "openssl-tls12", "gnutls-tls13", "openssl-version-mismatch",
            "openssl-unknown-ca-tls12", "openssl-unknown-ca-tls13"})
    void hellosAgreeWithTshark(String name) {
        List<TlsEvent> events = feed(segments(name));
        for (String line : TlsTestSupport.resource(name + ".tshark.tsv").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = (line + "\t\t\t\t\t\t\t\t\t").split("\t", -1);
            if (f[0].equals("1")) {
                ClientHello hello = first(events, TlsEvent.ClientHelloSeen.class).hello();
                assertEquals(f[1], hello.sni());
                assertEquals(Integer.decode(f[2]), hello.legacyVersion());
                assertEquals(Integer.decode(f[3]), hello.cipherSuites().get(0));
                assertEquals(f[4], hello.ja3String());
                assertEquals(f[5], hello.ja3());
                if (!f[8].isEmpty()) {
                    assertEquals(Integer.decode(f[8]), hello.supportedVersions().get(0));
                }
            } else {
                ServerHello hello = first(events, TlsEvent.ServerHelloSeen.class).hello();
                assertEquals(Integer.decode(f[2]), hello.legacyVersion());
                assertEquals(Integer.decode(f[3]), hello.cipherSuite());
                assertEquals(f[6], hello.ja3sString());
                assertEquals(f[7], hello.ja3s());
                assertEquals(f[8].isEmpty() ? hello.legacyVersion() : Integer.decode(f[8]), hello.selectedVersion());
            }
        }
        assertTrue(only(events, TlsEvent.Problem.class).isEmpty(), () -> describeAll(events).toString());
    }

    @Test
    void opensslTls13HandshakeTurnsBothDirectionsEncrypted() {
        List<TlsEvent> events = feed(segments("openssl-tls13"));
        ClientHello ch = first(events, TlsEvent.ClientHelloSeen.class).hello();
        assertEquals("mail.example.test", ch.sni());
        assertEquals(List.of("imap"), ch.alpn());
        assertTrue(ch.supportedVersions().contains(0x0304));
        assertEquals(0x0304, ch.highestVersion());
        ServerHello sh = first(events, TlsEvent.ServerHelloSeen.class).hello();
        assertEquals("TLS 1.3", TlsNames.version(sh.selectedVersion()));
        assertEquals("TLS_AES_256_GCM_SHA384", TlsNames.cipherSuite(sh.cipherSuite()));
        assertNull(sh.alpn(), "TLS 1.3 sends the chosen ALPN in the encrypted EncryptedExtensions");
        assertEquals("x25519", TlsNames.group(sh.keyShareGroup()));
        assertTrue(only(events, TlsEvent.CertificatesSeen.class).isEmpty(), "the TLS 1.3 certificate is encrypted");
        assertEquals(List.of("ClientHello", "ServerHello", "CCS S", "Encrypted S 23", "CCS C", "Encrypted C 23", "AppData C"),
                describeAll(events).stream().map(s -> s.startsWith("ClientHello") ? "ClientHello"
                        : s.startsWith("ServerHello") ? "ServerHello" : s).toList());
    }

    @Test
    void opensslTls12ShowsCertificateAndSwitchesAfterChangeCipherSpec() throws Exception {
        List<TlsEvent> events = new java.util.ArrayList<>();
        TlsAnalyzer analyzer = new TlsAnalyzer(e -> events.add((TlsEvent) e));
        TlsTestSupport.feed(analyzer, segments("openssl-tls12"));

        ServerHello sh = first(events, TlsEvent.ServerHelloSeen.class).hello();
        assertEquals("TLS 1.2", TlsNames.version(sh.selectedVersion()));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", TlsNames.cipherSuite(sh.cipherSuite()));
        assertEquals("imap", sh.alpn());

        List<CertificateInfo> chain = first(events, TlsEvent.CertificatesSeen.class).chain();
        assertEquals(1, chain.size());
        CertificateInfo leaf = chain.get(0);
        assertNull(leaf.error());
        assertEquals("CN=mail.example.test,O=Mailscope Test,C=DE", leaf.subject());
        assertEquals(leaf.subject(), leaf.issuer());
        assertEquals(List.of("mail.example.test", "imap.example.test"), leaf.dnsNames());
        assertEquals("RSA 2048", leaf.key());
        assertTrue(leaf.selfSigned());
        assertEquals("SHA256WITHRSA", leaf.signatureAlgorithm());
        assertTrue(leaf.notAfter().isAfter(leaf.notBefore()));
        assertEquals(sha256OfPem(TlsTestSupport.resource("server-cert.pem")), leaf.sha256());

        List<String> names = describeAll(events);
        assertEquals(List.of("Handshake S server_key_exchange", "Handshake S server_hello_done",
                        "Handshake C client_key_exchange", "CCS C", "Encrypted C 22",
                        "Handshake S new_session_ticket", "CCS S", "Encrypted S 22", "Alert S unknown encrypted",
                        "Alert C unknown encrypted"),
                names.stream().filter(s -> !s.startsWith("ClientHello") && !s.startsWith("ServerHello")
                        && !s.startsWith("Certificates")).map(s -> s.replaceAll("(Handshake .*) \\d+$", "$1")).toList());
        assertTrue(analyzer.encryptedBytes(C) > 0 && analyzer.encryptedBytes(S) > 0);
        assertEquals(0, analyzer.unparsedBytes(C) + analyzer.unparsedBytes(S));
    }

    @Test
    void serverRefusingTls12SendsProtocolVersionAlert() {
        TlsEvent.Alert alert = first(feed(segments("openssl-version-mismatch")), TlsEvent.Alert.class);
        assertEquals(S, alert.at().direction());
        assertEquals("fatal", alert.levelName());
        assertEquals("protocol_version", alert.descriptionName());
        assertFalse(alert.encrypted());
    }

    @Test
    void clientRejectingCertificateInTls12SendsUnknownCaInTheClear() {
        List<TlsEvent> events = feed(segments("openssl-unknown-ca-tls12"));
        TlsEvent.Alert alert = first(events, TlsEvent.Alert.class);
        assertEquals(C, alert.at().direction());
        assertEquals("fatal unknown_ca", alert.levelName() + " " + alert.descriptionName());
        assertEquals("CN=mail.example.test,O=Mailscope Test,C=DE",
                first(events, TlsEvent.CertificatesSeen.class).chain().get(0).subject());
    }

    @Test
    void clientRejectingCertificateInTls13StillSendsUnknownCaInTheClear() {
        List<TlsEvent> events = feed(segments("openssl-unknown-ca-tls13"));
        TlsEvent.Alert alert = first(events, TlsEvent.Alert.class);
        assertEquals(C, alert.at().direction());
        assertFalse(alert.encrypted());
        assertEquals("fatal unknown_ca", alert.levelName() + " " + alert.descriptionName());
        assertTrue(only(events, TlsEvent.EncryptedStarted.class).stream().allMatch(e -> e.at().direction() == S));
    }

    @Test
    void gnutlsClientHelloOffersItsOwnExtensions() {
        ClientHello ch = first(feed(segments("gnutls-tls13")), TlsEvent.ClientHelloSeen.class).hello();
        assertEquals("mail.example.test", ch.sni());
        assertEquals(List.of("imap"), ch.alpn());
        assertTrue(ch.extendedMasterSecret());
        assertTrue(ch.encryptThenMac());
        assertTrue(ch.renegotiationInfo());
        assertTrue(ch.sessionTicket());
        assertEquals(List.of(23, 29), ch.keyShareGroups(), "tshark: tls.handshake.extensions_key_share_group");
        assertEquals(List.of(1, 0), ch.pskModes(), "psk_dhe_ke, psk_ke (tshark: tls.extension.psk_ke_mode)");
        assertTrue(ch.ja4().startsWith("t13d"), ch.ja4());
        assertTrue(ch.ja4().matches("t13d\\d{4}ip_[0-9a-f]{12}_[0-9a-f]{12}"), ch.ja4());
    }

    static String sha256OfPem(String pem) throws Exception {
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(b64)));
    }
}
