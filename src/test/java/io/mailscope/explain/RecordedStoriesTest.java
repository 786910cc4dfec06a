package io.mailscope.explain;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.report.JsonReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real captures whose point is more than one row of {@link RealCaptureDiagnosisTest}: several sessions in one file,
 * what the JSON output must never contain, what a long or compressed session must still show
 * (src/test/resources/captures/README.md, entries 40 onwards).
 */
class RecordedStoriesTest {

    /** base64("\0alice\0secret") and base64("\0alice\0wrongpass"): the SASL PLAIN responses of the recordings. */
    private static final List<String> SECRETS = List.of("secret", "wrongpass", "AGFsaWNlAHNlY3JldA", "AGFsaWNlAHdyb25ncGFzcw",
            "YWxpY2UAc2VjcmV0", "c2VjcmV0", "YWxpY2U");

    @ParameterizedTest
    @ValueSource(strings = {"sasl-plain-ok.pcap", "sasl-ir-refused.pcap", "sasl-plain-wrong-password.pcap",
            "three-sessions.pcap", "long-session.pcap.gz", "idle.pcap", "compress-deflate.pcap", "login-literal-password.pcap",
            "authenticate-cancelled.pcap", "curl-auth-login.pcap"})
    void jsonNeverCarriesThePasswordNorItsBase64(String capture) {
        // the TLS extension name is the only other place the word may appear
        String json = json(capture).replace("extended_master_secret", "");
        for (String secret : SECRETS) {
            assertFalse(json.contains(secret), capture + " JSON contains " + secret);
        }
    }

    @Test
    void saslResponseAfterContinuationIsACleartextPasswordNamedByItsFrame() {
        Finding f = finding(Captures.only("sasl-plain-ok.pcap"), "cleartext-credentials");
        long saslFrame = firstFrame(Captures.only("sasl-plain-ok.pcap"), ImapEvent.AuthenticateData.class);
        assertTrue(f.frames().contains(saslFrame), "names the frame of the base64 response " + saslFrame + ": " + f.frames());
        assertTrue(f.explanation().contains("SASL response"), f.explanation());
    }

    @Test
    void saslLoginMechanismNamesTheFrameOfThePasswordNotOfTheUserName() {
        AnalyzedSession s = Captures.only("curl-auth-login.pcap");
        List<ImapEvent.AuthenticateData> lines = events(s, ImapEvent.AuthenticateData.class);
        assertEquals(1, lines.size(), "curl sends the user name as initial response, the password after '+ UGFzc3dvcmQ6'");
        assertTrue(finding(s, "cleartext-credentials").frames().contains(lines.get(0).at().frame()));
    }

    @Test
    void wrongPasswordIsNotBlamedOnMissingTls() {
        Diagnosis d = Captures.only("sasl-plain-wrong-password.pcap").diagnosis();
        assertEquals("authentication-failed", d.findings().get(0).code());
        assertTrue(d.findings().get(0).explanation().contains("AUTHENTICATIONFAILED"), d.findings().get(0).explanation());
    }

    @Test
    void aWrongPasswordFollowedByAGoodLoginEndsOkWithAWarning() {
        List<AnalyzedSession> all = Captures.analyze("login-literal-password.pcap");
        assertEquals(2, all.size());
        Diagnosis retried = all.get(0).diagnosis();
        assertEquals(Outcome.OK, retried.outcome());
        assertEquals(Set.of("authentication-failed", "cleartext-credentials"), codes(retried));
        assertEquals(Severity.WARNING, finding(all.get(0), "authentication-failed").severity());
        Diagnosis literalPlus = all.get(1).diagnosis();
        assertEquals(Outcome.OK, literalPlus.outcome());
        assertEquals(Set.of("cleartext-credentials"), codes(literalPlus));
    }

    @Test
    void passwordsInQuotesAndLiteralsAreRedactedInTheTimeline() {
        for (AnalyzedSession s : Captures.analyze("login-literal-password.pcap")) {
            for (TimelineEntry e : Timeline.of(s.session())) {
                assertFalse(e.text().contains("secret"), "frame " + e.frame() + ": " + e.text());
            }
        }
    }

    @Test
    void repeatedWrongPasswordsAreCountedInOneFinding() {
        Finding f = finding(Captures.only("login-failed-four-times.pcap"), "authentication-failed");
        assertTrue(f.explanation().contains("tried 4 times"), f.explanation());
    }

    @Test
    void threeInterleavedSessionsEachGetTheirOwnDiagnosis() {
        List<AnalyzedSession> all = Captures.analyze("three-sessions.pcap");
        assertEquals(3, all.size());
        List<String> got = new ArrayList<>();
        for (AnalyzedSession s : all) {
            Diagnosis d = s.diagnosis();
            Set<String> codes = new TreeSet<>();
            d.findings().forEach(f -> codes.add(f.code()));
            got.add(s.session().connection().client().address().getHostAddress() + " " + s.session().connection().server().port()
                    + " " + d.outcome().label() + " " + d.protocolPath() + " " + codes);
            Set<Long> own = new TreeSet<>();
            Timeline.of(s.session()).forEach(e -> own.add(e.frame()));
            for (Finding f : d.findings()) {
                for (long frame : f.frames()) {
                    assertTrue(own.contains(frame), "finding " + f.code() + " names frame " + frame + " of another session");
                }
            }
        }
        got.sort(null);
        assertEquals(List.of(
                "127.0.0.1 10993 ok tls1.3 []",
                "127.0.0.1 10993 stalled none [implicit-tls-mutual-wait]",
                "127.0.0.2 10143 refused imap [cleartext-credentials, login-before-starttls]"), got);
    }

    @Test
    void helloRetryRequestShowsBothHellosAndEndsWell() {
        AnalyzedSession s = Captures.only("tls13-hello-retry.pcap");
        List<TlsEvent.ClientHelloSeen> clientHellos = events(s, TlsEvent.ClientHelloSeen.class);
        List<TlsEvent.ServerHelloSeen> serverHellos = events(s, TlsEvent.ServerHelloSeen.class);
        assertEquals(2, clientHellos.size());
        assertEquals(2, serverHellos.size());
        assertTrue(Timeline.of(s.session()).stream().anyMatch(e -> e.text().startsWith("HelloRetryRequest")));
        assertEquals(Outcome.OK, s.diagnosis().outcome());
    }

    @Test
    void longSessionSummarisesTheLiteralAndStaysHealthy() {
        AnalyzedSession s = Captures.only("long-session.pcap.gz");
        List<ImapEvent.Command> commands = events(s, ImapEvent.Command.class);
        assertEquals(302, commands.size());
        List<ImapEvent.Literal> literals = events(s, ImapEvent.Literal.class);
        assertEquals(1, literals.size());
        assertTrue(literals.get(0).size() > 12_000, "the 12 KB message: " + literals.get(0).size());
        for (TimelineEntry e : Timeline.of(s.session())) {
            assertFalse(e.text().contains("quick brown fox"), "message body in the timeline at frame " + e.frame());
        }
        assertEquals(Outcome.OK, s.diagnosis().outcome());
    }

    @Test
    void imapAfterCompressDeflateIsStillParsed() {
        AnalyzedSession s = Captures.only("compress-deflate.pcap");
        assertEquals(1, events(s, ImapEvent.CompressionStarted.class).size());
        List<String> answered = new ArrayList<>();
        for (ImapEvent.Response r : events(s, ImapEvent.Response.class)) {
            if (r.kind() == ImapEvent.Response.Kind.TAGGED) {
                answered.add(r.tag() + " " + r.status());
            }
        }
        assertEquals(List.of("a1 OK", "a2 OK", "a3 OK", "a4 OK"), answered);
        assertEquals(Outcome.OK, s.diagnosis().outcome());
    }

    @Test
    void idleWithDoneIsAHealthySession() {
        AnalyzedSession s = Captures.only("idle.pcap");
        assertEquals(1, events(s, ImapEvent.Done.class).size());
        assertTrue(Timeline.of(s.session()).stream().anyMatch(e -> e.text().equals("* 2 EXISTS")));
        assertEquals(Outcome.OK, s.diagnosis().outcome());
    }

    @Test
    void aHandshakeAbortedAgainstASingleOfferedGroupNamesThatGroup() {
        Finding f = finding(Captures.only("tls-no-common-group.pcap"), "tls-handshake-aborted");
        assertTrue(f.explanation().contains("single key-exchange group, secp256r1"), f.explanation());
    }

    @Test
    void aTlsClientOnThePlaintextPortAfterTheGreetingLeavesTheServerAsTheExpectedFirstSpeaker() {
        AnalyzedSession s = Captures.only("tls-after-greeting.pcap");
        assertEquals("server", s.diagnosis().expectedFirstSpeaker());
        assertTrue(s.diagnosis().firstSpeakerAsExpected());
        assertTrue(finding(s, "tls-to-plaintext-port").explanation().startsWith("The client answered the server's greeting"),
                finding(s, "tls-to-plaintext-port").explanation());
        assertEquals("client", Captures.only("tls-to-plaintext-port.pcap").diagnosis().firstSpeaker());
        assertEquals("server", Captures.only("tls-to-plaintext-port.pcap").diagnosis().expectedFirstSpeaker());
    }

    @Test
    void serverHangingUpAfterItsGreetingIsNamed() {
        Diagnosis d = Captures.only("server-close-after-greeting.pcap").diagnosis();
        assertEquals("server-hangup", d.findings().get(0).code());
        assertTrue(d.findings().get(0).explanation().contains("right after its greeting"), d.findings().get(0).explanation());
    }

    private static Set<String> codes(Diagnosis d) {
        Set<String> out = new TreeSet<>();
        d.findings().forEach(f -> out.add(f.code()));
        return out;
    }

    private static String json(String capture) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonReport r = new JsonReport(out);
        Captures.analyze(capture).forEach(r::session);
        r.close();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Finding finding(AnalyzedSession s, String code) {
        return s.diagnosis().findings().stream().filter(f -> f.code().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " in " + s.diagnosis().findings()));
    }

    private static <T extends Event> List<T> events(AnalyzedSession s, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Event e : s.session().events()) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    private static long firstFrame(AnalyzedSession s, Class<? extends Event> type) {
        return events(s, type).get(0).at().frame();
    }
}
