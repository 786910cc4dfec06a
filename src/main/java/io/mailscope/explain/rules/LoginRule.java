package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.SessionFacts.Exchange;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.Direction;

import java.util.Locale;
import java.util.Set;

/**
 * Logging in: refused for want of TLS (the seed's "BAD Command received in Invalid state"), refused for the
 * credentials, for a mechanism the server lacks, or for a failure on the server's side; a password sent in the
 * clear; and the client that, told TLS comes first, gives up without trying.
 *
 * <p>Servers say "TLS first" in different words: dovecot advertises LOGINDISABLED and answers
 * {@code [PRIVACYREQUIRED]}, Exchange says {@code Invalid state}, GNU Mailutils imap4d advertises XTLSREQUIRED and
 * answers {@code NO LOGIN Command disabled}. A bare {@code NO} without a code before TLS does not decide between a
 * wrong password and a server that wants TLS: the finding is then {@code likely} and names the other.
 */
final class LoginRule implements Rule {
    /** RFC 5530 codes that put the refusal on the credentials or the account. */
    private static final Set<String> CREDENTIAL_CODES = Set.of("AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED",
            "CONTACTADMIN", "NOPERM");
    /** RFC 5530 codes that put it on the server. */
    private static final Set<String> SERVER_CODES = Set.of("UNAVAILABLE", "SERVERBUG", "LIMIT", "INUSE");

    private static final Alternative WANTS_TLS = new Alternative(CommonCode.LOGIN_BEFORE_STARTTLS.label(),
            "The server refuses logins before TLS without saying so (it did not advertise LOGINDISABLED).");
    private static final Alternative WRONG_PASSWORD = new Alternative(CommonCode.AUTHENTICATION_FAILED.label(),
            "The server refused these credentials; its answer does not mention TLS.");

    /** Why a login attempt was refused, as far as the server's words tell. */
    private enum Cause { NONE, CANCELLED, MECHANISM, SERVER_SIDE, CREDENTIALS, TLS_REQUIRED }

    private record Verdict(Cause cause, boolean certain) {
        static final Verdict NONE = new Verdict(Cause.NONE, true);
    }

    @Override
    public void apply(RuleContext x) {
        boolean cleartextReported = false;
        boolean failureReported = false;
        boolean mechanismReported = false;
        boolean tlsRefusalReported = false;
        for (Exchange ex : x.f.exchanges("LOGIN", "AUTHENTICATE")) {
            ImapEvent.Response untagged = untaggedBadAfter(x, ex.command().at());
            boolean laterSuccess = loggedInAfter(x, ex);
            Verdict v = verdict(x, ex, untagged);
            switch (v.cause()) {
                case MECHANISM -> {
                    if (!mechanismReported) {
                        mechanismReported = true;
                        mechanismRefused(x, ex, laterSuccess);
                    }
                }
                case SERVER_SIDE -> {
                    if (!failureReported) {
                        failureReported = true;
                        serverSideFailure(x, ex, laterSuccess);
                    }
                }
                case CREDENTIALS -> {
                    if (!failureReported) {
                        failureReported = true;
                        wrongCredentials(x, ex, laterSuccess, v.certain());
                    }
                }
                case TLS_REQUIRED -> {
                    if (!tlsRefusalReported) {
                        tlsRefusalReported = true;
                        tlsRequired(x, ex, untagged, v.certain());
                    }
                }
                case CANCELLED, NONE -> {
                    // "*" ended the AUTHENTICATE (the server's BAD answers the client's own choice), or no refusal
                }
            }
            if (ex.beforeTls() && ex.credentials() && !cleartextReported) {
                cleartextReported = true;
                cleartext(x, ex);
            }
        }
        if (!cleartextReported) {
            for (Exchange ex : x.f.exchanges) {
                if (ex.beforeTls() && ex.credentials()) {
                    x.add(CommonCode.CLEARTEXT_CREDENTIALS, Severity.WARNING, "A password crossed the network unencrypted.",
                            "The client sent " + Evidence.quote(ex.command().display()) + " (" + x.ev.at(ex.command().at())
                                    + ") before any TLS, so anyone on the path could read the password. mailscope redacts it in its output.",
                            "Change that password and log in only over TLS (port 993, or STARTTLS on 143).",
                            ex.command().at().frame());
                    break;
                }
            }
        }
        if (!x.open && x.f.exchanges("LOGIN", "AUTHENTICATE").isEmpty()) {
            gaveUpBeforeTls(x);
        }
    }

    private Verdict verdict(RuleContext x, Exchange ex, ImapEvent.Response untagged) {
        var f = x.f;
        if (ex.cancelled()) {
            return new Verdict(Cause.CANCELLED, true);
        }
        boolean refused = ex.refused() || (untagged != null && ex.answer() == null);
        if (!refused) {
            return Verdict.NONE;
        }
        ImapEvent.Response a = ex.answer();
        String code = a == null || a.code() == null ? "" : a.code().split(" ", 2)[0].toUpperCase(Locale.ROOT);
        if (a != null && ex.refused() && "AUTHENTICATE".equals(ex.command().name()) && !mentionsTls(a)
                && a.text().toLowerCase(Locale.ROOT).contains("mechanism")) {
            return new Verdict(Cause.MECHANISM, true);
        }
        if (SERVER_CODES.contains(code)) {
            return new Verdict(Cause.SERVER_SIDE, true);
        }
        if (CREDENTIAL_CODES.contains(code)) {
            return new Verdict(Cause.CREDENTIALS, true);
        }
        if (!ex.beforeTls()) {
            // inside TLS there is no TLS left to ask for
            return a != null && "NO".equals(a.status()) && a.code() == null ? new Verdict(Cause.CREDENTIALS, true) : Verdict.NONE;
        }
        var typed = f.clientPlaintextAfterStartTls;
        if (typed != null && ex.command().at().frame() >= typed.at().frame()) {
            // typed where the TLS handshake was due: the plaintext-after-starttls story, not a login refused for TLS
            return Verdict.NONE;
        }
        boolean saysTls = f.advertised("LOGINDISABLED") || "PRIVACYREQUIRED".equals(code) || mentionsTls(a) || mentionsTls(untagged)
                || invalidState(a);
        if (saysTls) {
            return new Verdict(Cause.TLS_REQUIRED, true);
        }
        // imap4d: XTLSREQUIRED in the capabilities, "NO LOGIN Command disabled" to the login.
        boolean hintsTls = f.advertised("XTLSREQUIRED") || saysDisabled(a) || saysDisabled(untagged);
        if (hintsTls) {
            return new Verdict(Cause.TLS_REQUIRED, false);
        }
        boolean plainNo = a != null && "NO".equals(a.status()) && a.code() == null && untagged == null;
        if (plainNo && f.capabilitiesSeenBeforeTls) {
            // A server that offers STARTTLS may still demand it without LOGINDISABLED: the words do not decide.
            return new Verdict(Cause.CREDENTIALS, !f.advertised("STARTTLS"));
        }
        if (x.s.role().startTls()) {
            return new Verdict(Cause.TLS_REQUIRED, false);
        }
        return Verdict.NONE;
    }

    private void mechanismRefused(RuleContext x, Exchange ex, boolean laterSuccess) {
        StringBuilder offered = new StringBuilder();
        for (String cap : x.f.capabilitiesBeforeTls) {
            if (cap.startsWith("AUTH=")) {
                offered.append(offered.length() == 0 ? "" : " ").append(cap);
            }
        }
        ImapEvent.Command cmd = ex.command();
        x.add(ImapCode.AUTH_MECHANISM_UNSUPPORTED, Severity.ERROR, "The server does not offer the authentication mechanism the client asked for.",
                "The client sent " + Evidence.quote(cmd.display()) + " (" + x.ev.at(cmd.at()) + ") and the server answered "
                        + Evidence.quote(ex.answer().display()) + " (" + x.ev.at(ex.answer().at()) + ")"
                        + (offered.length() > 0 ? "; it had offered " + offered + "." : ".")
                        + (laterSuccess ? " A later login on this connection succeeded." : ""),
                "Configure the client to use a mechanism the server lists in its AUTH= capabilities (or plain LOGIN over TLS).",
                cmd.at().frame(), ex.answer().at().frame()).implies(laterSuccess ? null : Outcome.REFUSED);
    }

    private void serverSideFailure(RuleContext x, Exchange ex, boolean laterSuccess) {
        ImapEvent.Command cmd = ex.command();
        x.add(ImapCode.AUTH_UNAVAILABLE, laterSuccess ? Severity.WARNING : Severity.ERROR, "The server could not check the credentials: a failure on its side.",
                "The client sent " + Evidence.quote(cmd.display()) + " (" + x.ev.at(cmd.at()) + ") and the server answered "
                        + Evidence.quote(ex.answer().display()) + " (" + x.ev.at(ex.answer().at()) + "): its code "
                        + ex.answer().code().split(" ", 2)[0] + " (RFC 5530) says the login failed for a reason of the server's own"
                        + " (its authentication backend is down or overloaded, or a limit was hit), not because of the password or the lack of TLS."
                        + (laterSuccess ? " A later login on this connection succeeded." : ""),
                "Try again later; on the server, read the authentication log (dovecot: auth process, passdb/userdb backend).",
                cmd.at().frame(), ex.answer().at().frame()).implies(laterSuccess ? null : Outcome.REFUSED);
    }

    private void wrongCredentials(RuleContext x, Exchange ex, boolean laterSuccess, boolean certain) {
        var f = x.f;
        ImapEvent.Command cmd = ex.command();
        String why;
        if (certain) {
            why = ex.beforeTls() && !f.advertised("LOGINDISABLED") && !f.advertised("STARTTLS") && f.capabilitiesSeenBeforeTls
                    ? ". The server allows logins on this connection (it offers no STARTTLS and did not advertise LOGINDISABLED): it was the credentials it refused, not the lack of TLS."
                    : ": the credentials were refused.";
        } else {
            why = ". The answer has no code and does not mention TLS, and the server did not advertise LOGINDISABLED, so most likely the credentials were wrong;"
                    + " but the server also offers STARTTLS, and some servers refuse every login before TLS in just these words. Logging in after STARTTLS tells the two apart.";
        }
        x.add(CommonCode.AUTHENTICATION_FAILED, laterSuccess ? Severity.WARNING : Severity.ERROR, "The server rejected the user name or password.",
                "The client sent " + Evidence.quote(cmd.display()) + " (" + x.ev.at(cmd.at()) + ")"
                        + (ex.beforeTls() ? "" : " inside TLS") + " and the server answered "
                        + Evidence.quote(ex.answer().display()) + " (" + x.ev.at(ex.answer().at()) + ")"
                        + why + attemptsRefused(x, ex)
                        + (laterSuccess ? " A later login on this connection succeeded." : ""),
                "Check the user name and password (and whether the account is locked or the mechanism allowed); the server's log says which."
                        + (certain ? "" : " Try the same login after STARTTLS (`openssl s_client -starttls imap -connect " + x.c.server() + " -crlf`)."),
                cmd.at().frame(), ex.credentialsAt().frame(), ex.answer().at().frame())
                .implies(laterSuccess ? null : Outcome.REFUSED)
                .likelyIf(!certain, WANTS_TLS);
    }

    private void tlsRequired(RuleContext x, Exchange ex, ImapEvent.Response untagged, boolean certain) {
        var f = x.f;
        ImapEvent.Command cmd = ex.command();
        ImapEvent.Response ans = ex.answer() != null ? ex.answer() : untagged;
        StringBuilder why = new StringBuilder();
        if (f.advertised("LOGINDISABLED")) {
            why.append("The server had advertised LOGINDISABLED: no login until TLS is on. ");
        } else if (f.advertised("XTLSREQUIRED")) {
            why.append("The server had advertised XTLSREQUIRED (GNU Mailutils: TLS required before login) and STARTTLS, though not LOGINDISABLED. ");
        }
        if (untagged != null && untagged != ans) {
            why.append("The server answered ").append(Evidence.quote(untagged.display())).append(" (").append(x.ev.at(untagged.at())).append(") and ");
        } else {
            why.append("The server answered ");
        }
        why.append(Evidence.quote(ans.display())).append(" (").append(x.ev.at(ans.at())).append(").");
        if (!certain) {
            why.append(" Its words do not say TLS outright, but with STARTTLS offered and no TLS yet, a server that disables login until TLS answers just so;"
                    + " the credentials themselves may also be wrong.");
        }
        x.add(CommonCode.LOGIN_BEFORE_STARTTLS, Severity.ERROR, "The server refused to log in before TLS.",
                "The client sent " + Evidence.quote(cmd.display()) + " in plaintext (" + x.ev.at(cmd.at()) + "). " + why,
                "Send STARTTLS first and log in after the TLS handshake (`openssl s_client -starttls imap -connect "
                        + x.c.server() + " -crlf`), or use implicit TLS on port 993.",
                cmd.at().frame(), ans.at().frame(), untagged != null ? untagged.at().frame() : 0)
                .implies(Outcome.REFUSED)
                .likelyIf(!certain, WRONG_PASSWORD);
    }

    private void cleartext(RuleContext x, Exchange ex) {
        ImapEvent.Command cmd = ex.command();
        String sent = ex.credentialsAt() != cmd.at()
                ? Evidence.quote(cmd.display()) + " (" + x.ev.at(cmd.at()) + ") and then its SASL response, which carries the password in base64 ("
                + x.ev.at(ex.credentialsAt()) + "),"
                : Evidence.quote(cmd.display()) + " (" + x.ev.at(cmd.at()) + ")";
        x.add(CommonCode.CLEARTEXT_CREDENTIALS, Severity.WARNING, "A password crossed the network unencrypted.",
                "The client sent " + sent
                        + " before any TLS, so anyone on the path could read the password"
                        + (ex.ok() ? "; the server accepted it (" + x.ev.at(ex.answer().at()) + ")." : ".")
                        + " mailscope redacts it in its output.",
                "Change that password, use STARTTLS or port 993 before logging in, and make the server refuse plaintext logins (dovecot: disable_plaintext_auth = yes).",
                cmd.at().frame(), ex.credentialsAt().frame());
    }

    /**
     * The server said TLS comes first (LOGINDISABLED), and the client, not set up for STARTTLS, left without trying
     * to log in: the user cannot log in, though nothing was refused on the wire.
     */
    private void gaveUpBeforeTls(RuleContext x) {
        var f = x.f;
        // Without STARTTLS on offer the client had no TLS to start: starttls-not-advertised tells that story.
        boolean tlsFirst = f.advertised("LOGINDISABLED") || f.advertised("XTLSREQUIRED");
        if (!tlsFirst || !f.advertised("STARTTLS") || f.tlsStarted || f.startTlsCommand != null || f.greeting == null
                || !"OK".equals(f.greeting.status())) {
            return;
        }
        At clientEnd = x.closeAt(Direction.CLIENT_TO_SERVER);
        At serverEnd = x.closeAt(Direction.SERVER_TO_CLIENT);
        Exchange logout = f.exchanges("LOGOUT").isEmpty() ? null : f.exchanges("LOGOUT").get(0);
        boolean clientLeft = logout != null || (clientEnd != null && (serverEnd == null || clientEnd.frame() <= serverEnd.frame()));
        if (!clientLeft || !f.byes.isEmpty() && logout == null) {
            return;
        }
        At left = logout != null ? logout.command().at() : clientEnd;
        String word = f.advertised("LOGINDISABLED") ? "LOGINDISABLED" : "XTLSREQUIRED";
        At told = where(x, word);
        x.add(CommonCode.LOGIN_BEFORE_STARTTLS, Severity.ERROR, "The client gave up without logging in: the server requires TLS first, and the client did not start it.",
                "The server announced " + word + " (" + x.ev.at(told) + "): no login until TLS is on. The client never sent STARTTLS and never tried to log in; it "
                        + (logout != null ? "sent " + Evidence.quote(logout.command().display()) : "closed the connection") + " (" + x.ev.at(left) + ")."
                        + " A client not set to use STARTTLS (or SSL/TLS) on this port reads " + word + " and gives up: the user cannot log in, though nothing was refused on the wire.",
                "Set the client's connection security to STARTTLS on port " + x.c.server().port() + " (or SSL/TLS on port 993).",
                told.frame(), left.frame())
                .implies(Outcome.REFUSED)
                .likely(new Alternative("capability-probe", "A client or monitor that only checks the server's capabilities and leaves."),
                        new Alternative("user-cancelled", "The user stopped the client before it logged in."));
    }

    /** Where the server said it (LOGINDISABLED, XTLSREQUIRED): the greeting's capabilities or a CAPABILITY answer. */
    private static At where(RuleContext x, String capability) {
        for (var e : x.f.events) {
            if (e instanceof ImapEvent.Capabilities c && c.capabilities().contains(capability)) {
                return c.at();
            }
        }
        return x.f.greeting.at();
    }

    private static ImapEvent.Response untaggedBadAfter(RuleContext x, At at) {
        for (ImapEvent.Response r : x.f.untaggedBadOrNo) {
            if (r.at().frame() >= at.frame()) {
                return r;
            }
        }
        return null;
    }

    /** " It refused N attempts in all (last: frame F)." when the client tried again with credentials the server refused. */
    private String attemptsRefused(RuleContext x, Exchange first) {
        int n = 0;
        Exchange last = null;
        for (Exchange ex : x.f.exchanges("LOGIN", "AUTHENTICATE")) {
            if (ex.command().at().frame() >= first.command().at().frame() && ex.refused() && !ex.cancelled()) {
                Cause c = verdict(x, ex, null).cause();
                if (c == Cause.CREDENTIALS || c == Cause.TLS_REQUIRED) {
                    n++;
                    last = ex;
                }
            }
        }
        return n > 1 ? " The client tried " + n + " times; the server refused every attempt (the last " + x.ev.at(last.answer().at()) + ")." : "";
    }

    /** A LOGIN or AUTHENTICATE after this one was accepted. */
    private static boolean loggedInAfter(RuleContext x, Exchange earlier) {
        for (Exchange ex : x.f.exchanges("LOGIN", "AUTHENTICATE")) {
            if (ex.command().at().frame() > earlier.command().at().frame() && ex.ok()) {
                return true;
            }
        }
        return false;
    }

    static boolean mentionsTls(ImapEvent.Response r) {
        if (r == null) {
            return false;
        }
        String u = ((r.code() == null ? "" : r.code()) + " " + r.text()).toUpperCase(Locale.ROOT);
        return u.contains("PRIVACYREQUIRED") || u.contains("TLS") || u.contains("SSL") || u.contains("PLAINTEXT")
                || u.contains("ENCRYPT");
    }

    private static boolean invalidState(ImapEvent.Response r) {
        return r != null && r.text().toLowerCase(Locale.ROOT).contains("invalid state");
    }

    /** imap4d's "Command disabled": the command is off here, which before TLS means TLS first. */
    private static boolean saysDisabled(ImapEvent.Response r) {
        return r != null && r.text().toLowerCase(Locale.ROOT).contains("disabled");
    }
}
