package io.mailscope.dissect.tls;

import io.mailscope.dissect.tls.WireReader.Malformed;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTNamedCurves;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECNamedCurves;
import org.bouncycastle.asn1.teletrust.TeleTrusTNamedCurves;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DSAParameter;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;

import javax.security.auth.x500.X500Principal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Parses a TLS 1.2-and-earlier Certificate message (a 3-byte-length list of 3-byte-length DER certificates) and
 * summarises each certificate with Bouncy Castle. Bouncy Castle rather than the JDK's CertificateFactory because
 * it decodes certificates the JDK refuses (odd encodings, unknown key types) and gives the raw ASN.1 when we need
 * it; a certificate that still does not decode becomes a {@link CertificateInfo} with {@code error} set.
 */
public final class CertificateParser {
    private CertificateParser() {
    }

    private static final DefaultAlgorithmNameFinder ALGORITHM_NAMES = new DefaultAlgorithmNameFinder();
    private static final org.bouncycastle.jce.provider.BouncyCastleProvider BC =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();

    /**
     * A TLS 1.3 Certificate message (RFC 8446 4.4.2): a request context, then entries of a DER certificate and its
     * extensions. Same result as {@link #parseChain}.
     */
    static List<CertificateInfo> parseChain13(byte[] body, int off, int len) throws Malformed {
        WireReader r = new WireReader(body, off, len);
        r.vector(1, "certificate_request_context");
        WireReader list = r.vector(3, "certificate_list");
        List<CertificateInfo> chain = new ArrayList<>(4);
        while (list.remaining() > 0) {
            WireReader der = list.vector(3, "cert_data");
            chain.add(parse(der.array(), der.position(), der.remaining()));
            list.vector(2, "extensions");
        }
        if (r.remaining() > 0) {
            throw new Malformed(r.remaining() + " bytes after certificate_list");
        }
        return List.copyOf(chain);
    }

    /**
     * The certificates of a Certificate message the capture cut after {@code captured} of its body bytes: those that
     * arrived whole, leaf first (none when the leaf itself was cut). A cut certificate is left out, never parsed:
     * its missing bytes would read as a broken or different certificate.
     */
    static List<CertificateInfo> parseCutChain(byte[] body, int off, int captured) throws Malformed {
        WireReader r = new WireReader(body, off, captured);
        if (r.remaining() < 3) {
            return List.of();
        }
        int claimed = r.u24("certificate_list");
        WireReader list = r.sub(Math.min(claimed, r.remaining()), "certificate_list");
        List<CertificateInfo> chain = new ArrayList<>(4);
        while (list.remaining() >= 3) {
            int n = list.u24("ASN.1Cert");
            if (n > list.remaining()) {
                break;
            }
            WireReader der = list.sub(n, "ASN.1Cert");
            chain.add(parse(der.array(), der.position(), der.remaining()));
        }
        return List.copyOf(chain);
    }

    /** The chain, leaf first. The list structure itself must be sound; single certificates may be broken. */
    static List<CertificateInfo> parseChain(byte[] body, int off, int len) throws Malformed {
        WireReader r = new WireReader(body, off, len);
        WireReader list = r.vector(3, "certificate_list");
        List<CertificateInfo> chain = new ArrayList<>(4);
        while (list.remaining() > 0) {
            WireReader der = list.vector(3, "ASN.1Cert");
            chain.add(parse(der.array(), der.position(), der.remaining()));
        }
        if (r.remaining() > 0) {
            throw new Malformed(r.remaining() + " bytes after certificate_list");
        }
        return List.copyOf(chain);
    }

    /** One DER certificate. Never throws. */
    public static CertificateInfo parse(byte[] buf, int off, int len) {
        byte[] der = new byte[len];
        System.arraycopy(buf, off, der, 0, len);
        String sha256 = sha256(der);
        try {
            X509CertificateHolder cert = new X509CertificateHolder(der);
            String subject = rfc4514(cert.getSubject());
            String issuer = rfc4514(cert.getIssuer());
            return new CertificateInfo(subject, issuer, dnsNames(cert), cert.getNotBefore().toInstant(),
                    cert.getNotAfter().toInstant(), keySummary(cert.getSubjectPublicKeyInfo()),
                    algorithmName(cert.getSignatureAlgorithm()), cert.getSerialNumber().toString(16),
                    selfSigned(cert), sha256, null);
        } catch (Exception e) {
            return broken(sha256, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (StackOverflowError e) {
            // ASN.1 decoding is recursive: a certificate of nothing but nested SEQUENCE headers can exhaust the
            // stack. That is bad input, not a broken JVM, so it becomes an error like any other bad DER.
            return broken(sha256, "ASN.1 nested too deeply");
        }
    }

    private static CertificateInfo broken(String sha256, String error) {
        return new CertificateInfo(null, null, List.of(), null, null, null, null, null, false, sha256, error);
    }

    /** RFC 4514 string (most specific RDN first, "CN=...,O=..."), via the JDK's RFC 2253 printer. */
    private static String rfc4514(X500Name name) {
        try {
            return new X500Principal(name.getEncoded()).getName(X500Principal.RFC2253);
        } catch (Exception e) {
            return name.toString(); // the JDK refuses some encodings Bouncy Castle accepts
        }
    }

    /** subjectAltName DNS names, else the subject common name(s). */
    private static List<String> dnsNames(X509CertificateHolder cert) {
        List<String> names = new ArrayList<>(4);
        Extension san = cert.getExtension(Extension.subjectAlternativeName);
        if (san != null) {
            for (GeneralName n : GeneralNames.getInstance(san.getParsedValue()).getNames()) {
                if (n.getTagNo() == GeneralName.dNSName) {
                    names.add(((ASN1String) n.getName()).getString());
                }
            }
        }
        if (names.isEmpty()) {
            for (RDN rdn : cert.getSubject().getRDNs(BCStyle.CN)) {
                if (rdn.getFirst() != null && rdn.getFirst().getValue() instanceof ASN1String s) {
                    names.add(s.getString());
                }
            }
        }
        return List.copyOf(names);
    }

    /** "RSA 2048", "EC secp256r1", "Ed25519", "DSA 2048"... */
    static String keySummary(SubjectPublicKeyInfo spki) {
        AlgorithmIdentifier alg = spki.getAlgorithm();
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        try {
            if (oid.equals(PKCSObjectIdentifiers.rsaEncryption) || oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
                RSAPublicKey key = RSAPublicKey.getInstance(spki.parsePublicKey());
                String kind = oid.equals(PKCSObjectIdentifiers.rsaEncryption) ? "RSA " : "RSA-PSS ";
                return kind + key.getModulus().bitLength();
            }
            if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                if (alg.getParameters() instanceof ASN1ObjectIdentifier curve) {
                    return "EC " + curveName(curve);
                }
                return "EC explicit-parameters";
            }
            if (oid.equals(X9ObjectIdentifiers.id_dsa) && alg.getParameters() != null) {
                return "DSA " + DSAParameter.getInstance(alg.getParameters()).getP().bitLength();
            }
        } catch (Exception e) {
            return algorithmName(alg) + " (unreadable key)";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
            return "Ed25519";
        }
        if (oid.equals(EdECObjectIdentifiers.id_Ed448)) {
            return "Ed448";
        }
        return algorithmName(alg);
    }

    private static String curveName(ASN1ObjectIdentifier curve) {
        // SEC names first: TLS names its groups after them (secp256r1, not prime256v1).
        String name = SECNamedCurves.getName(curve);
        if (name == null) {
            name = NISTNamedCurves.getName(curve);
        }
        if (name == null) {
            name = TeleTrusTNamedCurves.getName(curve);
        }
        return name != null ? name : curve.getId();
    }

    private static String algorithmName(AlgorithmIdentifier alg) {
        String name = ALGORITHM_NAMES.getAlgorithmName(alg);
        return name != null ? name : alg.getAlgorithm().getId();
    }

    /** Issuer equals subject and the certificate's signature verifies with its own key. */
    private static boolean selfSigned(X509CertificateHolder cert) {
        if (!cert.getSubject().equals(cert.getIssuer())) {
            return false;
        }
        try {
            return cert.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(cert));
        } catch (Exception e) {
            return false;
        }
    }

    private static String sha256(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
