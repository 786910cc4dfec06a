package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.Direction;

import static io.mailscope.explain.rules.TlsWords.alertCause;
import static io.mailscope.explain.rules.TlsWords.alertFix;
import static io.mailscope.explain.rules.TlsWords.cipherSample;
import static io.mailscope.explain.rules.TlsWords.offersOnlyOldVersions;
import static io.mailscope.explain.rules.TlsWords.offersOnlyWeakCiphers;
import static io.mailscope.explain.rules.TlsWords.realSuites;
import static io.mailscope.explain.rules.TlsWords.versions;

/**
 * The TLS handshake failed: an alert ended it (tls-alert, with the version, cipher or certificate cause it names),
 * or the server hung up after the ClientHello without a word (dovecot does: the hello's contents then say why),
 * or the client hung up right after a completed handshake (most often a certificate it rejects only afterwards).
 */
final class TlsHandshakeRule implements Rule {

    /** TLS was sent to a plaintext port: that finding (the port role rule's) tells the story. */
    private static boolean toPlaintextPort(io.mailscope.explain.SessionFacts f) {
        return f.mismatches.stream().anyMatch(m -> m.code().equals("tls-to-plaintext-port"));
    }

    @Override
    public void apply(RuleContext x) {
        var f = x.f;
        TlsEvent.Alert alert = f.fatalAlert();
        ClientHello ch = f.clientHellos.isEmpty() ? null : f.clientHellos.get(0).hello();
        if (alert != null) {
            alertEnded(x, alert, ch);
            return;
        }
        if (ch != null && f.serverHellos.isEmpty() && !f.clientHellos.get(0).at().fromClient()) {
            return;
        }
        if (ch != null && f.serverHellos.isEmpty() && (x.serverClosed() || f.serverFallback != null) && !toPlaintextPort(f)) {
            serverHungUp(x, ch);
            return;
        }
        if (!x.open) {
            clientHungUpAfterHandshake(x);
        }
    }

    private void alertEnded(RuleContext x, TlsEvent.Alert alert, ClientHello ch) {
        var f = x.f;
        String from = alert.at().fromClient() ? "client" : "server";
        String name = alert.descriptionName();
        x.add(CommonCode.TLS_ALERT, Severity.ERROR, "A TLS alert ended the handshake: " + name + " from the " + from + ".",
                "The " + from + " sent a " + alert.levelName() + " " + name + " alert (" + x.ev.at(alert.at()) + "). "
                        + alertCause(alert),
                alertFix(alert), alert.at().frame()).implies(Outcome.ALERT);
        if (alert.description() == 70 && ch != null) {
            versionMismatch(x, ch, "the " + from + " answered with a protocol_version alert (" + x.ev.at(alert.at()) + ")", alert.at());
        } else if ((alert.description() == 40 || alert.description() == 71) && f.serverHellos.isEmpty() && ch != null) {
            noCommonCipher(x, ch, "the " + from + " answered with a " + name + " alert (" + x.ev.at(alert.at()) + ")", alert.at());
        }
        certificateRejected(x, alert);
    }

    private void serverHungUp(RuleContext x, ClientHello ch) {
        var f = x.f;
        At close = x.closeAt(Direction.SERVER_TO_CLIENT);
        // The client's own alert after the server hung up only says it noticed (dovecot, lab notes).
        TlsEvent.Alert clientAlert = f.aftermathAlert();
        var fallback = f.serverFallback;
        var said = fallback == null ? null : x.firstResponseAfter(fallback.at());
        String how = fallback != null
                ? "the server gave up on TLS without a ServerHello (" + fallback.how() + ", " + x.ev.at(fallback.at())
                + ") and the server answered in plaintext" + (said != null ? " " + Evidence.quote(said.display()) + " (" + x.ev.at(said.at()) + ")" : "")
                : "the server closed the connection (" + (close != null ? x.ev.at(close) : "end") + ") without a ServerHello or an alert"
                + (clientAlert != null ? "; the client then gave up with its own " + clientAlert.descriptionName() + " alert (" + x.ev.at(clientAlert.at()) + ")" : "");
        Outcome ending = fallback != null ? Outcome.REFUSED : Outcome.DROPPED;
        At helloAt = f.clientHellos.get(0).at();
        if (CutTlsWords.helloCut(ch)) {
            // What the hello offers is only a beginning: no version or cipher story may rest on it.
            x.add(CommonCode.TLS_HANDSHAKE_ABORTED, Severity.ERROR, "The server closed the connection right after the ClientHello.",
                    "The client's ClientHello (" + x.ev.at(helloAt) + ") got no ServerHello: " + how + ". The capture cut the hello ("
                            + ch.cut().describe() + "), so what it offers, and why the server refused it, cannot be read from this capture.",
                    "Read the server's log for the TLS error at that time; capture again with `tcpdump -s 0` to see the whole hello.",
                    helloAt.frame(), close != null ? close.frame() : 0).implies(ending)
                    .likely(new Alternative(CommonCode.TLS_VERSION_MISMATCH.label(), "The server requires a TLS version the client does not offer."),
                            new Alternative(CommonCode.TLS_NO_COMMON_CIPHER.label(), "Client and server share no cipher suite."));
            return;
        }
        // A hello offering a handful of legacy suites is the rarer, stronger sign; offering only up to
        // TLS 1.2 is common and fails only against servers that require TLS 1.3.
        boolean fewLegacySuites = offersOnlyWeakCiphers(ch) && realSuites(ch) <= 4;
        if (fewLegacySuites) {
            noCommonCipher(x, ch, how + (offersOnlyOldVersions(ch) ? "; it also offers only up to "
                    + TlsNames.version(ch.highestVersion()) + ", which a server requiring TLS 1.3 refuses the same way" : ""), helloAt)
                    .implies(ending)
                    .likely(new Alternative(CommonCode.TLS_VERSION_MISMATCH.label(), "The server requires a TLS version the client does not offer."),
                            new Alternative(CommonCode.TLS_HANDSHAKE_ABORTED.label(), "The server's TLS setup failed for a reason of its own (its log says which)."));
        } else if (offersOnlyOldVersions(ch)) {
            versionMismatch(x, ch, how, helloAt).implies(ending)
                    .likely(new Alternative(CommonCode.TLS_HANDSHAKE_ABORTED.label(), "The server's TLS setup failed for a reason of its own (its log says which)."));
        } else if (offersOnlyWeakCiphers(ch)) {
            noCommonCipher(x, ch, how, helloAt).implies(ending)
                    .likely(new Alternative(CommonCode.TLS_HANDSHAKE_ABORTED.label(), "The server's TLS setup failed for a reason of its own (its log says which)."));
        } else {
            x.add(CommonCode.TLS_HANDSHAKE_ABORTED, Severity.ERROR, "The server closed the connection right after the ClientHello.",
                    "The client's ClientHello (" + x.ev.at(helloAt) + ") got no ServerHello: " + how
                            + (ch.supportedGroups().size() == 1
                            // one key-exchange group is the hello's only narrow point (openssl s_client -groups P-256
                            // against a server limited to X25519 ends exactly so: no HelloRetryRequest can help)
                            ? ". The hello offers " + versions(ch) + " and " + ch.cipherSuites().size() + " cipher suites but a single key-exchange group, "
                            + TlsNames.group(ch.supportedGroups().get(0)) + ": a server that supports none of the client's groups aborts like this"
                            + " (dovecot logs \"no suitable key share\"); otherwise the server's TLS settings or certificate setup failed: its log says why."
                            : ". The hello itself looks ordinary (offers " + versions(ch) + ", " + ch.cipherSuites().size()
                            + " cipher suites), so the server's TLS settings or certificate setup likely failed: its log says why."),
                    "Read the server's log for the TLS error at that time; compare with `openssl s_client -connect HOST:PORT`.",
                    helloAt.frame(), close != null ? close.frame() : 0).implies(ending);
        }
    }

    /**
     * The handshake completed, then the client hung up at once: no alert, not a byte of the protocol inside TLS.
     * Clients that check the certificate only after the handshake (and some that the user stops at a certificate
     * prompt) end exactly so. Without the client's keys its last encrypted records cannot be read, so this is likely.
     */
    private void clientHungUpAfterHandshake(RuleContext x) {
        var f = x.f;
        if (!f.tlsHandshakeCompleted() || f.clientApplicationData != null || !f.alerts.isEmpty()) {
            return;
        }
        if (f.clientFramingLost != null) {
            return; // what the client sent after the handshake may have crossed in the hole: no story rests on silence
        }
        At clientEnd = x.closeAt(Direction.CLIENT_TO_SERVER);
        At serverEnd = x.closeAt(Direction.SERVER_TO_CLIENT);
        if (clientEnd == null || (serverEnd != null && serverEnd.frame() < clientEnd.frame())) {
            return;
        }
        At done = f.clientEncrypted.at();
        long after = clientEnd.timeNanos() - done.timeNanos();
        // A client that is merely idle inside TLS is another story (the server's timeout would end it).
        if (after > 5_000_000_000L) {
            return;
        }
        At certAt = f.serverCertificates != null ? f.serverCertificates.at() : f.serverHellos.get(0).at();
        String rst = clientEnd == closeAtRst(x) ? "reset" : "closed";
        // With the client's key log its last records were read: no alert, not even close_notify, is then a fact
        boolean decrypted = f.events.stream().anyMatch(e -> e instanceof TlsEvent.Decrypted);
        x.add(CommonCode.CERTIFICATE_REJECTED, Severity.ERROR, "The client hung up right after the TLS handshake: most likely it rejected the server's certificate.",
                "The TLS handshake completed (the client's encrypted Finished, " + x.ev.at(done) + "), and "
                        + Evidence.duration(after) + " later the client " + rst + " the connection (" + x.ev.at(clientEnd)
                        + ") without a TLS alert and without sending a byte of IMAP. Clients that check the server's certificate only after the handshake"
                        + " (and clients whose user is shown a certificate warning) end exactly so. "
                        + (decrypted ? "Decrypted with the client's key log, its records hold no alert and no close_notify: it gave no reason at all."
                        : "The capture cannot show the client's reason: with the client's TLS key log (--keylog) its last encrypted records would say it."),
                "Check the server's certificate as the client sees it: `openssl s_client -connect " + x.c.server() + " -verify_return_error`"
                        + " (trusted CA, full chain, the name the client uses, dates); read the client's log or error message.",
                certAt.frame(), done.frame(), clientEnd.frame())
                .implies(Outcome.DROPPED)
                .likely(new Alternative("client-gave-up", "The client found another fault after the handshake (an ALPN or protocol it did not want, an internal error)."),
                        new Alternative("user-cancelled", "The client's user or program stopped it right after connecting."));
    }

    private static At closeAtRst(RuleContext x) {
        SessionEvent.Tcp rst = x.f.firstTcp("RST", true);
        return rst == null ? null : rst.at();
    }

    private RuleContext.Draft versionMismatch(RuleContext x, ClientHello ch, String how, At at) {
        String offered = ch == null ? "unknown versions" : versions(ch);
        return x.add(CommonCode.TLS_VERSION_MISMATCH, Severity.ERROR, "Client and server share no TLS version.",
                "The client offered " + offered + " and " + how + ". "
                        + (ch != null && ch.highestVersion() < 0x0304 && !CutTlsWords.helloCut(ch)
                        ? "A server that requires TLS 1.3 (or refuses " + TlsNames.version(ch.highestVersion()) + ") does exactly this."
                        : "The server accepts only versions the client does not offer."),
                "Allow a common version: let the client offer TLS 1.2 and 1.3 (e.g. drop -tls1_2 / -tls1_1 options, update an old client), or relax the server's minimum (dovecot: ssl_min_protocol).",
                at.frame());
    }

    private RuleContext.Draft noCommonCipher(RuleContext x, ClientHello ch, String how, At at) {
        return x.add(CommonCode.TLS_NO_COMMON_CIPHER, Severity.ERROR, "Client and server share no cipher suite.",
                "The client offered " + (ch == null ? "its cipher suites" : (CutTlsWords.helloCut(ch) ? "at least " : "")
                        + ch.cipherSuites().size() + " cipher suites (" + cipherSample(ch) + ")"
                        + (CutTlsWords.helloCut(ch) ? ", as far as its hello was captured (" + ch.cut().describe() + ")" : ""))
                        + " and " + how + ".",
                "Let the client offer modern suites (ECDHE with AES-GCM or ChaCha20-Poly1305), or widen the server's list (dovecot: ssl_cipher_list).",
                at.frame());
    }

    private void certificateRejected(RuleContext x, TlsEvent.Alert alert) {
        var f = x.f;
        int d = alert.description();
        boolean certAlert = d == 42 || d == 43 || d == 44 || d == 45 || d == 46 || d == 48 || d == 49;
        if (!alert.at().fromClient() || !certAlert) {
            return;
        }
        boolean afterCert = f.serverCertificates != null || !f.serverHellos.isEmpty();
        if (!afterCert) {
            return;
        }
        At certAt = f.serverCertificates != null ? f.serverCertificates.at() : f.serverHellos.get(0).at();
        x.add(CommonCode.CERTIFICATE_REJECTED, Severity.ERROR, "The client rejected the server's certificate.",
                "Right after the server's certificate (" + x.ev.at(certAt) + ") the client aborted with " + alert.descriptionName()
                        + " (" + x.ev.at(alert.at()) + (alert.at().insideTls() ? ", encrypted, read with the client's key log" : "")
                        + "): " + alertCause(alert),
                "Install a certificate from a CA the client trusts with the full chain (leaf and intermediates) on the server, or give the client the CA (openssl s_client -CAfile ...); check the name and dates.",
                certAt.frame(), alert.at().frame());
    }
}
