package io.mailscope.dissect.imap;

import io.mailscope.dissect.imap.ImapEvent.Capabilities;
import io.mailscope.dissect.imap.ImapEvent.Command;
import io.mailscope.dissect.imap.ImapEvent.Problem;
import io.mailscope.dissect.imap.ImapEvent.StartTlsAccepted;
import io.mailscope.dissect.imap.ImapEvent.StartTlsRefused;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.mailscope.dissect.imap.Conversation.C;
import static io.mailscope.dissect.imap.Conversation.S;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImapStartTlsTest {
    private static final String GREETING = ImapServerResponsesTest.DOVECOT_LOGINDISABLED;
    /** The start of a TLS ClientHello / ServerHello record. */
    private static final byte[] TLS = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00};

    @Test
    void acceptedStartTlsSwitchesBothDirectionsAndForgetsCapabilities() {
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\n")
                .server("a1 OK Begin TLS negotiation now.\r\n").add(C, TLS).runAllWays();
        StartTlsAccepted ok = run.all(StartTlsAccepted.class).get(0);
        assertEquals("a1", ok.tag());
        assertEquals("Begin TLS negotiation now.", ok.text());
        assertTrue(run.analyzer().tlsPending(C));
        assertTrue(run.analyzer().tlsPending(S));
        assertTrue(run.analyzer().capabilities().isEmpty());
        List<Capabilities> caps = run.all(Capabilities.class);
        assertTrue(caps.get(caps.size() - 1).capabilities().isEmpty());
        assertArrayEquals(TLS, run.clientLeft(), "client TLS bytes are not consumed");
        assertEquals(List.of(), run.problems());
    }

    @Test
    void serverBytesAfterTheOkLineAreLeftUnconsumed() {
        byte[] ok = "a1 OK Begin TLS negotiation now.\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[ok.length + TLS.length];
        System.arraycopy(ok, 0, chunk, 0, ok.length);
        System.arraycopy(TLS, 0, chunk, ok.length, TLS.length);
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\n").add(S, chunk).runAllWays();
        assertArrayEquals(TLS, run.serverLeft());
        assertEquals(1, run.all(StartTlsAccepted.class).size());
    }

    @Test
    void onDataReturnsExactlyTheOkLineLength() {
        List<io.mailscope.dissect.Event> events = new java.util.ArrayList<>();
        ImapAnalyzer a = new ImapAnalyzer(events::add, true);
        var at = new io.mailscope.dissect.At(S, 1, 0);
        byte[] g = GREETING.getBytes(StandardCharsets.US_ASCII);
        assertEquals(g.length, a.onData(S, g, 0, g.length, at));
        byte[] st = "a1 STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(st.length, a.onData(C, st, 0, st.length, at));
        byte[] chunk = "xxa1 OK go\r\n\u0016\u0003\u0001".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(10, a.onData(S, chunk, 2, chunk.length - 2, at));
        assertEquals(0, a.onData(S, chunk, 12, 3, at));
        assertEquals(0, a.onData(C, TLS, 0, TLS.length, at));
    }

    /** Snaplen captures (issue 13): the server's answer to STARTTLS arrives cut, the rest of its segment is a hole. */
    private static final class Cut {
        final List<io.mailscope.dissect.Event> events = new java.util.ArrayList<>();
        final ImapAnalyzer a = new ImapAnalyzer(events::add, true);
        long frame;

        Cut data(io.mailscope.tcp.Direction d, String text) {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            a.onData(d, b, 0, b.length, new io.mailscope.dissect.At(d, ++frame, 0));
            return this;
        }

        Cut hole(io.mailscope.tcp.Direction d, long length) {
            a.onGap(d, length, new io.mailscope.dissect.At(d, frame, 0));
            return this;
        }

        <T> List<T> all(Class<T> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    @Test
    void anAnswerToStartTlsCutAfterItsOkIsTheAcceptedUpgrade() {
        Cut run = new Cut().data(S, GREETING).data(C, "a1 STARTTLS\r\n").data(S, "a1 OK Begin TLS negotia").hole(S, 9);
        StartTlsAccepted ok = run.all(StartTlsAccepted.class).get(0);
        assertEquals("a1", ok.tag());
        assertTrue(run.a.tlsPending(C));
        assertTrue(run.a.tlsPending(S));
        ImapEvent.Response answer = run.all(ImapEvent.Response.class).get(1);
        assertEquals("a1 OK Begin TLS negotia [cut by the capture]", answer.display());
    }

    @Test
    void anAnswerCutInsideItsStatusWordDecidesNothing() {
        Cut run = new Cut().data(S, GREETING).data(C, "a1 STARTTLS\r\n").data(S, "a1 O").hole(S, 30);
        assertTrue(run.all(StartTlsAccepted.class).isEmpty());
        assertTrue(run.all(StartTlsRefused.class).isEmpty());
        assertFalse(run.a.tlsPending(S));
    }

    @Test
    void aRefusalCutAfterItsStatusIsTheRefusal() {
        Cut run = new Cut().data(S, GREETING).data(C, "a1 STARTTLS\r\n").data(S, "a1 NO [UNAVAIL").hole(S, 20);
        assertEquals("NO", run.all(StartTlsRefused.class).get(0).status());
        assertFalse(run.a.tlsPending(S));
    }

    @Test
    void aSegmentAfterAHoleThatBeginsWithTheStartTlsTagIsReadNotDroppedAsTheCutLinesRest() {
        // -s 96: the CAPABILITY answer was cut (its end, with the LF, in the hole); the next segment is the answer
        Cut run = new Cut().data(S, GREETING).data(C, "a1 CAPABILITY\r\n").data(S, "* CAPABILITY IMAP4rev1 STAR")
                .hole(S, 100).data(C, "a2 STARTTLS\r\n").data(S, "a2 OK Begin TLS negotiation now.\r\n");
        assertEquals("a2", run.all(StartTlsAccepted.class).get(0).tag());
        // any other line at a segment start after a hole is still dropped: it may be the rest of the cut one
        Cut other = new Cut().data(S, GREETING).data(C, "a1 CAPABILITY\r\n").data(S, "* CAPABILITY IMAP4rev1 STAR")
                .hole(S, 100).data(S, "a1 OK done\r\n");
        assertTrue(other.all(ImapEvent.Response.class).stream().noneMatch(r -> "a1".equals(r.tag())));
    }

    @Test
    void refusedStartTlsDoesNotSwitch() {
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\n")
                .server("a1 NO [UNAVAILABLE] TLS not configured\r\n").client("a2 NOOP\r\n").runAllWays();
        StartTlsRefused no = run.all(StartTlsRefused.class).get(0);
        assertEquals("a1", no.tag());
        assertEquals("NO", no.status());
        assertFalse(run.analyzer().tlsPending(S));
        assertEquals(List.of("STARTTLS", "NOOP"), Conversation.map(run.all(Command.class), Command::name));
    }

    @Test
    void refusedStartTlsFollowedByUnrelatedOkDoesNotSwitch() {
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\n")
                .server("a1 BAD TLS support isn't enabled.\r\n")
                .client("a2 NOOP\r\n").server("a2 OK NOOP completed.\r\n").server("* 1 EXISTS\r\n").runAllWays();
        assertTrue(run.all(StartTlsAccepted.class).isEmpty());
        assertEquals(1, run.all(StartTlsRefused.class).size());
        assertFalse(run.analyzer().tlsPending(S));
        assertEquals("EXISTS", run.all(ImapEvent.Response.class).get(3).status());
    }

    @Test
    void okWithAnotherTagWhileStartTlsPendingDoesNotSwitch() {
        var run = new Conversation().server(GREETING).client("a0 NOOP\r\na1 STARTTLS\r\n")
                .server("a0 OK NOOP completed.\r\n* 2 EXISTS\r\n").runAllWays();
        assertTrue(run.all(StartTlsAccepted.class).isEmpty());
        assertFalse(run.analyzer().tlsPending(S));
    }

    @Test
    void startTlsTwiceWhilePendingIsReported() {
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\na2 STARTTLS\r\n").runAllWays();
        assertTrue(run.problems().contains("starttls-twice"), run.problems().toString());
    }

    @Test
    void startTlsAgainAfterPlaintextContinuationIsReported() {
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\n").server("a1 OK go\r\n")
                .continuePlaintext(C).client("a2 STARTTLS\r\n").runAllWays();
        assertEquals(List.of("starttls-twice"), run.problems());
    }

    @Test
    void commandsPipelinedAfterStartTlsAreParsedAndReported() {
        var run = new Conversation().server(GREETING)
                .client("a1 STARTTLS\r\na2 LOGIN alice secret\r\n")
                .server("a1 OK Begin TLS negotiation now.\r\n").runAllWays();
        assertEquals(List.of("STARTTLS", "LOGIN"), Conversation.map(run.all(Command.class), Command::name));
        Problem p = run.all(Problem.class).get(0);
        assertEquals("pipelined-after-starttls", p.code());
        assertTrue(p.detail().endsWith("a2 LOGIN alice ***"), p.detail());
        assertEquals(1, run.all(StartTlsAccepted.class).size());
    }

    @Test
    void serverPlaintextAfterAcceptedStartTlsIsParsedAgainWhenToldSo() {
        var run = new Conversation().server(GREETING).client("a1 STARTTLS\r\n")
                .server("a1 OK Begin TLS negotiation now.\r\n* OK injected\r\n")
                .continuePlaintext(S).server("* BYE bye\r\n").runAllWays();
        assertEquals(0, run.serverLeft().length, "the held-back bytes were handed back and parsed");
        assertEquals(List.of(), run.problems(), "the caller reports it (SessionEvent), once");
        var texts = Conversation.map(run.all(ImapEvent.Response.class), ImapEvent.Response::display);
        assertEquals(List.of("* OK injected", "* BYE bye"), texts.subList(texts.size() - 2, texts.size()));
        assertFalse(run.analyzer().tlsPending(S));
        assertTrue(run.analyzer().tlsPending(C));
    }
}
