package io.mailscope.explain.rules;

import io.mailscope.dissect.At;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.imap.ImapProblem;
import io.mailscope.explain.Evidence;
import io.mailscope.explain.ImapCode;
import io.mailscope.explain.Outcome;
import io.mailscope.explain.SessionFacts;
import io.mailscope.explain.Severity;

/**
 * The client's IMAP itself: commands without a tag, lines ending in a bare LF, reused tags (the hand-typed
 * mistakes), and COMPRESS DEFLATE agreed but not applied.
 */
final class ImapHygieneRule implements Rule {

    @Override
    public void apply(RuleContext x) {
        mistake(x, ImapProblem.MISSING_TAG);
        mistake(x, ImapProblem.BARE_LF);
        mistake(x, ImapProblem.TAG_REUSED);
        compression(x);
    }

    private void mistake(RuleContext x, ImapProblem kind) {
        ImapEvent.Problem first = null;
        int count = 0;
        for (ImapEvent.Problem p : x.f.imapProblems) {
            if (p.kind() == kind && p.at().fromClient()) {
                count++;
                if (first == null) {
                    first = p;
                }
            }
        }
        if (first == null) {
            return;
        }
        String times = count > 1 ? " (" + count + " times)" : "";
        switch (kind) {
            case MISSING_TAG -> x.add(ImapCode.MISSING_TAG, Severity.WARNING, "A command was sent without a tag.",
                    "The client sent a command with no tag" + times + ", first " + x.ev.at(first.at()) + ": " + first.detail()
                            + ". Every IMAP command starts with a tag (e.g. `a1 LOGIN ...`); the server answers BAD.",
                    "Start every command with a tag: `a1 LOGIN user pass`, `a2 SELECT INBOX`.", first.at().frame());
            case BARE_LF -> x.add(ImapCode.BARE_LF, Severity.WARNING, "A line ended in a bare LF instead of CRLF.",
                    "The client ended a line with LF alone" + times + ", first " + x.ev.at(first.at())
                            + ". IMAP requires CRLF; some servers wait for it forever.",
                    "Send CRLF line endings: `openssl s_client -crlf`, `nc -C`, or telnet's default.", first.at().frame());
            default -> x.add(ImapCode.TAG_REUSED, Severity.INFO, "A tag was used again.",
                    "The client reused a tag" + times + ", first " + x.ev.at(first.at()) + ": " + first.detail()
                            + ". Tags should be unique per command so answers can be told apart.",
                    "Use a new tag for each command: a1, a2, a3...", first.at().frame());
        }
    }

    /**
     * After "OK Begin compression" both sides must send DEFLATE data; a side whose bytes do not inflate never
     * switched (a client that announces COMPRESS but forgets it), and the peer can only hang up.
     */
    private void compression(RuleContext x) {
        for (ImapEvent.Problem p : x.f.imapProblems) {
            if (p.kind() != ImapProblem.INFLATE_ERROR) {
                continue;
            }
            String who = p.at().direction().sender();
            ImapEvent.Response begun = null;
            for (SessionFacts.Exchange ex : x.f.exchanges("COMPRESS")) {
                if (ex.ok()) {
                    begun = ex.answer();
                }
            }
            At peerEnd = x.closeAt(p.at().direction().opposite());
            x.add(ImapCode.PLAINTEXT_AFTER_COMPRESS, Severity.ERROR, "The " + who + " did not compress after COMPRESS DEFLATE was agreed.",
                    (begun != null ? "The server agreed to compression with " + Evidence.quote(begun.display()) + " (" + x.ev.at(begun.at()) + "). " : "")
                            + "From then on both sides must send raw DEFLATE data (RFC 4978), but the " + who + "'s next bytes (" + x.ev.at(p.at())
                            + ") do not inflate (" + p.detail() + "): most likely it kept sending uncompressed IMAP"
                            + (peerEnd != null ? ", and the " + p.at().direction().opposite().sender() + " closed the connection (" + x.ev.at(peerEnd) + ")." : "."),
                    p.at().fromClient()
                            ? "Fix or update the client's COMPRESS support, or turn it off in the client; on dovecot, COMPRESS is offered by the imap_zlib plugin."
                            : "Check the server's COMPRESS implementation (or proxy in between); turn COMPRESS off in the client meanwhile.",
                    begun != null ? begun.at().frame() : 0, p.at().frame(), peerEnd != null ? peerEnd.frame() : 0)
                    .implies(Outcome.DROPPED);
            return;
        }
    }
}
