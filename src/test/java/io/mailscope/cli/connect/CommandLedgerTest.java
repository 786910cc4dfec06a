package io.mailscope.cli.connect;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands sent and what the server's lines made of them. */
class CommandLedgerTest {
    @Test
    void taggedAnswersSettleTheirCommands() {
        CommandLedger l = new CommandLedger();
        assertEquals(CommandLedger.Meaning.GREETING, l.read("* OK ready"));
        l.sent("a1", "LOGIN");
        l.sent("a2", "SELECT");
        assertEquals(CommandLedger.Meaning.ANSWER, l.read("a1 NO [AUTHENTICATIONFAILED] Authentication failed."));
        assertEquals(CommandLedger.Meaning.UNTAGGED, l.read("* 3 EXISTS"));
        assertEquals(CommandLedger.Meaning.ANSWER, l.read("a2 OK done"));
        assertEquals(CommandLedger.Meaning.OTHER, l.read("a9 OK not ours"));
        assertEquals(1, l.ok());
        assertEquals(1, l.refused());
        assertEquals(0, l.unanswered());
    }

    @Test
    void byeIsUnexpectedUnlessTheClientLoggedOut() {
        CommandLedger asked = new CommandLedger();
        asked.read("* OK ready");
        asked.sent("a1", "LOGOUT");
        asked.read("* BYE Logging out");
        assertFalse(asked.unexpectedBye());

        CommandLedger dropped = new CommandLedger();
        dropped.read("* OK ready");
        dropped.read("* BYE Disconnected for inactivity.");
        assertTrue(dropped.unexpectedBye());

        CommandLedger refused = new CommandLedger();
        refused.read("* BYE Too many connections");
        assertTrue(refused.unexpectedBye(), "a BYE greeting refuses the connection");
    }

    @Test
    void aContinuationToAuthenticateIsAnsweredOnce() {
        CommandLedger l = new CommandLedger();
        l.sent("a1", "AUTHENTICATE");
        assertNull(l.continuationFor());
        assertEquals(CommandLedger.Meaning.CONTINUATION, l.read("+ "));
        assertEquals("AUTHENTICATE", l.continuationFor());
        assertTrue(l.takeContinuation());
        assertNull(l.continuationFor());
    }

    @Test
    void theAnswerToStarttlsIsKept() {
        CommandLedger l = new CommandLedger();
        l.sent("a1", "STARTTLS");
        assertNull(l.startTlsStatus());
        l.read("a1 OK Begin TLS negotiation now.");
        assertEquals("OK", l.startTlsStatus());
    }

    @Test
    void aSilentCommandIsPointedOutOnce() {
        CommandLedger l = new CommandLedger();
        l.sent("a1", "SELECT");
        assertEquals(List.of("a1 SELECT"), l.silentFor(0));
        assertEquals(List.of(), l.silentFor(0));
    }
}
