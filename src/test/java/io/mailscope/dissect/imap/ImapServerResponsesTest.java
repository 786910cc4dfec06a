package io.mailscope.dissect.imap;

import io.mailscope.dissect.imap.ImapEvent.Capabilities;
import io.mailscope.dissect.imap.ImapEvent.Response;
import io.mailscope.dissect.imap.ImapEvent.Response.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.mailscope.dissect.imap.Conversation.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server lines, starting with the transcripts of lab-notes.md. */
class ImapServerResponsesTest {

    static final String DOVECOT_LOGINDISABLED = "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE"
            + " LITERAL+ STARTTLS LOGINDISABLED] Dovecot (Debian) ready.\r\n";

    @Test
    void dovecotGreetingWithLoginDisabledIsGreetingWithCapabilities() {
        var run = new Conversation().server(DOVECOT_LOGINDISABLED).runAllWays();
        Response r = run.all(Response.class).get(0);
        assertTrue(r.greeting());
        assertEquals(Kind.UNTAGGED, r.kind());
        assertEquals("OK", r.status());
        assertEquals("CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS LOGINDISABLED",
                r.code());
        assertEquals("Dovecot (Debian) ready.", r.text());
        Capabilities caps = run.all(Capabilities.class).get(0);
        assertTrue(ImapEvent.has(caps.capabilities(), "logindisabled"));
        assertTrue(ImapEvent.has(run.analyzer().capabilities(), "STARTTLS"));
        assertEquals(9, caps.capabilities().size());
    }

    @Test
    void plaintextLoginRefusedByDovecotGivesAlertThenPrivacyRequired() {
        var run = new Conversation().server(DOVECOT_LOGINDISABLED)
                .client(". LOGIN alice secret\r\n")
                .server("* BAD [ALERT] Plaintext authentication not allowed without SSL/TLS, but your client did it"
                        + " anyway. If anyone was listening, the password was exposed.\r\n")
                .client("a2 LOGIN alice secret\r\n")
                .server("a2 NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS)"
                        + " connections.\r\n")
                .runAllWays();
        List<Response> rs = run.all(Response.class);
        Response alert = rs.get(1);
        assertEquals(Kind.UNTAGGED, alert.kind());
        assertEquals("BAD", alert.status());
        assertEquals("ALERT", alert.code());
        assertTrue(alert.text().startsWith("Plaintext authentication not allowed"));
        Response no = rs.get(2);
        assertEquals(Kind.TAGGED, no.kind());
        assertEquals("a2", no.tag());
        assertEquals("NO", no.status());
        assertEquals("PRIVACYREQUIRED", no.code());
        assertFalse(Conversation.render(run.events()).contains("secret"));
    }

    @Test
    void outlookInvalidStateBadIsTaggedWithDotTag() {
        var run = new Conversation().server("* OK The Microsoft Exchange IMAP4 service is ready.\r\n")
                .client(". LOGIN alice secret\r\n")
                .server(". BAD Command received in Invalid state.\r\n").runAllWays();
        Response bad = run.all(Response.class).get(1);
        assertEquals(Kind.TAGGED, bad.kind());
        assertEquals(".", bad.tag());
        assertEquals("BAD", bad.status());
        assertNull(bad.code());
        assertEquals("Command received in Invalid state.", bad.text());
    }

    @Test
    void exchangeGreetingBase64BlobIsTextNotCode() {
        String blob = "[TQBXADIAUABSADEANABDAEEAMAAwADAANgAuAG4AYQBtAHAAcgBkADEANAAuAHAAcgBvAGQALgBvAHUAdABsAG8AbwBrAC4AYwBvAG0A]";
        var run = new Conversation().server("* OK The Microsoft Exchange IMAP4 service is ready. " + blob + "\r\n")
                .runAllWays();
        Response r = run.all(Response.class).get(0);
        assertTrue(r.greeting());
        assertNull(r.code(), "a bracket that does not follow the status is no response code");
        assertTrue(r.text().endsWith(blob));
        assertTrue(run.all(Capabilities.class).isEmpty());
    }

    @Test
    void preauthAndByeGreetingsAreGreetings() {
        assertTrue(new Conversation().server("* PREAUTH [CAPABILITY IMAP4rev1] logged in\r\n").runAllWays()
                .all(Response.class).get(0).greeting());
        assertTrue(new Conversation().server("* BYE Too many connections\r\n").runAllWays()
                .all(Response.class).get(0).greeting());
        assertFalse(new Conversation().server("* 3 EXISTS\r\n").runAllWays().all(Response.class).get(0).greeting());
    }

    @Test
    void preauthGreetingCapabilitiesAreKnown() {
        var run = new Conversation().server("* PREAUTH [CAPABILITY IMAP4rev1 IDLE] logged in as alice\r\n")
                .runAllWays();
        assertEquals(Set.of("IMAP4REV1", "IDLE"), run.analyzer().capabilities());
    }

    @Test
    void numberedUntaggedResponseHasKeywordAsStatus() {
        var run = new Conversation().server("* OK hi\r\n* 3 EXISTS\r\n* 0 RECENT\r\n* FLAGS (\\Seen)\r\n")
                .runAllWays();
        assertEquals(List.of("OK", "EXISTS", "RECENT", "FLAGS"), map(run.all(Response.class), Response::status));
    }

    @Test
    void continuationHasKindAndText() {
        var run = new Conversation().server("* OK hi\r\n+ Ready for literal data\r\n").runAllWays();
        Response r = run.all(Response.class).get(1);
        assertEquals(Kind.CONTINUATION, r.kind());
        assertNull(r.tag());
        assertEquals("Ready for literal data", r.text());
    }

    @Test
    void capabilitiesFollowCapabilityResponseAndTaggedOkCodeOnlyWhenChanged() {
        var run = new Conversation().server("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n")
                .client("a1 CAPABILITY\r\n")
                .server("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na1 OK done\r\n")
                .client("a2 LOGIN alice secret\r\n")
                .server("a2 OK [CAPABILITY IMAP4rev1 IDLE MOVE] Logged in\r\n")
                .runAllWays();
        List<Capabilities> caps = run.all(Capabilities.class);
        assertEquals(2, caps.size(), "the identical CAPABILITY answer is no change");
        assertEquals(List.of("IMAP4REV1", "IDLE", "MOVE"), List.copyOf(caps.get(1).capabilities()));
        assertEquals(Set.of("IMAP4REV1", "IDLE", "MOVE"), run.analyzer().capabilities());
    }

    @Test
    void tagggedResponseWithUnknownStatusIsBadSyntax() {
        var run = new Conversation().server("* OK hi\r\nHTTP/1.1 400 Bad Request\r\n").runAllWays();
        assertEquals(List.of("bad-syntax"), run.problems());
    }

    @Test
    void longDisplayIsBounded() {
        String big = "* SEARCH" + " 12345".repeat(1000) + "\r\n";
        var run = new Conversation().server("* OK hi\r\n").server(big).runAllWays();
        Response r = run.all(Response.class).get(1);
        assertEquals("SEARCH", r.status());
        assertTrue(r.display().length() <= ImapText.MAX_DISPLAY);
        assertTrue(r.display().endsWith("…"));
        assertEquals(List.of(), run.problems(), "6 KiB is under the line bound");
    }
}
