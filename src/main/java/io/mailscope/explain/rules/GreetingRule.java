package io.mailscope.explain.rules;

import io.mailscope.explain.Evidence;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.Severity;

/** What the greeting says beyond "hello": Exchange's base64 host name that looks like encryption. */
final class GreetingRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        var g = x.f.greeting;
        if (g == null) {
            return;
        }
        EncodedHostname.decode(g.display()).ifPresent(host -> x.add(ImapCode.GREETING_ENCODED_HOSTNAME, Severity.INFO,
                "The bracketed blob in the greeting is the server's host name, not encryption.",
                "The greeting " + Evidence.quote(g.display()) + " (" + x.ev.at(g.at())
                        + ") ends in base64 that decodes (UTF-16LE) to " + Evidence.quote(host)
                        + ": Microsoft Exchange and Outlook.com put the serving host's name there. The greeting is plain text; nothing is encrypted.",
                "Nothing to fix: carry on with STARTTLS and LOGIN as usual.", g.at().frame()));
    }
}
