package io.mailscope.dissect.imap;

import io.mailscope.dissect.imap.ImapEvent.AuthenticateData;
import io.mailscope.dissect.imap.ImapEvent.Capabilities;
import io.mailscope.dissect.imap.ImapEvent.Command;
import io.mailscope.dissect.imap.ImapEvent.CompressionStarted;
import io.mailscope.dissect.imap.ImapEvent.Done;
import io.mailscope.dissect.imap.ImapEvent.Literal;
import io.mailscope.dissect.imap.ImapEvent.Problem;
import io.mailscope.dissect.imap.ImapEvent.Response;
import io.mailscope.dissect.imap.ImapEvent.StartTlsAccepted;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.mailscope.dissect.imap.Conversation.C;
import static io.mailscope.dissect.imap.Conversation.S;
import static io.mailscope.dissect.imap.Conversation.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transcripts recorded from a real Dovecot (see src/test/resources/imap/real/README.md). */
class ImapRealTrafficTest {

    record Chunk(io.mailscope.tcp.Direction direction, byte[] bytes) {}

    static List<Chunk> chunks(String name) {
        try (InputStream in = ImapRealTrafficTest.class.getResourceAsStream("/imap/real/" + name + ".imapchunks")) {
            assertNotNull(in, name);
            byte[] all = in.readAllBytes();
            List<Chunk> chunks = new ArrayList<>();
            int i = 0;
            while (i < all.length) {
                int nl = i;
                while (all[nl] != '\n') nl++;
                String[] header = new String(all, i, nl - i, StandardCharsets.US_ASCII).split(" ");
                int n = Integer.parseInt(header[1]);
                chunks.add(new Chunk(header[0].equals("C") ? C : S, Arrays.copyOfRange(all, nl + 1, nl + 1 + n)));
                i = nl + 1 + n + 1;
            }
            return chunks;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Conversation conversation(String name) {
        Conversation c = new Conversation();
        for (Chunk chunk : chunks(name)) {
            if (chunk.bytes().length == 0) {
                c.end(chunk.direction());
            } else {
                c.add(chunk.direction(), chunk.bytes());
            }
        }
        return c;
    }

    @Test
    void dovecotRefusesPlaintextLoginWithAlertAndPrivacyRequired() {
        var run = conversation("dovecot-logindisabled").runAllWays();
        List<Response> rs = run.all(Response.class);
        assertTrue(rs.get(0).greeting());
        assertTrue(ImapEvent.has(run.all(Capabilities.class).get(0).capabilities(), "LOGINDISABLED"));
        Response alert = rs.stream().filter(r -> "ALERT".equals(r.code())).findFirst().orElseThrow();
        assertEquals("BAD", alert.status());
        Response no = rs.stream().filter(r -> "PRIVACYREQUIRED".equals(r.code())).findFirst().orElseThrow();
        assertEquals(Response.Kind.TAGGED, no.kind());
        Command login = run.all(Command.class).get(2);
        assertEquals(login.tag(), no.tag());
        assertEquals(login.tag() + " LOGIN alice ***", login.display());
        assertTrue(login.credentials());
        assertEquals("BYE", rs.get(rs.size() - 2).status());
        assertEquals(List.of(), run.problems());
        assertFalse(Conversation.render(run.events()).contains("secret"));
    }

    @Test
    void dovecotStartTlsHandsTheRestToTls() {
        var run = conversation("dovecot-starttls").runAllWays();
        StartTlsAccepted ok = run.all(StartTlsAccepted.class).get(0);
        assertEquals("Begin TLS negotiation now.", ok.text());
        assertTrue(run.analyzer().tlsPending(C));
        assertTrue(run.analyzer().tlsPending(S));
        assertEquals(0x16, run.clientLeft()[0], "the client's next bytes are a TLS handshake record");
        assertEquals(0x16, run.serverLeft()[0], "the server's next bytes are a TLS handshake record");
        List<Chunk> chunks = chunks("dovecot-starttls");
        long tlsBytes = chunks.stream().skip(chunks.indexOf(chunks.stream()
                        .filter(c -> new String(c.bytes(), StandardCharsets.ISO_8859_1).contains("OK Begin TLS"))
                        .findFirst().orElseThrow()) + 1)
                .mapToLong(c -> c.bytes().length).sum();
        assertEquals(tlsBytes, run.clientLeft().length + run.serverLeft().length);
        assertEquals(List.of(), run.problems(), "the TLS bytes were never parsed as IMAP");
        assertTrue(run.analyzer().capabilities().isEmpty());
    }

    @Test
    void dovecotSessionWithLiteralsInBothDirections() {
        var run = conversation("dovecot-session").runAllWays();
        assertEquals(List.of("CAPABILITY", "LOGIN", "SELECT", "APPEND", "FETCH", "ID", "LOGOUT"),
                map(run.all(Command.class), Command::name), "a9 LOGOUT inside the APPEND literal is no command");
        Command login = run.all(Command.class).get(1);
        assertEquals(login.tag() + " LOGIN alice ***", login.display());
        assertEquals(List.of(61L, 61L), run.all(Literal.class).stream().map(Literal::size).toList());
        assertEquals(List.of(C, S), run.all(Literal.class).stream().map(l -> l.at().direction()).toList());
        assertTrue(map(run.all(Response.class), Response::display).contains("* 1 FETCH (BODY[] {61})"));
        assertTrue(ImapEvent.has(run.analyzer().capabilities(), "COMPRESS=DEFLATE"));
        assertEquals(List.of(), run.problems());
    }

    @Test
    void dovecotLiteralLoginAndLiteralPlusAppend() {
        var run = conversation("dovecot-literals").runAllWays();
        List<Command> cs = run.all(Command.class);
        assertEquals("a1 LOGIN {5} ***", cs.get(0).display());
        assertTrue(cs.get(0).credentials());
        assertEquals("a2 APPEND INBOX {23+}", cs.get(1).display());
        assertEquals(List.of(false, true, true),
                run.all(Literal.class).stream().map(Literal::nonSynchronizing).toList());
        assertEquals(List.of(), run.problems());
    }

    @Test
    void dovecotAuthenticateCancelledThenPlainInTwoSteps() {
        var run = conversation("dovecot-authenticate").runAllWays();
        List<AuthenticateData> data = run.all(AuthenticateData.class);
        assertEquals(2, data.size());
        assertTrue(data.get(0).cancelled());
        assertEquals("***", data.get(1).display());
        assertEquals(List.of("AUTHENTICATE", "AUTHENTICATE", "LOGOUT"), map(run.all(Command.class), Command::name));
        assertEquals(List.of(), run.problems());
        assertFalse(Conversation.render(run.events()).contains("AGFsaWNl"));
    }

    @Test
    void dovecotSaslIrIdleAndCompressedCommands() {
        var run = conversation("dovecot-sasl-ir-idle-compress").runAllWays();
        assertEquals(List.of("a1 AUTHENTICATE PLAIN ***", "a2 SELECT INBOX", "a3 IDLE", "a4 COMPRESS DEFLATE",
                        "a5 NOOP", "a6 FETCH 1:* (FLAGS BODY.PEEK[HEADER])", "a7 LOGOUT"),
                map(run.all(Command.class), Command::display));
        assertEquals(1, run.all(Done.class).size());
        assertEquals(1, run.all(CompressionStarted.class).size());
        List<Response> rs = run.all(Response.class);
        assertTrue(rs.stream().anyMatch(r -> "a7".equals(r.tag()) && r.status().equals("OK")),
                "the tagged OK of LOGOUT inside the server's deflate stream");
        assertTrue(rs.stream().anyMatch(r -> r.status().equals("FETCH")));
        assertEquals(List.of(), run.problems());
    }

    @Test
    void dovecotTypedByHandShowsMissingTagBareLfAndReusedTag() {
        var run = conversation("dovecot-typed-by-hand").runAllWays();
        Command first = run.all(Command.class).get(0);
        assertEquals(null, first.tag());
        assertEquals("LOGIN alice ***", first.display());
        assertEquals(List.of("bare-lf", "missing-tag", "tag-reused", "tag-reused"), run.problems());
        Response bad = run.all(Response.class).get(1);
        assertEquals("LOGIN", bad.tag(), "Dovecot took the command name for a tag");
        assertEquals("BAD", bad.status());
        assertFalse(run.all(Problem.class).stream().anyMatch(p -> p.detail().contains("secret")));
    }

    @Test
    void dovecotStartTlsThenPlaintextClientIsParsedOnceTheCallerSaysSo() {
        Conversation c = new Conversation();
        for (Chunk chunk : chunks("dovecot-starttls-then-plaintext")) {
            if (chunk.bytes().length == 0) {
                c.end(chunk.direction());
                continue;
            }
            c.add(chunk.direction(), chunk.bytes());
            if (chunk.direction() == C && new String(chunk.bytes(), StandardCharsets.US_ASCII).startsWith("a2 ")) {
                c.continuePlaintext(C); // what the detector does when the next client bytes are not TLS
            }
        }
        var run = c.runAllWays();
        assertEquals(1, run.all(StartTlsAccepted.class).size());
        assertEquals(List.of("a1 STARTTLS", "a2 LOGIN alice ***"), map(run.all(Command.class), Command::display));
        assertEquals(List.of(), run.problems(), "the caller reports the plaintext after STARTTLS (SessionEvent), once");
        assertTrue(run.analyzer().tlsPending(S), "the server side still waits for TLS");
    }

    @Test
    void dovecotStartTlsWithPipelinedLoginIsReported() {
        var run = conversation("dovecot-starttls-pipelined").runAllWays();
        assertEquals(List.of("pipelined-after-starttls"), run.problems());
        Problem p = run.all(Problem.class).get(0);
        assertTrue(p.detail().endsWith("a2 LOGIN alice ***"), p.detail());
        assertEquals(1, run.all(StartTlsAccepted.class).size(), "Dovecot still answered OK to the STARTTLS");
    }

    @Test
    void dovecotClientSpeakingFirstStillGetsAGreeting() {
        var run = conversation("dovecot-client-first").runAllWays();
        assertEquals(0, run.all(Command.class).get(0).at().frame(), "the client's command came first");
        assertTrue(run.all(Response.class).get(0).greeting());
        assertEquals(List.of(), run.problems());
    }
}
