package io.mailscope.cli.connect;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lab CA and the server certificates the stories need: good (mail.example.test), for another name, expired,
 * and self-signed. Real X.509 made with BouncyCastle, usable by JDK servers (SSLContext) and dovecot (PEM files).
 */
final class TestPki {
    static final String NAME = "mail.example.test";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate with its key. */
    record Issued(X509Certificate cert, KeyPair keys) {
        SSLContext serverContext() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", keys.getPrivate(), "changeit".toCharArray(), new X509Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        }

        void writePem(Path certFile, Path keyFile) throws IOException {
            write(certFile, cert);
            // PKCS#8 as the JDK encodes it, which OpenSSL (dovecot) reads
            String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .encodeToString(keys.getPrivate().getEncoded());
            Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
        }
    }

    final Issued ca;

    TestPki() throws Exception {
        KeyPair kp = keys();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Mailscope Test CA");
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(2))), Date.from(now.plus(Duration.ofDays(3650))), name, kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = new Issued(sign(b, kp), kp);
    }

    /** A server certificate for {@code dnsName} signed by the CA, valid from {@code from} to {@code until}. */
    Issued server(String dnsName, Instant from, Instant until) throws Exception {
        KeyPair kp = keys();
        var b = new JcaX509v3CertificateBuilder(new X500Name("CN=Mailscope Test CA"), BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(from), Date.from(until), new X500Name("CN=" + dnsName), kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        return new Issued(sign(b, ca.keys()), kp);
    }

    Issued good() throws Exception {
        Instant now = Instant.now();
        return server(NAME, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    Issued expired() throws Exception {
        return server(NAME, Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-31T00:00:00Z"));
    }

    static Issued selfSigned(String dnsName) throws Exception {
        KeyPair kp = keys();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=" + dnsName);
        var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        return new Issued(sign(b, kp), kp);
    }

    Path writeCa(Path dir) throws IOException {
        Path p = dir.resolve("ca.pem");
        write(p, ca.cert());
        return p;
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        return gen.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static void write(Path p, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(p); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
    }
}
