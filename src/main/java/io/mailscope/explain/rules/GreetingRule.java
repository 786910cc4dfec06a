package io.mailscope.explain.rules;

import io.mailscope.explain.Evidence;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.Severity;

/**
 * What the greeting says beyond "hello": a POP3 or SMTP server that refuses the session in its first words, and
 * Exchange's base64 host name that looks like encryption. (IMAP's BYE greeting is {@link EndingRule}'s.)
 */
final class GreetingRule implements Rule {

    private static void refused(RuleContext x) {
        var g = x.f.mailGreeting;
        if (g == null || !g.refusal()) {
            return;
        }
        x.add(io.mailscope.explain.CommonCode.GREETING_REFUSED, Severity.ERROR, "The server refused the session in its greeting.",
                "The server's first words were " + Evidence.quote(g.display()) + " (" + x.ev.at(g.at())
                        + "): it will not serve this client (too many connections, the client's address refused, or the service unavailable).",
                "Read the reason in the greeting; check the server's connection limits, access rules and logs.",
                g.at().frame()).implies(io.mailscope.explain.Outcome.REFUSED);
    }

    @Override
    public void apply(RuleContext x) {
        refused(x);
        var g = x.f.greeting;
        if (g == null) {
            return;
        }
        var host = EncodedHostname.decode(g.display()); // no lambda for ifPresent: one object per session for nothing
        if (host.isEmpty()) {
            return;
        }
        x.add(ImapCode.GREETING_ENCODED_HOSTNAME, Severity.INFO,
                "The bracketed blob in the greeting is the server's host name, not encryption.",
                "The greeting " + Evidence.quote(g.display()) + " (" + x.ev.at(g.at())
                        + ") ends in base64 that decodes (UTF-16LE) to " + Evidence.quote(host.get())
                        + ": Microsoft Exchange and Outlook.com put the serving host's name there. The greeting is plain text; nothing is encrypted.",
                "Nothing to fix: carry on with STARTTLS and LOGIN as usual.", g.at().frame());
    }
}
