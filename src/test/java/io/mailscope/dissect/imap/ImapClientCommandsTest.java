package io.mailscope.dissect.imap;

import io.mailscope.dissect.imap.ImapEvent.AuthenticateData;
import io.mailscope.dissect.imap.ImapEvent.Command;
import io.mailscope.dissect.imap.ImapEvent.Done;
import io.mailscope.dissect.imap.ImapEvent.Problem;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mailscope.dissect.imap.Conversation.C;
import static io.mailscope.dissect.imap.Conversation.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImapClientCommandsTest {

    private static final String GREETING = "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+"
            + " AUTH=PLAIN] Dovecot (Debian) ready.\r\n";

    @Test
    void commandHasTagUpperCasedNameAndDisplay() {
        var run = new Conversation().server(GREETING).client("a1 capability\r\n").runAllWays();
        Command c = run.all(Command.class).get(0);
        assertEquals("a1", c.tag());
        assertEquals("CAPABILITY", c.name());
        assertEquals("a1 capability", c.display());
        assertFalse(c.credentials());
        assertEquals(C, c.at().direction());
        assertEquals(1, c.at().frame());
        assertEquals(List.of(), run.problems());
    }

    @Test
    void loginPasswordIsHiddenButUserNameKept() {
        var run = new Conversation().server(GREETING).client("a1 LOGIN alice secret\r\n").runAllWays();
        Command c = run.all(Command.class).get(0);
        assertEquals("a1 LOGIN alice ***", c.display());
        assertTrue(c.credentials());
    }

    @Test
    void loginQuotedPasswordWithSpacesIsHidden() {
        var run = new Conversation().server(GREETING).client("a1 LOGIN \"alice\" \"my \\\"big\\\" secret\"\r\n")
                .runAllWays();
        assertEquals("a1 LOGIN \"alice\" ***", run.all(Command.class).get(0).display());
        assertFalse(Conversation.render(run.events()).contains("secret"));
    }

    @Test
    void loginLiteralPasswordIsHiddenAndNeverBuffered() {
        var run = new Conversation().server(GREETING)
                .client("a1 LOGIN alice {6}\r\n")
                .server("+ OK\r\n")
                .client("secret\r\n")
                .server("a1 OK Logged in\r\n")
                .runAllWays();
        Command c = run.all(Command.class).get(0);
        assertEquals("a1 LOGIN alice ***", c.display());
        assertTrue(c.credentials());
        assertEquals(List.of(6L), run.all(ImapEvent.Literal.class).stream().map(ImapEvent.Literal::size).toList());
        assertFalse(Conversation.render(run.events()).contains("secret"));
        assertEquals(3, c.at().frame(), "the command completes with the chunk carrying the literal");
    }

    @Test
    void loginShownInFullWhenNotRedacting() {
        var run = new Conversation().redact(false).server(GREETING).client("a1 LOGIN alice {6+}\r\nsecret\r\n")
                .runAllWays();
        Command c = run.all(Command.class).get(0);
        assertEquals("a1 LOGIN alice {6+}", c.display(), "literal contents are never kept, only announced");
        assertTrue(c.credentials());
    }

    @Test
    void authenticateWithInitialResponseIsHidden() {
        var run = new Conversation().server(GREETING)
                .client("a1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n")
                .server("a1 OK Logged in\r\n")
                .client("a2 SELECT INBOX\r\n")
                .runAllWays();
        List<Command> commands = run.all(Command.class);
        assertEquals("a1 AUTHENTICATE PLAIN ***", commands.get(0).display());
        assertTrue(commands.get(0).credentials());
        assertEquals("a2 SELECT INBOX", commands.get(1).display(), "after the tagged OK lines are commands again");
        assertTrue(run.all(AuthenticateData.class).isEmpty());
    }

    @Test
    void authenticateMultiStepDataIsRedactedUntilTaggedResponse() {
        var run = new Conversation().server(GREETING)
                .client("a1 AUTHENTICATE LOGIN\r\n")
                .server("+ VXNlcm5hbWU6\r\n")
                .client("YWxpY2U=\r\n")
                .server("+ UGFzc3dvcmQ6\r\n")
                .client("c2VjcmV0\r\n")
                .server("a1 OK Logged in\r\n")
                .client("a2 NOOP\r\n")
                .runAllWays();
        Command auth = run.all(Command.class).get(0);
        assertEquals("a1 AUTHENTICATE LOGIN", auth.display());
        assertFalse(auth.credentials());
        List<AuthenticateData> data = run.all(AuthenticateData.class);
        assertEquals(List.of("***", "***"), map(data, AuthenticateData::display));
        assertEquals("NOOP", run.all(Command.class).get(1).name());
    }

    @Test
    void authenticateCancelledWithStar() {
        var run = new Conversation().server(GREETING)
                .client("a1 AUTHENTICATE PLAIN\r\n").server("+ \r\n").client("*\r\n")
                .server("a1 BAD Authentication aborted by client.\r\n")
                .runAllWays();
        AuthenticateData d = run.all(AuthenticateData.class).get(0);
        assertTrue(d.cancelled());
        assertEquals("*", d.display());
    }

    @Test
    void idleEndsWithDone() {
        var run = new Conversation().server(GREETING)
                .client("a3 IDLE\r\n").server("+ idling\r\n").server("* 4 EXISTS\r\n")
                .client("DONE\r\n").server("a3 OK Idle completed.\r\n")
                .runAllWays();
        assertEquals(1, run.all(Done.class).size());
        assertEquals(List.of("IDLE"), map(run.all(Command.class), Command::name));
        assertEquals(List.of(), run.problems(), "DONE inside IDLE is not a missing tag");
    }

    @Test
    void doneOutsideIdleIsAnUntaggedCommand() {
        var run = new Conversation().server(GREETING).client("DONE\r\n").runAllWays();
        assertTrue(run.all(Done.class).isEmpty());
        assertEquals(List.of("missing-tag"), run.problems());
    }

    @Test
    void idAndLogoutAreCommands() {
        var run = new Conversation().server(GREETING)
                .client("a4 ID (\"name\" \"Thunderbird\" \"version\" \"115.0\")\r\n")
                .server("* ID (\"name\" \"Dovecot\")\r\na4 OK ID completed.\r\n")
                .client("a5 LOGOUT\r\n")
                .server("* BYE Logging out\r\na5 OK Logout completed.\r\n")
                .runAllWays();
        assertEquals(List.of("ID", "LOGOUT"), map(run.all(Command.class), Command::name));
        var responses = run.all(ImapEvent.Response.class);
        assertEquals(List.of("OK", "ID", "OK", "BYE", "OK"), map(responses, ImapEvent.Response::status));
        assertFalse(responses.get(3).greeting(), "a BYE that is not the first line is no greeting");
    }

    @Test
    void hostileControlCharactersAreEscapedInDisplay() {
        var run = new Conversation().server(GREETING).client("a1 SELECT \u001b[31mINBOX\r\n").runAllWays();
        assertEquals("a1 SELECT \\x1B[31mINBOX", run.all(Command.class).get(0).display());
    }

    @Test
    void bidiOverrideIsEscapedInDisplay() {
        var run = new Conversation().server(GREETING).client("a1 SELECT \u202eXOBNI\r\n").runAllWays();
        assertEquals("a1 SELECT \\u202EXOBNI", run.all(Command.class).get(0).display());
    }

    @Test
    void loginTypedWithoutTagIsMissingTagAndStillRedacted() {
        var run = new Conversation().server(GREETING).client("LOGIN alice secret\r\n").runAllWays();
        Command c = run.all(Command.class).get(0);
        assertNull(c.tag());
        assertEquals("LOGIN", c.name());
        assertEquals("LOGIN alice ***", c.display());
        Problem p = run.all(Problem.class).get(0);
        assertEquals("missing-tag", p.code());
        assertFalse(p.detail().contains("secret"));
    }

    @Test
    void singleWordLineIsMissingTag() {
        var run = new Conversation().server(GREETING).client("capability\r\n").runAllWays();
        Command c = run.all(Command.class).get(0);
        assertNull(c.tag());
        assertEquals("CAPABILITY", c.name());
        assertEquals(List.of("missing-tag"), run.problems());
    }

    @Test
    void tagThatIsACommandNameFollowedByACommandIsATag() {
        var run = new Conversation().server(GREETING).client("noop NOOP\r\n").runAllWays();
        assertEquals("noop", run.all(Command.class).get(0).tag());
        assertEquals(List.of(), run.problems());
    }

    @Test
    void dotTagTypedByHandIsATag() {
        var run = new Conversation().server(GREETING).client(". LOGIN alice secret\r\n").runAllWays();
        Command c = run.all(Command.class).get(0);
        assertEquals(".", c.tag());
        assertEquals(". LOGIN alice ***", c.display());
    }

    @Test
    void bareLfLinesAreParsedAndReportedOncePerDirection() {
        var run = new Conversation().server("* OK ready\n").client("a1 NOOP\n").client("a2 NOOP\n")
                .server("a1 OK done\r\n").runAllWays();
        assertEquals(List.of("NOOP", "NOOP"), map(run.all(Command.class), Command::name));
        assertEquals(List.of("bare-lf", "bare-lf"), run.problems(), "once for the server, once for the client");
        assertEquals(2, run.analyzer().bareLfCount(C));
    }

    @Test
    void tagReusedWhilePendingSaysSo() {
        var run = new Conversation().server(GREETING).client("a1 NOOP\r\na1 NOOP\r\n").runAllWays();
        Problem p = run.all(Problem.class).get(0);
        assertEquals("tag-reused", p.code());
        assertTrue(p.detail().contains("still pending"), p.detail());
    }

    @Test
    void tagReusedAfterCompletionSaysSo() {
        var run = new Conversation().server(GREETING).client("a1 NOOP\r\n").server("a1 OK NOOP completed.\r\n")
                .client("a1 NOOP\r\n").runAllWays();
        Problem p = run.all(Problem.class).get(0);
        assertEquals("tag-reused", p.code());
        assertTrue(p.detail().contains("had completed"), p.detail());
    }

    @Test
    void emptyClientLineIsBadSyntax() {
        var run = new Conversation().server(GREETING).client("\r\n").runAllWays();
        assertEquals(List.of("bad-syntax"), run.problems());
        assertTrue(run.all(Command.class).isEmpty());
    }
}
