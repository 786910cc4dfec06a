package io.mailscope.explain.rules;

import io.mailscope.explain.Confidence;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import io.mailscope.tcp.TcpConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.mailscope.explain.rules.Conversation.codes;
import static io.mailscope.explain.rules.Conversation.finding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The connection never came up. Only the server's RST answering the SYN is a refusal; a client that sends its own
 * FIN or RST after a SYN nobody answered gave up, and the words say so. The pcap specifications write real capture
 * files and read them as `mailscope analyze` does.
 */
class ConnectionRuleTest {
    @TempDir
    Path dir;

    @Test
    void aSynAnsweredByRstIsRefused() {
        Diagnosis d = Conversation.syn(993).serverRst().diagnosis();
        assertEquals(Outcome.REFUSED, d.outcome());
        assertEquals("connection-refused", d.findings().get(0).code());
        assertTrue(d.findings().get(0).explanation().contains("nothing listens on port 993"));
    }

    @Test
    void aSynWithoutAnyAnswerStalls() {
        Diagnosis d = Conversation.syn(993).after(3).diagnosis();
        assertEquals(Outcome.STALLED, d.outcome());
        assertEquals("no-answer", d.findings().get(0).code());
        // the capture ended with the SYN: no wait was watched, and the finding says so rather than "within 0.000 s"
        assertTrue(d.findings().get(0).explanation().contains("and nothing came back in the 0.000 s until the capture ended:"),
                d.findings().get(0).explanation());
    }

    @Test
    void aSynWatchedForLessThanTheFirstRetransmissionTimeIsOnlyLikelyUnanswered() {
        // the capture ended right after the SYN: an answer may simply not have been due yet
        Diagnosis d = Conversation.syn(993).after(3).diagnosis();
        var f = Conversation.finding(d, "no-answer");
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("answer-not-yet-due", f.alternatives().get(0).code());
        assertTrue(f.alternatives().get(0).summary().contains("(the capture ended)"), f.alternatives().get(0).summary());
    }

    @Test
    void aWaitOfASecondOrMoreIsLongEnoughToTell() {
        long second = ConnectionRule.FIRST_SYN_RETRANSMISSION_NANOS;
        assertTrue(words(5 * second, TcpConnection.EndReason.MEMORY_LIMIT, 0).tooSoonToTell().isEmpty());
        assertTrue(words(second, TcpConnection.EndReason.CAPTURE_END, 0).tooSoonToTell().isEmpty());
        assertTrue(words(second, TcpConnection.EndReason.RST, 2).tooSoonToTell().isEmpty());
        assertEquals("answer-not-yet-due", words(second - 1, TcpConnection.EndReason.IDLE, 0).tooSoonToTell().get(0).code());
        assertEquals("client-gave-up", words(second - 1, TcpConnection.EndReason.RST, 2).tooSoonToTell().get(0).code());
    }

    @Test
    void attemptsCountTheSynAndItsRetransmissionsNotTheClientsFin() {
        // SYN, then the FIN of a client that gave up: one attempt, not "2 attempts"
        Finding f = finding(Conversation.syn(993).after(3).clientFin().diagnosisFromPcap(dir), "no-answer");
        assertFalse(f.explanation().contains("attempts"), f.explanation());
        // three SYNs (1 s and 2 s apart, as Linux sends them), then the FIN: three attempts
        f = finding(Conversation.syn(993).after(1).synAgain().after(2).synAgain().after(4).clientFin().diagnosisFromPcap(dir), "no-answer");
        assertTrue(f.explanation().contains("nothing came back to any of its 3 attempts within 7.003 s, when the client gave up and closed its attempt (FIN, frame 4)"),
                f.explanation());
        assertEquals(List.of(1L, 4L), f.frames());
        assertTrue(f.certain(), "a client that waited 7 s through two retransmissions saw no answer: " + f.alternatives());
    }

    @Test
    void aFinSentAgainLeavesTheCountOfAttemptsUntold() {
        // after its first FIN a client sends only that FIN again: with more than one, the SYNs cannot be told apart
        Finding f = finding(Conversation.syn(993).after(1).synAgain().after(3).clientFin().after(1).clientFin().diagnosis(), "no-answer");
        assertTrue(f.explanation().contains("nothing came back to any of its attempts within"), f.explanation());
    }

    @Test
    void aSynOnlyCaptureCountsEveryRetransmittedSyn() {
        // the compact SYN-only record counts them itself: the words must agree with the whole path's
        Finding f = finding(Conversation.syn(993).after(1).synAgain().after(2).synAgain().diagnosisFromPcap(dir), "no-answer");
        assertTrue(f.explanation().contains("to any of its 3 attempts in the 3.002 s until the capture ended"), f.explanation());
    }

    @Test
    void aClientsOwnRstAfterItsSynIsNoRefusal() {
        // Zeek's RSTOS0: the originator sent a SYN then a RST, and nothing came from the server
        Diagnosis d = Conversation.syn(993).clientRst().diagnosisFromPcap(dir);
        assertFalse(codes(d).contains("connection-refused"), "the server refused nothing: " + codes(d));
        assertEquals(Outcome.STALLED, d.outcome());
        Finding f = finding(d, "no-answer");
        assertEquals(ConnectionRule.GAVE_UP_SUMMARY, f.summary());
        assertTrue(f.explanation().contains("when the client gave up and reset its attempt (RST, frame 2)"), f.explanation());
        // 1 ms is no wait: the client did not give the server time to answer
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("client-gave-up", f.alternatives().get(0).code());
        assertTrue(f.alternatives().get(0).summary().contains("reset its attempt after only 0.001 s (frame 2)"), f.alternatives().get(0).summary());
    }

    @Test
    void aClientThatResetItsAttemptAfterRetransmittingForSecondsSawNoAnswer() {
        Diagnosis d = Conversation.syn(993).after(1).synAgain().after(2).synAgain().after(4).clientRst().diagnosisFromPcap(dir);
        Finding f = finding(d, "no-answer");
        assertTrue(f.certain(), f.alternatives().toString());
        assertTrue(f.explanation().contains("to any of its 3 attempts within 7.003 s, when the client gave up and reset its attempt (RST, frame 4)"), f.explanation());
    }

    @Test
    void aClientThatClosedItsAttemptAtOnceIsOnlyLikelyUnanswered() {
        // Zeek's SH after 0.2 s: a Happy Eyeballs loser, a short connect timeout, or a scan
        Finding f = finding(Conversation.syn(993).after(0.2).clientFin().diagnosisFromPcap(dir), "no-answer");
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("client-gave-up", f.alternatives().get(0).code());
        assertTrue(f.alternatives().get(0).summary().contains("closed its attempt after only 0.201 s (frame 2)"), f.alternatives().get(0).summary());
    }

    @Test
    void aServerAckInPlaceOfTheSynAckIsNeitherRefusalNorSilence() {
        // a challenge ACK (RFC 5961) from a server still holding an older connection on these ports; the client resets it
        Diagnosis d = Conversation.syn(993).serverChallengeAck().clientRstForChallenge().diagnosisFromPcap(dir);
        assertFalse(codes(d).contains("connection-refused"), codes(d).toString());
        Finding f = finding(d, "no-answer");
        assertEquals("The server did not accept the connection attempt.", f.summary());
        assertTrue(f.explanation().contains("the server sent 1 packet back, but no SYN-ACK, and the client reset the attempt (RST, frame 3"), f.explanation());
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals(List.of("stale-connection", "answer-not-captured"), f.alternatives().stream().map(a -> a.code()).toList());
    }

    @Test
    void aClientThatActsAnsweredWithNoServerPacketCapturedIsAOneSidedCapture() {
        // the client ACKs and sends a command: a SYN-ACK reached it, the capture just did not hold it
        Diagnosis d = Conversation.syn(143).clientAck().client("a1 CAPABILITY").clientFin().diagnosisFromPcap(dir);
        assertFalse(codes(d).contains("no-answer"), "the server did answer, out of the capture's sight: " + codes(d));
        Finding f = finding(d, "capture-gap");
        assertEquals("The capture holds only the client's side of this connection.", f.summary());
        assertEquals(Outcome.INCOMPLETE, d.outcome());
    }

    @Test
    void aServerSynAckWithNoClientPacketAtAllBlamesNeitherSide() {
        // Zeek's SHR and RSTRH: the SYN-ACK, then the server's FIN or RST; no packet from the client in the capture
        for (Diagnosis d : List.of(Conversation.synAckOnly(993).after(5).serverFin().diagnosisFromPcap(dir),
                Conversation.synAckOnly(993).after(5).serverRst().diagnosisFromPcap(dir))) {
            assertEquals(List.of("capture-gap"), codes(d), "no blank screen, no reset story: nothing was set up");
            Finding f = d.findings().get(0);
            assertEquals("The capture holds only the server's side of this connection.", f.summary());
            assertEquals("spoofed-syn", f.alternatives().get(0).code());
            assertEquals(Outcome.INCOMPLETE, d.outcome());
        }
    }

    @Test
    void aSynAckTheClientNeverAcknowledgedIsNoAnswerAsTheClientSawIt() {
        // SYN, SYN-ACK, the SYN again a second later, then only the server giving up: the SYN-ACK never reached the client
        Diagnosis d = Conversation.syn(993).synAck().after(1).synAgain().after(7).serverFin().diagnosisFromPcap(dir);
        Finding f = finding(d, "no-answer");
        assertEquals("The client never acknowledged the server's SYN-ACK: the connection was never set up.", f.summary());
        assertTrue(f.explanation().contains("the server answered with a SYN-ACK (frame 2), but no ACK from the client follows (only its SYN again)"),
                f.explanation());
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("ack-not-captured", f.alternatives().get(0).code());
        assertEquals(Outcome.STALLED, d.outcome());
    }

    @Test
    void aCaptureThatEndsRightAfterTheSynAckHasNotSeenTheAckYet() {
        Finding f = finding(Conversation.syn(993).synAck().diagnosisFromPcap(dir), "no-answer");
        assertTrue(f.explanation().contains("no ACK from the client follows in the 0.000 s until the capture ended"), f.explanation());
        assertEquals(List.of("ack-not-yet-due", "ack-not-captured"), f.alternatives().stream().map(a -> a.code()).toList());
    }

    @Test
    void aSynReplacedByANewSynFromTheSamePortSoonIsAClientThatGaveUpNotAnIdleConnection() {
        // a new SYN from the same port with another ISN ends the first attempt (end reason PORT_REUSED, not IDLE):
        // the client moved on after 0.3 s, too soon to say the server would not have answered
        List<Diagnosis> all = Conversation.syn(993).after(0.3).newSynSamePorts().after(2).diagnosesFromPcap(dir);
        assertEquals(2, all.size());
        Finding f = finding(all.get(0), "no-answer");
        assertTrue(f.explanation().contains("nothing came back in the 0.301 s until the client sent a new SYN from the same port"), f.explanation());
        assertEquals(Confidence.LIKELY, f.confidence());
        assertEquals("client-gave-up", f.alternatives().get(0).code());
        assertTrue(f.alternatives().get(0).summary().startsWith("The client sent a new SYN from the same port after only 0.301 s"),
                f.alternatives().get(0).summary());
    }

    @Test
    void aSynReplacedByANewSynFromTheSamePortAfterRetryingForSecondsIsCertainlyUnanswered() {
        List<Diagnosis> all = Conversation.syn(993).after(3).newSynSamePorts().after(2).diagnosesFromPcap(dir);
        Finding f = finding(all.get(0), "no-answer");
        assertTrue(f.explanation().contains("in the 3.001 s until the client sent a new SYN from the same port"), f.explanation());
        assertEquals(Confidence.CERTAIN, f.confidence());
        assertEquals(List.of(), f.alternatives());
    }

    private static ConnectionRule.NoAnswerWords words(long watched, TcpConnection.EndReason why, long giveUpFrame) {
        return new ConnectionRule.NoAnswerWords(null, 1, 1, watched, why, giveUpFrame, why == TcpConnection.EndReason.RST);
    }
}
