package io.mailscope.dissect.imap;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.imap.ImapEvent.Command;
import io.mailscope.dissect.imap.ImapEvent.Literal;
import io.mailscope.dissect.imap.ImapEvent.Problem;
import io.mailscope.dissect.imap.ImapEvent.Response;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.mailscope.dissect.imap.Conversation.C;
import static io.mailscope.dissect.imap.Conversation.S;
import static io.mailscope.dissect.imap.Conversation.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines, literals, bounds, gaps and the end of the stream. */
class ImapFramingTest {
    private static final String GREETING = "* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n";

    @Test
    void synchronizingLiteralFromClientIsSkippedAndCommandCompletesAfterIt() {
        String message = "From: a@b\r\nSubject: x\r\n\r\na1 LOGOUT\r\n* BYE fake\r\n";
        var run = new Conversation().server(GREETING)
                .client("a1 APPEND INBOX (\\Seen) {" + message.length() + "}\r\n")
                .server("+ OK\r\n")
                .client(message + "\r\n")
                .server("a1 OK [APPENDUID 1 2] Append completed.\r\n")
                .runAllWays();
        assertEquals(List.of("a1 APPEND INBOX (\\Seen) {" + message.length() + "}"),
                map(run.all(Command.class), Command::display), "the LOGOUT inside the literal is no command");
        Literal l = run.all(Literal.class).get(0);
        assertEquals(message.length(), l.size());
        assertFalse(l.nonSynchronizing());
        assertEquals(C, l.at().direction());
        assertEquals(List.of(), run.problems());
    }

    @Test
    void refusedSynchronizingLiteralIsNotWaitedFor() {
        var run = new Conversation().server(GREETING)
                .client("a1 APPEND INBOX {4294967296}\r\n")
                .server("a1 NO [TOOBIG] Mail size is larger than the maximum size allowed\r\n")
                .client("a2 NOOP\r\n")
                .runAllWays();
        List<Command> cs = run.all(Command.class);
        assertEquals(List.of("a1 APPEND INBOX {4294967296}", "a2 NOOP"), map(cs, Command::display));
        assertEquals(1, cs.get(0).at().frame(), "reported where the client sent it");
        assertEquals(List.of("literal-too-large"), run.problems());
    }

    @Test
    void refusalOfAnotherTagDoesNotEndTheLiteral() {
        var run = new Conversation().server(GREETING)
                .client("a1 APPEND INBOX {9}\r\n")
                .server("a0 NO something else\r\n+ go on\r\n")
                .client("a2 NOOP\r\r\n")
                .runAllWays();
        assertEquals(List.of("a1 APPEND INBOX {9}"), map(run.all(Command.class), Command::display));
    }

    @Test
    void nonSynchronizingLiteralsInOneCommand() {
        var run = new Conversation().server(GREETING)
                .client("a1 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\na2 NOOP\r\n").redact(false).runAllWays();
        assertEquals(List.of("a1 LOGIN {5+} {6+}", "a2 NOOP"), map(run.all(Command.class), Command::display));
        assertEquals(List.of(true, true), run.all(Literal.class).stream().map(Literal::nonSynchronizing).toList());
    }

    @Test
    void literalUserAndPasswordRedacted() {
        var run = new Conversation().server(GREETING).client("a1 LOGIN {5+}\r\nalice {6+}\r\nsecret\r\n")
                .runAllWays();
        assertEquals("a1 LOGIN {5+} ***", run.all(Command.class).get(0).display());
    }

    @Test
    void serverFetchLiteralIsSkippedWithoutBuffering() {
        String body = "* BYE not really\r\na1 OK not really\r\n" + "x".repeat(20000);
        var run = new Conversation().server(GREETING)
                .client("a1 FETCH 1 (BODY[])\r\n")
                .server("* 1 FETCH (BODY[] {" + body.length() + "}\r\n" + body + " FLAGS (\\Seen))\r\n")
                .server("a1 OK Fetch completed.\r\n")
                .runAllWays();
        List<Response> rs = run.all(Response.class);
        assertEquals(List.of("OK", "FETCH", "OK"), map(rs, Response::status));
        assertEquals("* 1 FETCH (BODY[] {" + body.length() + "} FLAGS (\\Seen))", rs.get(1).display());
        assertEquals(body.length(), run.all(Literal.class).get(0).size());
        assertEquals(S, run.all(Literal.class).get(0).at().direction());
        assertEquals(List.of(), run.problems(), "a 20 KB literal does not count against the line bound");
    }

    @Test
    void binaryLiteral8IsSkippedToo() {
        var run = new Conversation().server(GREETING)
                .server("* 1 FETCH (BINARY[] ~{4}\r\n\0\r\n\0)\r\n").runAllWays();
        assertEquals(4, run.all(Literal.class).get(0).size());
        assertEquals(2, run.all(Response.class).size());
    }

    @Test
    void fourGigabyteLiteralIsCountedNotAllocated() {
        List<Event> events = new ArrayList<>();
        ImapAnalyzer a = new ImapAnalyzer(events::add, true);
        At at = new At(C, 1, 0);
        feed(a, C, "a1 APPEND INBOX {4294967296}\r\n", at);
        byte[] block = new byte[1 << 20];
        long fed = 0;
        long claim = 4294967296L;
        // feed a few MiB, then tell the analyzer the rest went missing
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 8; i++) {
            fed += a.onData(C, block, 0, block.length, at);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 64 * 1024, "skipping 8 MiB of literal allocated " + allocated + " bytes");
        a.onGap(C, claim - fed, at);
        feed(a, C, "\r\na2 NOOP\r\n", at); // the CRLF ends the APPEND command
        List<String> codes = events.stream().filter(Problem.class::isInstance).map(e -> ((Problem) e).code()).toList();
        assertEquals(List.of("literal-too-large", "gap"), codes);
        assertEquals(claim, events.stream().filter(Literal.class::isInstance).map(e -> ((Literal) e).size())
                .findFirst().orElseThrow());
        List<String> names = events.stream().filter(Command.class::isInstance).map(e -> ((Command) e).name()).toList();
        assertEquals(List.of("APPEND", "NOOP"), names, "the gap ended exactly at the literal's end");
    }

    @Test
    void absurdLiteralLengthSaturatesInsteadOfOverflowing() {
        var run = new Conversation().server(GREETING).client("a1 APPEND INBOX {99999999999999999999999}\r\nabc")
                .runAllWays();
        assertEquals(Long.MAX_VALUE, run.all(Literal.class).get(0).size());
        assertEquals(List.of("literal-too-large"), run.problems());
    }

    @Test
    void overlongLineIsFlaggedOnceAndSkippedToItsEnd() {
        String longLine = "a1 SEARCH " + "X".repeat(20000) + "\r\n";
        var run = new Conversation().server(GREETING).client(longLine).client("a2 NOOP\r\n").runAllWays();
        assertEquals(List.of("overlong-line"), run.problems());
        List<Command> cs = run.all(Command.class);
        assertEquals(List.of("SEARCH", "NOOP"), map(cs, Command::name));
        assertTrue(cs.get(0).display().length() <= ImapText.MAX_DISPLAY);
    }

    @Test
    void overlongLineEndingInLiteralStillSkipsTheLiteral() {
        String longLine = "* 1 FETCH (X-LONG \"" + "y".repeat(9000) + "\" BODY[] {10}\r\n";
        var run = new Conversation().server(GREETING).server(longLine + "a9 OK fake)\r\n").server("* 2 EXISTS\r\n")
                .runAllWays();
        assertEquals(List.of("overlong-line"), run.problems());
        assertEquals(List.of("OK", "FETCH", "EXISTS"), map(run.all(Response.class), Response::status));
    }

    @Test
    void lineBoundIsAppliedAtExactlyMaxLine() {
        var fits = new Conversation().maxLine(32).server("* OK " + "a".repeat(27) + "\r\n").runAllWays();
        assertEquals(List.of(), fits.problems());
        var over = new Conversation().maxLine(32).server("* OK " + "a".repeat(28) + "\r\n").runAllWays();
        assertEquals(List.of("overlong-line"), over.problems());
    }

    @Test
    void gapInsideLiteralIsSubtractedAndParsingGoesOn() {
        var run = new Conversation().server(GREETING)
                .server("* 1 FETCH (BODY[] {100}\r\n" + "z".repeat(30))
                .gap(S, 50)
                .server("z".repeat(20) + ")\r\n* 2 EXISTS\r\n")
                .runAllWays();
        assertEquals(List.of("gap"), run.problems());
        assertEquals(List.of("OK", "FETCH", "EXISTS"), map(run.all(Response.class), Response::status));
    }

    @Test
    void gapInsideLineAbandonsItAndResynchronisesAtTheNextLine() {
        var run = new Conversation().server(GREETING)
                .client("a1 LOG").gap(C, 10).client("ret\r\na2 NOOP\r\n")
                .runAllWays();
        assertEquals(List.of("gap"), run.problems());
        assertEquals(List.of("a2 NOOP"), map(run.all(Command.class), Command::display));
    }

    @Test
    void gapLargerThanTheLiteralAbandonsTheLine() {
        var run = new Conversation().server(GREETING)
                .server("* 1 FETCH (BODY[] {10}\r\nabc").gap(S, 30).server("tail of something)\r\n* 2 EXISTS\r\n")
                .runAllWays();
        assertEquals(List.of("gap"), run.problems());
        assertEquals(List.of("OK", "EXISTS"), map(run.all(Response.class), Response::status));
    }

    @Test
    void unterminatedLastLineIsParsedMarkedAndReported() {
        var run = new Conversation().server(GREETING).client("a1 LOGIN alice sec").end(C).runAllWays();
        Command c = run.all(Command.class).get(0);
        assertEquals("a1 LOGIN alice *** [unterminated]", c.display());
        assertEquals(List.of("unterminated-line"), run.problems());
    }

    @Test
    void unterminatedStartTlsOkDoesNotSwitch() {
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\n").server("a1 OK go").end(S)
                .runAllWays();
        assertTrue(run.all(ImapEvent.StartTlsAccepted.class).isEmpty());
        assertEquals(List.of("unterminated-line"), run.problems());
    }

    @Test
    void endInsideLiteralIsReported() {
        var run = new Conversation().server(GREETING).server("* 1 FETCH (BODY[] {100}\r\nabc").end(S).runAllWays();
        Problem p = run.all(Problem.class).get(0);
        assertEquals("unterminated-line", p.code());
        assertTrue(p.detail().contains("97 bytes"), p.detail());
    }

    @Test
    void endInsideLiteralStillReportsTheLineThatAnnouncedIt() {
        var run = new Conversation().server(GREETING).client("a1 APPEND INBOX {4294967296}\r\n").server("+ go\r\n")
                .client("0123456789").end(C).runAllWays();
        Command c = run.all(Command.class).get(0);
        assertEquals("a1 APPEND INBOX {4294967296} [unterminated]", c.display());
        assertEquals("APPEND", c.name());
        assertTrue(run.problems().contains("unterminated-line"), run.problems().toString());
    }

    @Test
    void cleanEndReportsNothing() {
        var run = new Conversation().server(GREETING).end(S).end(C).runAllWays();
        assertEquals(List.of(), run.problems());
    }

    @Test
    void crInsideLineIsKeptAndEscaped() {
        var run = new Conversation().server(GREETING).client("a1 NOOP\rX\r\n").runAllWays();
        assertEquals("a1 NOOP\\x0DX", run.all(Command.class).get(0).display());
    }

    @Test
    void manyLinesInOneChunk() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 500; i++) b.append("* ").append(i).append(" EXISTS\r\n");
        var run = new Conversation().server(GREETING).server(b.toString()).run(Conversation.WHOLE);
        assertEquals(501, run.all(Response.class).size());
    }

    private static void feed(ImapAnalyzer a, io.mailscope.tcp.Direction d, String s, At at) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        assertEquals(b.length, a.onData(d, b, 0, b.length, at));
    }
}
