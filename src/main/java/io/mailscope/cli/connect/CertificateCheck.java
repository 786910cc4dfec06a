package io.mailscope.cli.connect;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Judges the server's certificate chain the way a mail client would, and says what is wrong with it in plain
 * words rather than as a PKIX stack: expired (or not yet valid), for another name, self-signed, issued by a CA
 * nobody here trusts. The trust decision itself is the JDK's (PKIX path building from the system's CAs, or those
 * of {@code --cafile}); the dates and the name are checked separately so each problem is named on its own.
 * With {@code --insecure} every problem is still named, and the handshake goes on.
 */
final class CertificateCheck extends X509ExtendedTrustManager {

    /** One thing wrong with the chain: a short code and a sentence. */
    record Problem(String code, String words) {}

    private final X509TrustManager trusted;
    private final String expectedName;
    private final boolean insecure;
    private final java.util.function.LongSupplier frameNow;
    private volatile long seenInFrame;
    private volatile long seenAt;
    private volatile List<X509Certificate> chain = List.of();
    private volatile List<Problem> problems = List.of();
    private volatile boolean rejected;

    /**
     * @param trusted      the CAs to trust (the JDK's default trust manager, or one built from --cafile)
     * @param expectedName the name (or IP literal) the certificate must cover: --sni, else the host given
     */
    CertificateCheck(X509TrustManager trusted, String expectedName, boolean insecure, java.util.function.LongSupplier frameNow) {
        this.frameNow = frameNow;
        this.trusted = trusted;
        this.expectedName = expectedName;
        this.insecure = insecure;
    }

    /** The frame whose record brought the chain (the last one read when the engine asked for judgement). */
    long seenInFrame() {
        return seenInFrame;
    }

    long seenAt() {
        return seenAt;
    }

    List<X509Certificate> chain() {
        return chain;
    }

    List<Problem> problems() {
        return problems;
    }

    /** The chain was seen and refused: the handshake failed because of it. */
    boolean rejected() {
        return rejected;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        check(certs, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        check(certs, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        check(certs, authType);
    }

    private void check(X509Certificate[] certs, String authType) throws CertificateException {
        seenInFrame = frameNow.getAsLong();
        seenAt = WallClock.now();
        chain = List.copyOf(Arrays.asList(certs));
        problems = examine(chain, Instant.now());
        if (!problems.isEmpty() && !insecure) {
            rejected = true;
            StringBuilder sb = new StringBuilder("the server's certificate ");
            for (int i = 0; i < problems.size(); i++) {
                sb.append(i == 0 ? "" : "; it ").append(problems.get(i).words());
            }
            throw new CertificateException(sb.toString());
        }
    }

    /** Everything wrong with {@code chain} (leaf first) at {@code now}; empty when a client would accept it. */
    List<Problem> examine(List<X509Certificate> chain, Instant now) {
        List<Problem> found = new ArrayList<>();
        if (chain.isEmpty()) {
            found.add(new Problem("no-certificate", "is missing: the server sent none"));
            return found;
        }
        X509Certificate leaf = chain.get(0);
        Instant notAfter = leaf.getNotAfter().toInstant();
        Instant notBefore = leaf.getNotBefore().toInstant();
        if (now.isAfter(notAfter)) {
            found.add(new Problem("expired", "expired on " + day(notAfter) + " (" + days(Duration.between(notAfter, now))
                    + " ago): renew it, or check this machine's clock"));
        } else if (now.isBefore(notBefore)) {
            found.add(new Problem("not-yet-valid", "is not valid before " + day(notBefore)
                    + ": a clock is wrong (this machine's or the one that issued it)"));
        }
        if (expectedName != null) {
            List<String> names = names(leaf);
            if (!covers(names, expectedName)) {
                found.add(new Problem("name-mismatch", "is for " + (names.isEmpty() ? "no name at all" : String.join(", ", names))
                        + ", not for " + expectedName + ": connect with a name it covers (--sni NAME), or add "
                        + expectedName + " to its subjectAltName"));
            }
        }
        if (!chainsToTrustedCa(chain, now.isAfter(notAfter) || now.isBefore(notBefore) ? notBefore.plusSeconds(1) : now)) {
            if (selfSigned(leaf)) {
                found.add(new Problem("self-signed", "is self-signed (" + leaf.getSubjectX500Principal().getName()
                        + "): no CA vouches for it; trust it with --cafile FILE, or go on anyway with --insecure"));
            } else {
                X509Certificate top = chain.get(chain.size() - 1);
                found.add(new Problem("unknown-issuer", "was issued by " + top.getIssuerX500Principal().getName()
                        + ", a CA this machine does not trust (a private CA, or the server left out an intermediate): give that CA with --cafile FILE"));
            }
        }
        return found;
    }

    /** Path building from the chain to one of the trusted CAs, at {@code when}, without revocation checks. */
    private boolean chainsToTrustedCa(List<X509Certificate> chain, Instant when) {
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate ca : trusted.getAcceptedIssuers()) {
            anchors.add(new TrustAnchor(ca, null));
        }
        if (anchors.isEmpty()) {
            return false;
        }
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain.get(0));
            PKIXBuilderParameters params = new PKIXBuilderParameters(anchors, target);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(when));
            params.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(chain)));
            CertPathBuilder.getInstance("PKIX").build(params);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** subjectAltName DNS names and IP addresses; the subject CN only when there are none (RFC 6125 6.4.4). */
    static List<String> names(X509Certificate c) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) {
                        names.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // an unreadable SAN extension names nothing
        }
        if (names.isEmpty()) {
            for (String rdn : c.getSubjectX500Principal().getName().split(",")) {
                if (rdn.startsWith("CN=")) {
                    names.add(rdn.substring(3));
                }
            }
        }
        return names;
    }

    /** RFC 6125: exact match, or a wildcard standing for exactly the leftmost label; IP literals exactly. */
    static boolean covers(List<String> names, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        for (String n : names) {
            String p = n.toLowerCase(Locale.ROOT);
            if (p.equals(h) || sameIp(p, h)) {
                return true;
            }
            int dot = h.indexOf('.');
            if (p.startsWith("*.") && dot > 0 && h.substring(dot).equals(p.substring(1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameIp(String a, String b) {
        if (!isLiteral(a) || !isLiteral(b)) {
            return false; // never a name lookup: only two address literals are compared
        }
        try {
            return Arrays.equals(java.net.InetAddress.getByName(a).getAddress(), java.net.InetAddress.getByName(b).getAddress());
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean isLiteral(String s) {
        return s.indexOf(':') >= 0 || s.matches("[0-9.]+");
    }

    private static String day(Instant t) {
        return LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
    }

    private static String days(Duration d) {
        long n = d.toDays();
        return n >= 1 ? n + (n == 1 ? " day" : " days") : d.toHours() + " hours";
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client does not judge client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client does not judge client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
        throw new CertificateException("a client does not judge client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.getAcceptedIssuers();
    }
}
