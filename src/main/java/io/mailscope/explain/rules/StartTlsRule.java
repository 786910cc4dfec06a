package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.MailEvent;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.Direction;

/**
 * The upgrade to TLS on the plaintext port: refused, not offered, accepted and then not followed by a handshake
 * (plaintext typed after it, or silence on both sides), a server that falls back to plaintext after the handshake
 * failed, and the command-injection patterns (plaintext behind the OK, commands pipelined behind STARTTLS).
 */
final class StartTlsRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        refusedOrNotOffered(x);
        MailEvent.UpgradeAccepted ok = x.f.startTlsAccepted;
        if (ok != null) {
            accepted(x, ok);
            injection(x, ok);
            pipelining(x);
        }
    }

    private void refusedOrNotOffered(RuleContext x) {
        var f = x.f;
        ProtocolWords w = x.words();
        if (f.startTlsRefused != null) {
            MailEvent.UpgradeRefused r = f.startTlsRefused;
            x.add(CommonCode.STARTTLS_REFUSED, Severity.ERROR, "The server refused " + w.upgrade() + ".",
                    "The client asked for " + w.upgrade() + " (" + (f.startTlsCommand != null ? x.ev.at(f.startTlsCommand.at()) : "earlier")
                            + ") and the server answered " + Evidence.quote(r.words())
                            + " (" + x.ev.at(r.at()) + "): TLS is not available on this port.",
                    "Enable TLS on the server (" + w.serverSetting() + "), or connect to the implicit TLS port " + w.tlsPort() + ".",
                    f.startTlsCommand != null ? f.startTlsCommand.at().frame() : 0, r.at().frame()).implies(Outcome.REFUSED);
        }
        if (f.startTlsCommand != null && f.capabilitiesSeenBeforeTls && !f.upgradeAdvertised()) {
            x.add(CommonCode.STARTTLS_NOT_ADVERTISED, Severity.WARNING, "The server did not advertise " + w.upgrade() + ".",
                    "The capabilities the server announced before TLS (" + String.join(" ", f.capabilitiesBeforeTls)
                            + ") do not include " + w.upgrade() + ", yet the client sent it ("
                            + x.ev.at(f.startTlsCommand.at()) + ").",
                    "Enable TLS on the server, or use implicit TLS on port " + w.tlsPort() + ".",
                    f.startTlsCommand.at().frame());
        } else if (f.startTlsCommand == null && f.capabilitiesSeenBeforeTls && !f.upgradeAdvertised()
                && !f.tlsStarted && !x.s.role().implicitTls()) {
            x.add(CommonCode.STARTTLS_NOT_ADVERTISED, Severity.WARNING, "The server did not offer " + w.upgrade() + ", so the session stayed in plaintext.",
                    "The server's capabilities (" + String.join(" ", f.capabilitiesBeforeTls) + ") do not include " + w.upgrade() + ".",
                    "Enable TLS on the server so clients can protect the session.");
        }
    }

    private void accepted(RuleContext x, MailEvent.UpgradeAccepted ok) {
        var f = x.f;
        var c = x.c;
        ProtocolWords w = x.words();
        if (f.clientPlaintextAfterStartTls != null) {
            SessionEvent.PlaintextAfterStartTls p = f.clientPlaintextAfterStartTls;
            MailEvent.Command next = x.firstClientCommandAfter(p.at());
            String what = next != null ? Evidence.quote(next.display()) : p.display();
            x.add(CommonCode.PLAINTEXT_AFTER_STARTTLS, Severity.ERROR, w.upgrade() + " was accepted, then the client went on in plaintext.",
                    "The server answered " + Evidence.quote(ok.words()) + " (" + x.ev.at(ok.at())
                            + "): from there it expects a TLS ClientHello. The client sent " + what + " (" + x.ev.at(p.at())
                            + ") instead. " + fallbackOrReaction(x, p.at()),
                    "After " + w.upgrade() + " the client must start a TLS handshake: a person cannot type TLS. Use `openssl s_client -starttls " + w.starttlsProto() + " -connect "
                            + c.server() + " -crlf` or `gnutls-cli --starttls-proto=" + w.starttlsProto() + " -p " + c.server().port() + " HOST`.",
                    ok.at().frame(), p.at().frame(), x.reactionFrame(Direction.SERVER_TO_CLIENT, p.at()),
                    f.serverFallback != null ? f.serverFallback.at().frame() : 0)
                    .implies(x.reaction(Direction.SERVER_TO_CLIENT, p.at()));
            if (f.serverFallback != null) {
                fallback(x, ok, f.serverFallback);
            }
            return;
        }
        if (f.clientHandoff != null || !f.clientHellos.isEmpty()) {
            return;
        }
        if (x.open) {
            long quiet = x.now - x.s.lastActivityNanos();
            if (quiet >= x.stallNanos && ok.at().frame() >= lastFrame(x)) {
                x.add(CommonCode.STARTTLS_MUTUAL_WAIT, Severity.ERROR, w.upgrade() + " was accepted, and nobody has sent anything since.",
                        "The server answered " + Evidence.quote(ok.words()) + " (" + x.ev.at(ok.at())
                                + ") and waits for the client's TLS ClientHello; nothing has crossed for " + Evidence.duration(quiet)
                                + ". A client that cannot do TLS (telnet, nc) waits for more text that will never come.",
                        "Use a client that performs the TLS handshake after " + w.upgrade() + ": `openssl s_client -starttls " + w.starttlsProto() + " -connect " + c.server() + "`.",
                        ok.at().frame()).implies(Outcome.STALLED);
            }
            return;
        }
        At end = x.closeAt(Direction.CLIENT_TO_SERVER);
        At sEnd = x.closeAt(Direction.SERVER_TO_CLIENT);
        // Watched from the OK until the first close, else until mailscope let the connection go.
        WatchedWait watched = WatchedWait.of(c, ok.at().timeNanos(), end, sEnd);
        x.add(CommonCode.STARTTLS_MUTUAL_WAIT, Severity.ERROR, w.upgrade() + " was accepted, then nobody sent anything.",
                "The server answered " + Evidence.quote(ok.words()) + " (" + x.ev.at(ok.at())
                        + ") and waits for the client's TLS ClientHello; the client sent nothing for "
                        + Evidence.duration(watched.nanos()) + ", "
                        + (watched.endedBy() == WatchedWait.EndedBy.CLIENT ? "then closed (" + x.ev.at(end) + ")"
                        : watched.endedBy() == WatchedWait.EndedBy.SERVER ? "until the server closed (" + x.ev.at(sEnd) + ")"
                        : "until " + WatchedWait.letGoWords(watched.endedBy()))
                        + ". A client that is not able to do TLS (telnet, nc) waits for more text that will never come.",
                "Use a client that performs the TLS handshake after " + w.upgrade() + ": `openssl s_client -starttls " + w.starttlsProto() + " -connect " + c.server() + "`.",
                ok.at().frame(), end != null ? end.frame() : sEnd != null ? sEnd.frame() : 0).implies(Outcome.STALLED)
                .likelyIf(watched.tooShort(), watched.alternatives("hello-not-yet-due", "the client's TLS ClientHello",
                        "a client whose TLS library failed before its ClientHello (no trusted certificates, a broken configuration), or one that only checked that "
                                + w.upgrade() + " is accepted.").toArray(io.mailscope.explain.Alternative[]::new));
    }

    /** The frame of the session's last event: a STARTTLS OK that is still the last thing said is what everyone waits on. */
    private static long lastFrame(RuleContext x) {
        return x.f.events.isEmpty() ? 0 : x.f.events.get(x.f.events.size() - 1).at().frame();
    }

    /** After plaintext where TLS was due: the server's plaintext reply if it fell back (Courier, Cyrus), else how it reacted. */
    private static String fallbackOrReaction(RuleContext x, At after) {
        var fb = x.f.serverFallback;
        if (fb == null) {
            return x.reactionText(Direction.SERVER_TO_CLIENT, after);
        }
        MailEvent.Reply r = x.firstReplyAfter(fb.at());
        return "The server gave up on TLS (" + fb.how() + ", " + x.ev.at(fb.at()) + ") and went back to plaintext"
                + (r != null ? ", answering " + Evidence.quote(r.display()) + " (" + x.ev.at(r.at()) + ")" : "") + ". "
                + closing(x, fb.at());
    }

    private static String closing(RuleContext x, At after) {
        At fin = x.firstTcpAfter("FIN", Direction.SERVER_TO_CLIENT, after);
        At rst = x.firstTcpAfter("RST", Direction.SERVER_TO_CLIENT, after);
        At end = fin != null ? fin : rst;
        return end == null ? "" : "It then " + (end == fin ? "closed" : "reset") + " the connection (" + x.ev.at(end) + ").";
    }

    /** The server fell back to plaintext after its STARTTLS handshake failed: it answers the plaintext, unprotected. */
    private static void fallback(RuleContext x, MailEvent.UpgradeAccepted ok, io.mailscope.explain.SessionFacts.Fallback fb) {
        MailEvent.Reply r = x.firstReplyAfter(fb.at());
        ProtocolWords w = x.words();
        x.add(CommonCode.STARTTLS_FALLBACK, Severity.WARNING, "After the failed " + w.upgrade() + " handshake the server went back to plaintext.",
                "The server had accepted " + w.upgrade() + " (" + x.ev.at(ok.at()) + "), then gave up on TLS (" + fb.how() + ", " + x.ev.at(fb.at())
                        + ") and went on speaking plaintext " + w.name()
                        + (r != null ? ": " + Evidence.quote(r.display()) + " (" + x.ev.at(r.at()) + ")" : "")
                        + ". Courier and Cyrus do this. Nothing is encrypted from there on: whatever the client sends next crosses in the clear.",
                "Make the client do the TLS handshake after " + w.upgrade() + "; a client must never send credentials after a failed handshake.",
                fb.at().frame(), r != null ? r.at().frame() : 0);
    }

    /** POP3 (RFC 2595 4) and SMTP (RFC 3207 4.2) forbid commands behind STLS/STARTTLS before its answer too. */
    private void pipeliningInOrder(RuleContext x) {
        ProtocolWords w = x.words();
        for (var e : x.f.events) {
            if (e.family().orderedMail() && e instanceof MailEvent.Problem p && p.code().equals("pipelined-after-" + w.upgrade().toLowerCase(java.util.Locale.ROOT))) {
                x.add(CommonCode.STARTTLS_PIPELINING, Severity.WARNING, "The client sent commands behind " + w.upgrade() + " before the server answered.",
                        "After " + w.upgrade() + " the client sent " + Evidence.quote(p.detail()) + " (" + x.ev.at(p.at())
                                + ") in plaintext; the protocol forbids further commands until the TLS negotiation is complete, and a server that processes them is open to command injection (CVE-2011-0411).",
                        "Send nothing after " + w.upgrade() + " until the server's answer, then start TLS.", p.at().frame());
                return;
            }
        }
    }

    private void injection(RuleContext x, MailEvent.UpgradeAccepted ok) {
        var f = x.f;
        if (f.serverDataAfterStartTls == null) {
            return;
        }
        String okWords = ok instanceof ImapEvent.StartTlsAccepted imapOk ? imapOk.tag() + " OK" : ok.words();
        x.add(CommonCode.STARTTLS_INJECTION, Severity.WARNING, "The server sent plaintext right behind its " + x.words().upgrade() + " OK.",
                "In the same segment as " + Evidence.quote(okWords) + " (" + x.ev.at(f.serverDataAfterStartTls.at())
                        + ") the server sent \"" + f.serverDataAfterStartTls.display()
                        + "\" before any TLS: either the server is broken or someone injected data (the STARTTLS command-injection pattern, CVE-2011-0411).",
                "Update the server; a client must discard anything received before the TLS handshake.",
                f.serverDataAfterStartTls.at().frame());
    }

    private void pipelining(RuleContext x) {
        if (!"imap".equals(x.f.protocol) && x.f.protocol != null) {
            pipeliningInOrder(x);
            return;
        }
        for (ImapEvent.Problem p : x.f.imapProblems) {
            if (p.kind() == io.mailscope.dissect.imap.ImapProblem.PIPELINED_AFTER_STARTTLS) {
                x.add(CommonCode.STARTTLS_PIPELINING, Severity.WARNING, "The client sent commands behind STARTTLS before the server answered.",
                        "After STARTTLS the client sent " + Evidence.quote(p.detail()) + " (" + x.ev.at(p.at())
                                + ") in plaintext; RFC 3501 forbids further commands until the TLS negotiation is complete, and a server that processes them is open to command injection (CVE-2011-0411).",
                        "Send nothing after STARTTLS until the server's tagged OK, then start TLS.", p.at().frame());
                return;
            }
        }
    }
}
