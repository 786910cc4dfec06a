package io.mailscope.explain.rules;

import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Severity;
import org.junit.jupiter.api.Test;

import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-typed mistakes: commands without a tag, bare LF, reused tags. */
class ImapHygieneRuleTest {

    @Test
    void anUntaggedCommandIsNamedWithHowOftenItHappened() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .client("LOGIN alice secret").server("LOGIN BAD Error in IMAP command received by server.")
                .client("CAPABILITY").server("CAPABILITY BAD Error in IMAP command received by server.")
                .close().diagnosis();
        var f = finding(d, "missing-tag");
        assertEquals(Severity.WARNING, f.severity());
        assertTrue(f.explanation().contains("(2 times)"), f.explanation());
    }

    @Test
    void aBareLfIsNamed() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .clientBytes("a1 NOOP\n").server("a1 OK NOOP completed.").close().diagnosis();
        finding(d, "bare-lf");
    }

    @Test
    void aReusedTagIsOnlyInformation() {
        Diagnosis d = Conversation.to(143).greeting("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready")
                .client(". NOOP").server(". OK done").client(". NOOP").server(". OK done").close().diagnosis();
        assertEquals(Severity.INFO, finding(d, "tag-reused").severity());
    }
}
