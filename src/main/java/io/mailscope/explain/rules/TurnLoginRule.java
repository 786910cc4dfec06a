package io.mailscope.explain.rules;

import io.mailscope.explain.Alternative;
import io.mailscope.explain.CommonCode;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.SessionFacts.Turn;
import io.mailscope.explain.Severity;

import java.util.Locale;
import java.util.Set;

/**
 * Logins of the protocols that answer in order ({@link io.mailscope.explain.SessionFacts#turns}): POP3's USER/PASS,
 * APOP and AUTH, SMTP's AUTH. A password in the clear; a login refused before TLS because TLS comes first
 * (login-before-starttls, in every protocol); a login refused for its credentials. IMAP's, with its tags and
 * RFC 5530 codes, are {@link LoginRule}'s.
 */
final class TurnLoginRule implements Rule {
    private static final Set<String> LOGIN = Set.of("USER", "PASS", "APOP", "AUTH");
    private static final Alternative WRONG_PASSWORD = new Alternative("authentication-failed",
            "The credentials were wrong, and the server's words only happen to look like a demand for TLS.");
    private static final Alternative WANTS_TLS = new Alternative("login-before-starttls",
            "The server refuses every login before TLS, in words that do not say so.");

    @Override
    public void apply(RuleContext x) {
        Turn firstCleartext = null;
        Turn firstRefused = null;
        int refusals = 0;
        for (Turn t : x.f.turns) {
            if (t.credentialsAt() != null && t.beforeTls() && firstCleartext == null) {
                firstCleartext = t;
            }
            // SMTP: a 530 to any command before TLS ("530 5.7.0 Must issue a STARTTLS command first", RFC 3207)
            boolean mustStartTls = t.refused() && t.beforeTls() && t.answer().display().startsWith("530");
            if ((LOGIN.contains(t.name()) && t.refused()) || mustStartTls) {
                refusals++;
                if (firstRefused == null) {
                    firstRefused = t;
                }
            }
        }
        if (firstCleartext != null) {
            cleartext(x, firstCleartext);
        }
        if (firstRefused != null) {
            refused(x, firstRefused, refusals);
        }
    }

    private static void cleartext(RuleContext x, Turn t) {
        ProtocolWords w = x.words();
        String sent = t.credentialsAt() != t.command().at()
                ? Evidence.quote(t.command().display()) + " (" + x.ev.at(t.command().at()) + ") and then its SASL response, which carries the password in base64 ("
                + x.ev.at(t.credentialsAt()) + "),"
                : Evidence.quote(t.command().display()) + " (" + x.ev.at(t.command().at()) + ")";
        x.add(CommonCode.CLEARTEXT_CREDENTIALS, Severity.WARNING, "A password crossed the network unencrypted.",
                "The client sent " + sent + " before any TLS, so anyone on the path could read the password"
                        + (t.ok() ? "; the server accepted it (" + x.ev.at(t.answer().at()) + ")." : ".")
                        + " mailscope redacts it in its output.",
                "Change that password, use " + w.upgrade() + " or port " + w.tlsPort() + " before logging in, and make the server refuse plaintext logins ("
                        + w.plaintextLoginSetting() + ").",
                t.command().at().frame(), t.credentialsAt().frame());
    }

    private static void refused(RuleContext x, Turn t, int refusals) {
        ProtocolWords w = x.words();
        boolean later = loggedInAfter(x, t);
        String tries = refusals > 1 ? " The server refused " + refusals + " login commands on this connection." : "";
        String asked = "The client sent " + Evidence.quote(t.command().display()) + (t.beforeTls() ? " in plaintext (" : " inside TLS (")
                + x.ev.at(t.command().at()) + ") and the server answered " + Evidence.quote(t.answer().display()) + " ("
                + x.ev.at(t.answer().at()) + ")";
        if (t.beforeTls() && saysTls(t)) {
            x.add(CommonCode.LOGIN_BEFORE_STARTTLS, Severity.ERROR, "The server refused to log in before TLS.",
                    asked + ": it accepts logins only after " + w.upgrade() + " (or on its implicit TLS port)." + tries
                            + (later ? " A later login on this connection succeeded." : ""),
                    "Send " + w.upgrade() + " first and log in after the TLS handshake (" + w.sClientStartTls(x.c.server())
                            + "), or use implicit TLS on port " + w.tlsPort() + ".",
                    t.command().at().frame(), t.answer().at().frame())
                    .implies(later ? null : Outcome.REFUSED);
            return;
        }
        boolean unsure = t.beforeTls() && x.f.upgradeAdvertised();
        x.add(CommonCode.AUTHENTICATION_FAILED, later ? Severity.WARNING : Severity.ERROR, "The server rejected the user name or password.",
                asked + (unsure
                        ? ". The answer does not mention TLS, so most likely the credentials were wrong; but the server also offers "
                        + w.upgrade() + ", and some servers refuse every login before TLS in just these words."
                        : ": the credentials were refused.") + tries + (later ? " A later login on this connection succeeded." : ""),
                "Check the user name and password (and whether the account is locked or the mechanism allowed); the server's log says which."
                        + (unsure ? " Try the same login after " + w.upgrade() + " (" + w.sClientStartTls(x.c.server()) + ")." : ""),
                t.command().at().frame(), t.credentialsAt() != null ? t.credentialsAt().frame() : 0, t.answer().at().frame())
                .implies(later ? null : Outcome.REFUSED)
                .likelyIf(unsure, WANTS_TLS);
    }

    /**
     * The refusal says TLS comes first: POP3's "-ERR [AUTH] Plaintext authentication disallowed on non-secure
     * (SSL/TLS) connections" (dovecot), SMTP's "530 5.7.0 Must issue a STARTTLS command first" (RFC 3207).
     */
    private static boolean saysTls(Turn t) {
        String u = t.answer().display().toUpperCase(Locale.ROOT);
        return u.startsWith("530") || u.contains("STARTTLS") || u.contains("TLS") || u.contains("SSL") || u.contains("PLAINTEXT")
                || u.contains("ENCRYPT") || u.contains("SECURE");
    }

    private static boolean loggedInAfter(RuleContext x, Turn earlier) {
        boolean after = false;
        for (Turn t : x.f.turns) {
            if (t == earlier) {
                after = true;
            } else if (after && t.ok() && Set.of("PASS", "APOP", "AUTH").contains(t.name())) {
                return true;
            }
        }
        return false;
    }
}
