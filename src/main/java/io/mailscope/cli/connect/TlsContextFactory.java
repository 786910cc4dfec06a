package io.mailscope.cli.connect;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Turns the TLS options into a client engine: the CAs to trust (the system's, or --cafile's), the version offered
 * (--tls-version), the cipher suites (--cipher, IANA names, which are the JDK's names), and the name asked for
 * (--sni, else the host when it is a name).
 */
final class TlsContextFactory {
    private final ConnectSettings settings;

    TlsContextFactory(ConnectSettings settings) {
        this.settings = settings;
    }

    /** Rejects options that cannot work before anything is sent: an unreadable CA file, an unknown cipher suite. */
    static void validate(ConnectSettings settings) {
        TlsContextFactory f = new TlsContextFactory(settings);
        f.trusted();
        SSLEngine probe = f.engine(f.check(() -> 0));
        if (probe == null) {
            throw new IllegalArgumentException("no TLS engine");
        }
    }

    /** The name to ask for in the ClientHello, or null for an IP literal without --sni (RFC 6066 forbids IPs there). */
    String sni() {
        if (settings.sni() != null) {
            return settings.sni();
        }
        return isIpLiteral(settings.host()) ? null : settings.host();
    }

    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9]+(\\.[0-9]+){3}");
    }

    CertificateCheck check(LongSupplier frameNow) {
        String expected = settings.sni() != null ? settings.sni() : settings.host();
        return new CertificateCheck(trusted(), expected, settings.insecure(), frameNow);
    }

    SSLEngine engine(CertificateCheck check) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {check}, null);
            String sni = sni();
            SSLEngine engine = sni != null ? ctx.createSSLEngine(sni, settings.port()) : ctx.createSSLEngine();
            engine.setUseClientMode(true);
            SSLParameters p = engine.getSSLParameters();
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
            }
            if (settings.tlsVersion() != null) {
                p.setProtocols(new String[] {settings.tlsVersion()});
            } else {
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            }
            if (!settings.ciphers().isEmpty()) {
                Set<String> supported = Set.of(engine.getSupportedCipherSuites());
                List<String> unknown = new ArrayList<>();
                for (String c : settings.ciphers()) {
                    if (!supported.contains(c)) {
                        unknown.add(c);
                    }
                }
                if (!unknown.isEmpty()) {
                    throw new IllegalArgumentException("--cipher: unknown cipher suite " + String.join(", ", unknown)
                            + " (IANA names as the reports print them, e.g. TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
                }
                p.setCipherSuites(settings.ciphers().toArray(new String[0]));
            }
            engine.setSSLParameters(p);
            return engine;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS is not available: " + e.getMessage(), e);
        }
    }

    /** The system's CAs, or only those of --cafile (PEM or DER, one or many certificates). */
    X509TrustManager trusted() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (settings.cafile() == null) {
                tmf.init((KeyStore) null);
            } else {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                Collection<? extends Certificate> cas;
                try (InputStream in = Files.newInputStream(settings.cafile())) {
                    cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (cas.isEmpty()) {
                    throw new IllegalArgumentException("--cafile " + settings.cafile() + ": no certificate in it");
                }
                int i = 0;
                for (Certificate c : cas) {
                    ks.setCertificateEntry("ca" + i++, c);
                }
                tmf.init(ks);
            }
            return Arrays.stream(tmf.getTrustManagers()).filter(t -> t instanceof X509TrustManager)
                    .map(t -> (X509TrustManager) t).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no X.509 trust manager"));
        } catch (IOException e) {
            throw new IllegalArgumentException("--cafile " + settings.cafile() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--cafile " + settings.cafile() + ": not a certificate file (" + e.getMessage() + ")", e);
        }
    }
}
