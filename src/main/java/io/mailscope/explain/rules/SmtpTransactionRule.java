package io.mailscope.explain.rules;

import io.mailscope.explain.Evidence;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.SessionFacts.Turn;
import io.mailscope.explain.Severity;
import io.mailscope.explain.SmtpCode;

import java.util.Locale;

/**
 * SMTP's mail transaction refused: the recipient not relayed for this client (RCPT), the sender rejected (MAIL).
 * A refusal that is about TLS first (530) is {@link TurnLoginRule}'s login-before-starttls.
 */
final class SmtpTransactionRule implements Rule {

    /** A message was accepted (its "." answered 250): a refusal then did not end the session's purpose. Asked only for a finding. */
    private static boolean delivered(RuleContext x) {
        return x.f.turns.stream().anyMatch(t -> ".".equals(t.name()) && t.ok());
    }

    @Override
    public void apply(RuleContext x) {
        boolean relay = false;
        boolean sender = false;
        for (Turn t : x.f.turns) {
            if (!t.refused() || t.answer().display().startsWith("530")) {
                continue;
            }
            String words = t.answer().display().toLowerCase(Locale.ROOT);
            if (!relay && "RCPT".equals(t.name()) && (words.contains("relay") || words.contains(" 5.7.1 "))) {
                relay = true;
                x.add(SmtpCode.SMTP_RELAY_DENIED, Severity.ERROR, "The server refused to relay mail to that recipient.",
                        "The client sent " + Evidence.quote(t.command().display()) + " (" + x.ev.at(t.command().at())
                                + ") and the server answered " + Evidence.quote(t.answer().display()) + " (" + x.ev.at(t.answer().at())
                                + "): it takes mail for other domains only from clients it trusts or that logged in"
                                + (x.f.turns.stream().anyMatch(a -> "AUTH".equals(a.name()) && a.ok()) ? "." : ", and this one did not log in."),
                        "Log in first (AUTH, after STARTTLS, on the submission port " + 587 + ": `swaks --to ADDR --server "
                                + x.c.server() + " --tls --auth-user USER`), or send to a domain this server receives mail for.",
                        t.command().at().frame(), t.answer().at().frame())
                        .implies(delivered(x) ? null : Outcome.REFUSED);
            } else if (!sender && "MAIL".equals(t.name()) && t.answer().refusal() && t.answer().display().startsWith("5")) {
                sender = true;
                x.add(SmtpCode.SMTP_SENDER_REJECTED, Severity.ERROR, "The server rejected the sender address.",
                        "The client sent " + Evidence.quote(t.command().display()) + " (" + x.ev.at(t.command().at())
                                + ") and the server answered " + Evidence.quote(t.answer().display()) + " (" + x.ev.at(t.answer().at()) + ").",
                        "Use a sender address the server accepts from this client (its own domain, after logging in); the server's log says which rule refused it.",
                        t.command().at().frame(), t.answer().at().frame())
                        .implies(delivered(x) ? null : Outcome.REFUSED);
            }
        }
    }
}
