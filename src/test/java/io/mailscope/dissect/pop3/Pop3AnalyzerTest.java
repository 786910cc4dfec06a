package io.mailscope.dissect.pop3;

import io.mailscope.dissect.Script;
import io.mailscope.dissect.pop3.Pop3Event.Capabilities;
import io.mailscope.dissect.pop3.Pop3Event.Command;
import io.mailscope.dissect.pop3.Pop3Event.MultiLineEnd;
import io.mailscope.dissect.pop3.Pop3Event.Problem;
import io.mailscope.dissect.pop3.Pop3Event.Reply;
import io.mailscope.dissect.pop3.Pop3Event.SaslResponse;
import io.mailscope.dissect.pop3.Pop3Event.StlsAccepted;
import io.mailscope.dissect.pop3.Pop3Event.StlsRefused;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static io.mailscope.dissect.Script.C;
import static io.mailscope.dissect.Script.S;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POP3 both ways (RFC 1939, 2449, 2595, 5034), fed whole, byte by byte and in random chunks. */
class Pop3AnalyzerTest {
    /** dovecot-pop3d's greeting. */
    static final String GREETING = "+OK Dovecot (Debian) ready.\r\n";
    static final String CAPA = "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n";
    private static final byte[] TLS = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};

    private static Script pop3() {
        return new Script(Pop3Analyzer::new);
    }

    @Test
    void theGreetingIsAReplyToNoCommand() {
        var run = pop3().server(GREETING).runAllWays();
        Reply g = run.first(Reply.class);
        assertTrue(g.greeting());
        assertEquals("+OK", g.status());
        assertEquals("Dovecot (Debian) ready.", g.text());
        assertNull(g.answers());
    }

    @Test
    void eachAnswerIsPairedWithTheOldestCommandWaiting() {
        var run = pop3().server(GREETING).client("USER alice\r\nPASS secret\r\n")
                .server("+OK\r\n-ERR [AUTH] Authentication failed.\r\n").runAllWays();
        List<Reply> replies = run.all(Reply.class);
        assertEquals("USER", replies.get(1).answers().name());
        Reply pass = replies.get(2);
        assertEquals("PASS", pass.answers().name());
        assertEquals("-ERR", pass.status());
        assertEquals("AUTH", pass.code(), "the RFC 2449 response code, without brackets");
        assertEquals("Authentication failed.", pass.text());
        assertTrue(pass.refusal());
    }

    @Test
    void passwordsApopDigestsAndSaslDataAreRedacted() {
        var run = pop3().server(GREETING).client("USER alice\r\npass secret\r\n").server("+OK\r\n+OK Logged in.\r\n")
                .client("APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n").server("-ERR no\r\n")
                .client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("-ERR no\r\n")
                .client("AUTH LOGIN\r\n").server("+ VXNlcm5hbWU6\r\n").client("YWxpY2U=\r\n")
                .server("+ UGFzc3dvcmQ6\r\n").client("c2VjcmV0\r\n").server("+OK Logged in.\r\n").runAllWays();
        List<Command> cmds = run.all(Command.class);
        assertEquals("USER alice", cmds.get(0).display(), "the user name is shown");
        assertEquals("pass ***", cmds.get(1).display());
        assertTrue(cmds.get(1).credentials());
        assertEquals("APOP alice ***", cmds.get(2).display());
        assertEquals("AUTH PLAIN ***", cmds.get(3).display());
        assertTrue(cmds.get(3).credentials(), "a SASL initial response carries the password");
        assertEquals("AUTH LOGIN", cmds.get(4).display());
        assertEquals(List.of("***", "***"), run.all(SaslResponse.class).stream().map(SaslResponse::display).toList());
        assertEquals(5, cmds.size(), "SASL lines are not commands");
        assertFalse(run.toString().contains("secret") || run.events().toString().contains("c2VjcmV0"));
    }

    @Test
    void passwordsAreShownWhenAsked() {
        var run = pop3().showPasswords().server(GREETING).client("USER alice\r\nPASS secret\r\n").runAllWays();
        assertEquals("PASS secret", run.all(Command.class).get(1).display());
    }

    @Test
    void capaIsAMultiLineAnswerAndGivesTheCapabilities() {
        var run = pop3().server(GREETING).client("CAPA\r\n").server(CAPA).runAllWays();
        assertEquals(Set.of("CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "USER", "SASL PLAIN LOGIN"),
                run.first(Capabilities.class).capabilities());
        MultiLineEnd end = run.first(MultiLineEnd.class);
        assertEquals("CAPA", end.command());
        assertEquals(9, end.lines());
        assertEquals(2, run.all(Reply.class).size(), "body lines are not replies");
    }

    @Test
    void aMessageBodyIsCountedNotStoredAndDotStuffedLinesDoNotEndIt() {
        var run = pop3().server(GREETING).client("RETR 1\r\nLIST 1\r\nLIST\r\nDELE 1\r\n")
                .server("+OK 40 octets\r\nSubject: hi\r\n\r\n..\r\n.. not the end\r\n-ERR inside a body\r\n.\r\n")
                .server("+OK 1 40\r\n+OK 1 messages\r\n1 40\r\n.\r\n+OK Marked to be deleted.\r\n").runAllWays();
        List<MultiLineEnd> bodies = run.all(MultiLineEnd.class);
        assertEquals(2, bodies.size());
        assertEquals("RETR", bodies.get(0).command());
        assertEquals(5, bodies.get(0).lines());
        assertEquals("LIST", bodies.get(1).command());
        List<Reply> replies = run.all(Reply.class);
        assertEquals(List.of("RETR", "LIST", "LIST", "DELE"), replies.stream().skip(1).map(r -> r.answers().name()).toList(),
                "LIST with an argument is one line, without one a body");
        assertFalse(run.events().toString().contains("Subject"), "message contents never become events");
    }

    @Test
    void anAcceptedStlsHandsBothDirectionsToTls() {
        byte[] ok = "+OK Begin TLS negotiation now.\r\n".getBytes();
        byte[] okAndTls = Arrays.copyOf(ok, ok.length + TLS.length);
        System.arraycopy(TLS, 0, okAndTls, ok.length, TLS.length);
        var run = pop3().server(GREETING).client("STLS\r\n").add(S, okAndTls).add(C, TLS).runAllWays();
        StlsAccepted accepted = run.first(StlsAccepted.class);
        assertEquals("+OK Begin TLS negotiation now.", accepted.words());
        assertTrue(run.analyzer().upgradePending(C));
        assertTrue(run.analyzer().upgradePending(S));
        assertArrayEquals(TLS, run.clientLeft());
        assertArrayEquals(TLS, run.serverLeft(), "what follows the +OK line is TLS's");
    }

    @Test
    void aRefusedStlsStaysInPlaintext() {
        var run = pop3().server(GREETING).client("STLS\r\n").server("-ERR TLS support isn't enabled.\r\n")
                .client("USER alice\r\n").runAllWays();
        assertEquals("-ERR TLS support isn't enabled.", run.first(StlsRefused.class).words());
        assertFalse(run.analyzer().upgradePending(C));
        assertEquals(2, run.all(Command.class).size());
    }

    @Test
    void plaintextAfterTheUpgradeIsParsedAgainWhenTheSessionSaysSo() {
        var run = pop3().server(GREETING).client("STLS\r\n").server("+OK Begin TLS\r\n").client("USER alice\r\n").runAllWays();
        assertArrayEquals("USER alice\r\n".getBytes(), run.clientLeft());
        var a = run.analyzer();
        a.continuePlaintext(C);
        a.onData(C, "USER alice\r\n".getBytes(), 0, 12, new io.mailscope.dissect.At(C, 9, 9));
        assertEquals("USER alice", ((Command) run.events().get(run.events().size() - 1)).display());
    }

    @Test
    void commandsBehindStlsAreReported() {
        var run = pop3().server(GREETING).client("STLS\r\nUSER alice\r\n").server("+OK Begin TLS\r\n").runAllWays();
        assertEquals(Pop3Problem.PIPELINED_AFTER_STLS, run.first(Problem.class).kind());
    }

    @Test
    void aSaslCancelIsNotRedacted() {
        var run = pop3().server(GREETING).client("AUTH LOGIN\r\n").server("+ VXNlcm5hbWU6\r\n").client("*\r\n")
                .server("-ERR [AUTH] Authentication aborted\r\n").runAllWays();
        assertTrue(run.first(SaslResponse.class).cancelled());
        assertEquals("*", run.first(SaslResponse.class).display());
    }

    @Test
    void anOverlongReplyLineIsCutAndReportedOnce() {
        String mega = "+OK " + "x".repeat(1 << 20) + "\r\n";
        var run = pop3().server(mega).run(n -> new int[] {n});
        Reply r = run.first(Reply.class);
        assertTrue(r.display().length() <= 1024, "display bounded: " + r.display().length());
        assertEquals(1, run.all(Problem.class).size());
        assertEquals(Pop3Problem.OVERLONG_LINE, run.first(Problem.class).kind());
    }

    @Test
    void aNeverEndingBodyIsCountedInBoundedMemory() {
        var script = pop3().server(GREETING).client("RETR 1\r\n").server("+OK\r\n");
        byte[] line = ("0123456789".repeat(7) + "\r\n").getBytes();
        byte[] chunk = new byte[line.length * 1000];
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(line, 0, chunk, i * line.length, line.length);
        }
        for (int i = 0; i < 100; i++) {
            script.add(S, chunk);
        }
        var run = script.end(S).run(n -> new int[] {n});
        Problem p = run.first(Problem.class);
        assertEquals(Pop3Problem.UNTERMINATED, p.kind());
        assertTrue(p.detail().contains("after 100000 lines"), p.detail());
        assertEquals(3, run.events().size() - 1, "greeting, command, +OK and the problem: nothing per body line");
    }

    @Test
    void aGapDropsTheLineInProgressAndParsingResumes() {
        var run = pop3().server(GREETING).client("USER al").gap(C, 5).client("ice\r\nQUIT\r\n").runAllWays();
        assertEquals(List.of("QUIT"), run.all(Command.class).stream().map(Command::name).toList());
        assertEquals(Pop3Problem.GAP, run.first(Problem.class).kind());
    }

    @Test
    void aLineCutByTheEndIsShownMarkedAndNotActedOn() {
        var run = pop3().server(GREETING).client("STLS").end(C).runAllWays();
        assertEquals("STLS [unterminated]", run.first(Command.class).display());
        assertEquals(Pop3Problem.UNTERMINATED, run.first(Problem.class).kind());
    }

    @Test
    void aServerLineThatIsNotPop3IsReported() {
        var run = pop3().server("* OK IMAP4rev1 ready\r\n").client("CAPA\r\n").server("hello\r\n").runAllWays();
        assertEquals(Pop3Problem.BAD_SYNTAX, run.all(Problem.class).get(0).kind());
        assertEquals(2, run.all(Problem.class).size());
    }

    @Test
    void hostileBytesNeverThrow() {
        java.util.Random random = new java.util.Random(14);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[random.nextInt(600)];
            random.nextBytes(junk);
            for (int j = 0; j < junk.length; j++) {
                if (random.nextInt(6) == 0) {
                    junk[j] = (byte) "\r\n.+ -OKERRSTLSAUTH".charAt(random.nextInt(19));
                }
            }
            var run = pop3().server(GREETING).client("AUTH LOGIN\r\nCAPA\r\nSTLS\r\n").add(random.nextBoolean() ? S : C, junk)
                    .end(C).end(S).run(n -> new int[] {n});
            assertTrue(run.all(io.mailscope.dissect.SessionEvent.InternalError.class).isEmpty());
        }
    }

    @Test
    void theAnswerOfAPipelinedCommandIsThatCommandsEvent() {
        var run = pop3().server(GREETING).client("CAPA\r\nQUIT\r\n").server(CAPA + "+OK Logging out.\r\n").runAllWays();
        List<Command> cmds = run.all(Command.class);
        assertSame(cmds.get(1), run.all(Reply.class).get(2).answers());
    }
}
