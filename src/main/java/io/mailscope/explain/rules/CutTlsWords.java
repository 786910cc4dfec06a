package io.mailscope.explain.rules;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;

import java.util.ArrayList;
import java.util.List;

/**
 * The words for a TLS handshake the capture cut (snaplen, or a hole): which messages arrived only in part, what of
 * them was not seen, and where records were lost and found again. The snaplen finding tells it; the TLS rules ask
 * {@link #helloCut} before they reason from a hello's contents.
 */
final class CutTlsWords {
    private CutTlsWords() {
    }

    /** The extensions a reader of a cut ClientHello misses most, by type, in the words a finding uses. */
    private static final int[][] NOTABLE = {{0x0000, 0}, {0x002b, 1}, {0x0010, 2}, {0x000a, 3}, {0x000d, 4}};
    private static final String[] NOTABLE_NAMES = {"SNI", "supported_versions", "ALPN", "supported_groups",
            "signature_algorithms"};

    /** " The TLS handshake was cut: ..." or "" when no TLS message was cut and no records were lost. */
    static String story(RuleContext x) {
        var f = x.f;
        List<String> parts = new ArrayList<>();
        for (Event e : f.cutTls) {
            if (e instanceof TlsEvent.ClientHelloSeen c) {
                parts.add(clientHello(x, c));
            } else if (e instanceof TlsEvent.ServerHelloSeen s) {
                parts.add(serverHello(x, s));
            } else if (e instanceof TlsEvent.CertificatesSeen c) {
                parts.add(certificate(x, c));
            }
        }
        for (TlsEvent.Problem lost : new TlsEvent.Problem[] {f.clientFramingLost, f.serverFramingLost}) {
            if (lost == null) {
                continue;
            }
            String side = lost.at().fromClient() ? "client" : "server";
            TlsEvent.FramingRegained found = null;
            for (TlsEvent.FramingRegained r : f.framingRegained) {
                if (r.at().direction() == lost.at().direction() && r.at().frame() > lost.at().frame()) {
                    found = r;
                    break;
                }
            }
            parts.add("the " + side + "'s TLS records were lost in the cut part of " + x.ev.at(lost.at())
                    + (found != null ? " and found again at the start of the next segment (" + x.ev.at(found.at())
                    + "); what crossed in between is unknown" : " and not found again: the rest of that direction is only counted"));
        }
        if (parts.isEmpty()) {
            return "";
        }
        return " The TLS handshake was cut: " + String.join("; ", parts) + ". Nothing is inferred from the missing bytes:"
                + " fingerprints of a cut hello are not computed, and findings that rest on a cut message say so.";
    }

    private static String clientHello(RuleContext x, TlsEvent.ClientHelloSeen c) {
        ClientHello h = c.hello();
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < NOTABLE.length; i++) {
            if (!h.extensions().contains(NOTABLE[i][0])) {
                missing.add(NOTABLE_NAMES[i]);
            }
        }
        String arrived = h.extensions().isEmpty() ? "" : " (" + h.extensions().size() + " extension"
                + (h.extensions().size() > 1 ? "s" : "") + " arrived whole" + (h.sni() != null ? ", SNI " + h.sni() : "") + ")";
        return "the ClientHello (" + x.ev.at(c.at()) + ") was " + h.cut().describe() + arrived
                + (missing.isEmpty() ? "" : ": its " + String.join(", ", missing) + " (if sent) were not captured")
                + ", so JA3 and JA4 are not computed";
    }

    private static String serverHello(RuleContext x, TlsEvent.ServerHelloSeen s) {
        ServerHello h = s.hello();
        String known = h.cipherSuite() < 0 ? ": the negotiated version and cipher suite were not captured"
                : ": it chose " + TlsNames.version(h.selectedVersion()) + " " + TlsNames.cipherSuite(h.cipherSuite())
                + (h.extensions().contains(0x002b) || h.selectedVersion() != 0x0304 ? "" : " (TLS 1.3 known from the suite)");
        return "the ServerHello (" + x.ev.at(s.at()) + ") was " + h.cut().describe() + known + ", no JA3S";
    }

    private static String certificate(RuleContext x, TlsEvent.CertificatesSeen c) {
        String from = c.at().fromClient() ? "client's" : "server's";
        return "the " + from + " Certificate message (" + x.ev.at(c.at()) + ") was " + c.cut().describe() + ": "
                + (c.chain().isEmpty() ? "no certificate arrived whole" : c.chain().size() + " certificate"
                + (c.chain().size() > 1 ? "s" : "") + " arrived whole (leaf " + c.chain().get(0).subject() + ")")
                + ", so the chain is incomplete and is not judged beyond what arrived";
    }

    /** The first ClientHello was cut: what it offers (versions, suites, groups) is only a beginning. */
    static boolean helloCut(ClientHello ch) {
        return ch != null && ch.partial();
    }
}
