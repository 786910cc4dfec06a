package io.mailscope.dissect.tls;

import io.mailscope.dissect.tls.TlsTestSupport.Chunk;
import io.mailscope.dissect.tls.TlsTestSupport.Split;
import io.mailscope.tcp.Direction;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import static io.mailscope.dissect.tls.TlsTestSupport.C;
import static io.mailscope.dissect.tls.TlsTestSupport.S;
import static io.mailscope.dissect.tls.TlsTestSupport.describeAll;
import static io.mailscope.dissect.tls.TlsTestSupport.first;
import static io.mailscope.dissect.tls.TlsTestSupport.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JDK SSLEngine client and server talk in-process; every byte either side wraps goes to the analyzer as that
 * side's stream. The JDK's own view of the session (protocol, cipher suite, ALPN, certificate) is the oracle.
 */
class JdkSslEngineTest {
    private static final String HOST = "mail.example.test";
    private static X509Certificate certificate;
    private static SSLContext serverContext;
    private static SSLContext clientContext;

    @BeforeAll
    static void makeKeys() throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair kp = kpg.generateKeyPair();
        X500Name name = new X500Name("CN=" + HOST + ",O=Mailscope JDK Test");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(0x5eed),
                Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)), name,
                kp.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, HOST), new GeneralName(GeneralName.dNSName, "*.example.test")}));
        certificate = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));

        char[] password = "changeit".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", kp.getPrivate(), password, new Certificate[] {certificate});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    /** One side of the in-process connection. */
    private static final class Peer {
        final SSLEngine engine;
        final Direction sends;
        final ByteBuffer netIn = ByteBuffer.allocate(1 << 17);
        final ByteBuffer appIn = ByteBuffer.allocate(1 << 17);
        ByteBuffer appOut = ByteBuffer.allocate(0);

        Peer(SSLEngine engine, Direction sends) {
            this.engine = engine;
            this.sends = sends;
        }
    }

    /** The conversation: bytes each side wrapped, in order, and the sessions as the JDK saw them. */
    private record Conversation(List<Chunk> chunks, SSLEngine client, SSLEngine server, String serverReceived) {
    }

    private static Conversation converse(String protocol) throws Exception {
        SSLEngine client = clientContext.createSSLEngine(HOST, 993);
        client.setUseClientMode(true);
        SSLParameters cp = client.getSSLParameters();
        cp.setProtocols(new String[] {protocol});
        cp.setServerNames(List.of(new SNIHostName(HOST)));
        cp.setApplicationProtocols(new String[] {"imap", "h2"});
        cp.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(cp);

        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        SSLParameters sp = server.getSSLParameters();
        sp.setProtocols(new String[] {protocol});
        sp.setApplicationProtocols(new String[] {"imap"});
        server.setSSLParameters(sp);

        Peer c = new Peer(client, C);
        Peer s = new Peer(server, S);
        c.appOut = ByteBuffer.wrap("a1 LOGIN alice secret\r\n".getBytes(StandardCharsets.US_ASCII));
        s.appOut = ByteBuffer.wrap("* OK ready\r\n".getBytes(StandardCharsets.US_ASCII));
        List<Chunk> chunks = new ArrayList<>();
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 200; round++) {
            boolean progress = step(c, s, chunks) | step(s, c, chunks);
            if (!progress) {
                break;
            }
        }
        s.appIn.flip();
        return new Conversation(chunks, client, server, StandardCharsets.US_ASCII.decode(s.appIn).toString());
    }

    private static boolean step(Peer self, Peer other, List<Chunk> chunks) throws Exception {
        boolean progress = false;
        SSLEngineResult.HandshakeStatus hs = self.engine.getHandshakeStatus();
        if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            for (Runnable task; (task = self.engine.getDelegatedTask()) != null; ) {
                task.run();
            }
            return true;
        }
        if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP
                || (hs == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && self.appOut.hasRemaining())) {
            ByteBuffer net = ByteBuffer.allocate(self.engine.getSession().getPacketBufferSize());
            self.engine.wrap(self.appOut, net);
            net.flip();
            if (net.hasRemaining()) {
                byte[] bytes = new byte[net.remaining()];
                net.get(bytes);
                chunks.add(new Chunk(self.sends, bytes));
                other.netIn.put(bytes);
                progress = true;
            }
        }
        if (self.netIn.position() > 0) {
            self.netIn.flip();
            SSLEngineResult r = self.engine.unwrap(self.netIn, self.appIn);
            self.netIn.compact();
            progress |= r.bytesConsumed() > 0 || r.bytesProduced() > 0;
        }
        return progress;
    }

    private static List<TlsEvent> analyze(List<Chunk> chunks, TlsAnalyzer[] out) {
        List<TlsEvent> events = new ArrayList<>();
        TlsAnalyzer analyzer = new TlsAnalyzer(e -> events.add((TlsEvent) e));
        TlsTestSupport.feed(analyzer, chunks);
        out[0] = analyzer;
        return events;
    }

    @Test
    void tls13HandshakeAsTheJdkSawIt() throws Exception {
        Conversation conv = converse("TLSv1.3");
        assertEquals("a1 LOGIN alice secret\r\n", conv.serverReceived(), "the conversation itself must have worked");
        TlsAnalyzer[] analyzer = new TlsAnalyzer[1];
        List<TlsEvent> events = analyze(conv.chunks(), analyzer);

        ClientHello ch = first(events, TlsEvent.ClientHelloSeen.class).hello();
        assertEquals(HOST, ch.sni());
        assertEquals(List.of("imap", "h2"), ch.alpn());
        assertEquals(List.of(0x0304), ch.supportedVersions());
        assertEquals(0x0303, ch.legacyVersion());
        ServerHello sh = first(events, TlsEvent.ServerHelloSeen.class).hello();
        assertEquals("TLS 1.3", TlsNames.version(sh.selectedVersion()));
        assertEquals("TLSv1.3", conv.client().getSession().getProtocol());
        assertEquals(conv.client().getSession().getCipherSuite(), TlsNames.cipherSuite(sh.cipherSuite()));
        assertEquals("imap", conv.client().getApplicationProtocol());
        assertTrue(only(events, TlsEvent.CertificatesSeen.class).isEmpty(), "TLS 1.3 encrypts the certificate");
        assertTrue(only(events, TlsEvent.Problem.class).isEmpty(), () -> describeAll(events).toString());

        List<TlsEvent.EncryptedStarted> started = only(events, TlsEvent.EncryptedStarted.class);
        assertEquals(List.of(S, C), started.stream().map(e -> e.at().direction()).toList());
        // Everything after the ServerHello is counted as ciphertext, the client's request included.
        assertTrue(analyzer[0].encryptedBytes(C) > "a1 LOGIN alice secret\r\n".length());
        assertTrue(analyzer[0].encryptedBytes(S) > 0);
    }

    @Test
    void tls12HandshakeShowsCertificateAndAlpnAsTheJdkSawIt() throws Exception {
        Conversation conv = converse("TLSv1.2");
        assertEquals("a1 LOGIN alice secret\r\n", conv.serverReceived());
        TlsAnalyzer[] analyzer = new TlsAnalyzer[1];
        List<TlsEvent> events = analyze(conv.chunks(), analyzer);

        ClientHello ch = first(events, TlsEvent.ClientHelloSeen.class).hello();
        assertEquals(HOST, ch.sni());
        assertEquals(List.of("imap", "h2"), ch.alpn());
        assertEquals(0x0303, ch.highestVersion());
        assertTrue(ch.extendedMasterSecret());
        ServerHello sh = first(events, TlsEvent.ServerHelloSeen.class).hello();
        assertEquals("TLS 1.2", TlsNames.version(sh.selectedVersion()));
        assertEquals(conv.client().getSession().getCipherSuite(), TlsNames.cipherSuite(sh.cipherSuite()));
        assertEquals(conv.server().getApplicationProtocol(), sh.alpn());

        CertificateInfo leaf = first(events, TlsEvent.CertificatesSeen.class).chain().get(0);
        assertNull(leaf.error());
        assertEquals(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253), leaf.subject());
        assertEquals(List.of(HOST, "*.example.test"), leaf.dnsNames());
        assertEquals("EC secp256r1", leaf.key());
        assertEquals("SHA256WITHECDSA", leaf.signatureAlgorithm());
        assertEquals("5eed", leaf.serialHex());
        assertTrue(leaf.selfSigned());
        assertEquals(certificate.getNotAfter().toInstant(), leaf.notAfter());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded())),
                leaf.sha256());

        List<String> seq = describeAll(events);
        int ccsC = seq.indexOf("CCS C");
        int ccsS = seq.indexOf("CCS S");
        assertTrue(ccsC >= 0 && ccsS > ccsC, seq.toString());
        assertEquals("Encrypted C 22", seq.get(ccsC + 1), "the Finished after CCS is the first encrypted record");
        assertEquals("Encrypted S 22", seq.get(ccsS + 1));
        assertTrue(only(events, TlsEvent.Problem.class).isEmpty(), seq::toString);
        assertTrue(analyzer[0].encryptedBytes(C) > "a1 LOGIN alice secret\r\n".length());
    }

    @Test
    void jdkConversationsGiveTheSameEventsHoweverTheyAreCut() throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            List<Chunk> chunks = converse(protocol).chunks();
            List<String> expected = describeAll(TlsTestSupport.feed(chunks, Split.SEGMENTS, 0));
            assertEquals(expected, describeAll(TlsTestSupport.feed(chunks, Split.WHOLE, 0)), protocol);
            assertEquals(expected, describeAll(TlsTestSupport.feed(chunks, Split.EVERY_BYTE, 0)), protocol);
            for (long seed = 1; seed <= 10; seed++) {
                assertEquals(expected, describeAll(TlsTestSupport.feed(chunks, Split.RANDOM, seed)), protocol);
            }
            assertFalse(expected.isEmpty());
        }
    }
}
