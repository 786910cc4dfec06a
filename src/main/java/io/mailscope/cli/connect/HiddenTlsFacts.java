package io.mailscope.cli.connect;

import io.mailscope.dissect.At;
import io.mailscope.dissect.tls.CertificateInfo;
import io.mailscope.dissect.tls.CertificateParser;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;
import io.mailscope.tcp.Direction;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS 1.3 encrypts the server's certificates and every alert after the ServerHello: a capture cannot show them,
 * the client can. They are given to the explanation as the events a capture of TLS 1.2 would have produced, so
 * the catalog names them (certificate-expired, certificate-name-mismatch, tls-alert, certificate-rejected).
 */
final class HiddenTlsFacts {
    private HiddenTlsFacts() {
    }

    /**
     * @param version       the version the ServerHello chose ("TLSv1.3"...), or null
     * @param receivedFrame the frame of the last bytes received (a received alert came in it)
     * @param sentFrame     the frame of the last bytes sent (our alert went in it)
     */
    static void tell(Explainer explainer, CertificateCheck check, TlsLayer.HandshakeFailure failure, String version,
                     long receivedFrame, long sentFrame) {
        if (!"TLSv1.3".equals(version)) {
            return; // TLS 1.2 shows them in the clear: the capture chain saw them itself
        }
        if (!check.chain().isEmpty()) {
            List<CertificateInfo> infos = new ArrayList<>();
            for (X509Certificate c : check.chain()) {
                try {
                    byte[] der = c.getEncoded();
                    infos.add(CertificateParser.parse(der, 0, der.length));
                } catch (CertificateEncodingException e) {
                    // a certificate the JDK parsed always encodes
                }
            }
            explainer.inject(new TlsEvent.CertificatesSeen(new At(Direction.SERVER_TO_CLIENT, check.seenInFrame(), check.seenAt()), infos));
        }
        if (failure == null) {
            return;
        }
        if (failure.kind == TlsLayer.HandshakeFailure.Kind.SERVER_ALERT) {
            int code = alertCode(failure.alert);
            if (code >= 0) {
                explainer.inject(new TlsEvent.Alert(new At(Direction.SERVER_TO_CLIENT, receivedFrame, WallClock.now()), 2, code, false));
            }
        } else if (check.rejected()) {
            // the JDK answers a certificate its trust manager refused with certificate_unknown
            explainer.inject(new TlsEvent.Alert(new At(Direction.CLIENT_TO_SERVER, sentFrame, WallClock.now()), 2, 46, false));
        }
    }

    /** An alert's number from its name as the JDK reports it ("protocol_version" -> 70), or -1. */
    static int alertCode(String name) {
        for (int i = 0; i < 256; i++) {
            if (TlsNames.alert(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
