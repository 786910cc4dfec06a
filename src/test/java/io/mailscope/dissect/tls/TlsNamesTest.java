package io.mailscope.dissect.tls;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TlsNamesTest {
    @Test
    void versionsAreSpelledForPeople() {
        assertEquals("TLS 1.3", TlsNames.version(0x0304));
        assertEquals("TLS 1.2", TlsNames.version(0x0303));
        assertEquals("TLS 1.1", TlsNames.version(0x0302));
        assertEquals("TLS 1.0", TlsNames.version(0x0301));
        assertEquals("SSL 3.0", TlsNames.version(0x0300));
        assertEquals("GREASE", TlsNames.version(0x7a7a));
        assertEquals("TLS 1.3 (draft 28)", TlsNames.version(0x7f1c));
        assertEquals("0x1234", TlsNames.version(0x1234));
    }

    @Test
    void cipherSuitesHaveIanaNames() {
        assertEquals("TLS_AES_128_GCM_SHA256", TlsNames.cipherSuite(0x1301));
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", TlsNames.cipherSuite(0x1303));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", TlsNames.cipherSuite(0xc02f));
        assertEquals("TLS_RSA_WITH_RC4_128_SHA", TlsNames.cipherSuite(0x0005));
        assertEquals("TLS_EMPTY_RENEGOTIATION_INFO_SCSV", TlsNames.cipherSuite(0x00ff));
        assertEquals("GREASE", TlsNames.cipherSuite(0x0a0a));
        assertEquals("SSL_RSA_FIPS_WITH_DES_CBC_SHA", TlsNames.cipherSuite(0xfefe), "pre-IANA code point Wireshark knows");
        assertEquals("0x6666", TlsNames.cipherSuite(0x6666));
    }

    @Test
    void alertsHaveIanaNames() {
        assertEquals("close_notify", TlsNames.alert(0));
        assertEquals("handshake_failure", TlsNames.alert(40));
        assertEquals("unknown_ca", TlsNames.alert(48));
        assertEquals("protocol_version", TlsNames.alert(70));
        assertEquals("no_application_protocol", TlsNames.alert(120));
        assertEquals("alert(200)", TlsNames.alert(200));
    }

    @Test
    void groupsSchemesExtensionsAndHandshakeTypes() {
        assertEquals("x25519", TlsNames.group(0x001d));
        assertEquals("secp256r1", TlsNames.group(0x0017));
        assertEquals("ffdhe2048", TlsNames.group(0x0100));
        assertEquals("X25519MLKEM768", TlsNames.group(0x11ec));
        assertEquals("rsa_pss_rsae_sha256", TlsNames.signatureScheme(0x0804));
        assertEquals("ecdsa_secp256r1_sha256", TlsNames.signatureScheme(0x0403));
        assertEquals("server_name", TlsNames.extension(0));
        assertEquals("application_layer_protocol_negotiation", TlsNames.extension(16));
        assertEquals("encrypted_client_hello", TlsNames.extension(0xfe0d));
        assertEquals("renegotiation_info", TlsNames.extension(0xff01));
        assertEquals("client_hello", TlsNames.handshakeType(1));
        assertEquals("server_hello_done", TlsNames.handshakeType(14));
        assertEquals("new_session_ticket", TlsNames.handshakeType(4));
        assertEquals("handshake(99)", TlsNames.handshakeType(99));
    }
}
