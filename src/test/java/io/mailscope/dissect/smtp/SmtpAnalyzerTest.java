package io.mailscope.dissect.smtp;

import io.mailscope.dissect.Script;
import io.mailscope.dissect.smtp.SmtpEvent.Capabilities;
import io.mailscope.dissect.smtp.SmtpEvent.Command;
import io.mailscope.dissect.smtp.SmtpEvent.Problem;
import io.mailscope.dissect.smtp.SmtpEvent.Reply;
import io.mailscope.dissect.smtp.SmtpEvent.SaslResponse;
import io.mailscope.dissect.smtp.SmtpEvent.StartTlsAccepted;
import io.mailscope.dissect.smtp.SmtpEvent.StartTlsRefused;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SMTP both ways (RFC 5321, 3207, 4954, 3030, 3463), fed whole, byte by byte and in random chunks. */
class SmtpAnalyzerTest {
    static final String GREETING = "220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n";
    static final String EHLO_REPLY = "250-mail.example.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n"
            + "250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-CHUNKING\r\n250 SMTPUTF8\r\n";
    private static final byte[] TLS = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};

    private static Script smtp() {
        return new Script(SmtpAnalyzer::new);
    }

    @Test
    void aMultiLineEhloReplyIsOneReplyAndGivesTheKeywords() {
        var run = smtp().server(GREETING).client("EHLO client.example\r\n").server(EHLO_REPLY).runAllWays();
        List<Reply> replies = run.all(Reply.class);
        assertEquals(2, replies.size());
        assertTrue(replies.get(0).greeting());
        assertNull(replies.get(0).answers());
        assertEquals("EHLO", replies.get(1).answers().name());
        assertTrue(replies.get(1).display().startsWith("250-mail.example.test | 250-PIPELINING"));
        assertEquals(Set.of("PIPELINING", "SIZE 10240000", "STARTTLS", "AUTH PLAIN LOGIN", "ENHANCEDSTATUSCODES", "8BITMIME",
                "CHUNKING", "SMTPUTF8"), run.first(Capabilities.class).capabilities());
    }

    @Test
    void theEnhancedStatusCodeIsReadAndA530IsARefusal() {
        var run = smtp().server(GREETING).client("AUTH LOGIN\r\n").server("530 5.7.0 Must issue a STARTTLS command first\r\n").runAllWays();
        Reply r = run.all(Reply.class).get(1);
        assertEquals(530, r.code());
        assertEquals("5.7.0", r.enhanced());
        assertEquals("Must issue a STARTTLS command first", r.text());
        assertTrue(r.refusal());
        assertEquals("AUTH", r.answers().name());
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() {
        var run = smtp().server(GREETING).client("MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
                .server("250 2.1.0 Ok\r\n554 5.7.1 <b@example.org>: Relay access denied\r\n554 5.5.1 Error: no valid recipients\r\n")
                .runAllWays();
        assertEquals(List.of("MAIL", "RCPT", "DATA"), run.all(Reply.class).stream().skip(1).map(r -> r.answers().name()).toList());
    }

    @Test
    void aMessageIsCountedNotStoredAndEndsAtItsLoneDot() {
        var run = smtp().server(GREETING).client("DATA\r\n").server("354 End data with <CR><LF>.<CR><LF>\r\n")
                .client("Subject: secret plans\r\n\r\n..\r\n.. still the body\r\nQUIT\r\n.\r\n").server("250 2.0.0 Ok: queued as 4F\r\n")
                .client("QUIT\r\n").server("221 2.0.0 Bye\r\n").runAllWays();
        List<Command> cmds = run.all(Command.class);
        assertEquals(List.of("DATA", ".", "QUIT"), cmds.stream().map(Command::name).toList());
        assertEquals("[message: 5 lines, 54 bytes]", cmds.get(1).display());
        assertEquals(".", run.all(Reply.class).get(2).answers().name());
        assertFalse(run.events().toString().contains("secret plans"));
    }

    @Test
    void aBdatChunkIsSkippedByCounting() {
        var run = smtp().server(GREETING).client("BDAT 12 LAST\r\nQUIT\r\nRSET\r\nQUIT\r\n").server("250 2.0.0 Ok\r\n221 Bye\r\n").runAllWays();
        assertEquals(List.of("BDAT", "QUIT"), run.all(Command.class).stream().map(Command::name).toList(),
                "the chunk's 12 bytes are data, not commands");
    }

    @Test
    void authCredentialsAreRedacted() {
        var run = smtp().server(GREETING).client("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n").server("535 5.7.8 Error: authentication failed\r\n")
                .client("AUTH LOGIN\r\n").server("334 VXNlcm5hbWU6\r\n").client("YWxpY2U=\r\n").server("334 UGFzc3dvcmQ6\r\n")
                .client("c2VjcmV0\r\n").server("235 2.7.0 Authentication successful\r\n").runAllWays();
        List<Command> cmds = run.all(Command.class);
        assertEquals("AUTH PLAIN ***", cmds.get(0).display());
        assertTrue(cmds.get(0).credentials());
        assertEquals(List.of("***", "***"), run.all(SaslResponse.class).stream().map(SaslResponse::display).toList());
        assertEquals("AUTH", run.all(Reply.class).get(4).answers().name(), "the 235 answers AUTH LOGIN, the 334s do not");
        assertFalse(run.events().toString().contains("AGFsaWNl") || run.events().toString().contains("c2VjcmV0"));
    }

    @Test
    void anAcceptedStartTlsHandsBothDirectionsToTls() {
        byte[] ok = "220 2.0.0 Ready to start TLS\r\n".getBytes();
        byte[] okAndTls = Arrays.copyOf(ok, ok.length + TLS.length);
        System.arraycopy(TLS, 0, okAndTls, ok.length, TLS.length);
        var run = smtp().server(GREETING).client("EHLO x\r\n").server(EHLO_REPLY).client("STARTTLS\r\n").add(S, okAndTls).add(C, TLS).runAllWays();
        assertEquals("220 2.0.0 Ready to start TLS", run.first(StartTlsAccepted.class).words());
        assertArrayEquals(TLS, run.clientLeft());
        assertArrayEquals(TLS, run.serverLeft());
    }

    @Test
    void aRefusedStartTlsStaysInPlaintext() {
        var run = smtp().server(GREETING).client("STARTTLS\r\n").server("454 4.7.0 TLS not available due to local problem\r\n")
                .client("QUIT\r\n").runAllWays();
        assertEquals("454 4.7.0 TLS not available due to local problem", run.first(StartTlsRefused.class).words());
        assertFalse(run.analyzer().upgradePending(C));
    }

    @Test
    void aFourGigabyteMessageIsCountedInBoundedMemory() {
        // 4 GB announced by BDAT, and a long DATA message: both counted, neither stored
        var script = smtp().server(GREETING).client("BDAT 4294967296 LAST\r\n");
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < 64; i++) {
            script.add(C, chunk);
        }
        script.gap(C, 4294967296L - 64L * (1 << 20)).client("QUIT\r\n").server("250 Ok\r\n221 Bye\r\n");
        var run = script.run(n -> new int[] {n});
        assertEquals(List.of("BDAT", "QUIT"), run.all(Command.class).stream().map(Command::name).toList());
        assertTrue(run.all(Problem.class).isEmpty(), "bytes missing inside a chunk are part of it: " + run.all(Problem.class));
    }

    @Test
    void aMegabyteReplyLineAndANeverEndingReplyAreBounded() {
        String mega = "250-" + "x".repeat(1 << 20) + "\r\n";
        var script = smtp().server(GREETING).client("EHLO x\r\n").server(mega);
        for (int i = 0; i < 10_000; i++) {
            script.server("250-KEYWORD" + i + "\r\n");
        }
        var run = script.end(S).run(n -> new int[] {n});
        List<String> kinds = run.all(Problem.class).stream().map(p -> p.kind().code()).toList();
        assertEquals(List.of("overlong-line", "long-reply", "unterminated"), kinds);
    }

    @Test
    void aRefusingGreetingIsARefusal() {
        var run = smtp().server("554 5.7.1 mail.example.test ESMTP not accepting connections\r\n").runAllWays();
        Reply g = run.first(Reply.class);
        assertTrue(g.greeting() && g.refusal());
    }

    @Test
    void hostileBytesNeverThrow() {
        java.util.Random random = new java.util.Random(5321);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[random.nextInt(600)];
            random.nextBytes(junk);
            for (int j = 0; j < junk.length; j++) {
                if (random.nextInt(5) == 0) {
                    junk[j] = (byte) "\r\n.-2503 BDAT".charAt(random.nextInt(13));
                }
            }
            var run = smtp().server(GREETING).client("EHLO x\r\nDATA\r\n").server("250 ok\r\n354 go\r\n")
                    .add(random.nextBoolean() ? S : C, junk).end(C).end(S).run(n -> new int[] {n});
            assertTrue(run.all(io.mailscope.dissect.SessionEvent.InternalError.class).isEmpty());
        }
    }
}
