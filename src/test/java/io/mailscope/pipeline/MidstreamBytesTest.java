package io.mailscope.pipeline;

import io.mailscope.bench.CaptureGenerator;
import io.mailscope.capture.FrameSink;
import io.mailscope.capture.PcapWriter;
import io.mailscope.dissect.Event;
import io.mailscope.dissect.MailEvent;
import io.mailscope.dissect.NotText;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.SessionEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.explain.Timeline;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.ReassemblyLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After libpcap drops packets, TLS bytes must not be read as IMAP lines: connections picked up midstream or with
 * holes say what was there instead (TLS picked up midstream, resynchronised at a record header, binary data), in
 * few events. Real bytes: recorded sessions and generated IMAP/STARTTLS/TLS traffic with frames left out.
 */
class MidstreamBytesTest {

    /** Analyzes a capture without the frames {@code drop} names, as a capture with drops would give them. */
    private static List<AnalyzedSession> analyzeWithout(Path capture, PortRoles roles, LongPredicate drop) throws Exception {
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(roles, ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add);
        FrameSink kept = (frame, time, link, buf, off, cap, orig) -> {
            if (!drop.test(frame)) {
                a.frame(frame, time, link, buf, off, cap, orig);
            }
        };
        a.read(capture.toString(), kept);
        a.finish();
        return out;
    }

    /** Lines the mail protocol analyzers reported: commands and replies, as the transcript shows them. */
    private static List<String> mailLines(AnalyzedSession s) {
        List<String> lines = new ArrayList<>();
        for (Event e : s.session().events()) {
            if (e instanceof ImapEvent.Command || e instanceof ImapEvent.Response || e instanceof MailEvent.Command
                    || e instanceof MailEvent.Reply) {
                String text = Timeline.text(e);
                lines.add(text == null ? e.toString() : text);
            }
        }
        return lines;
    }

    private static long count(AnalyzedSession s, Class<?> kind) {
        return s.session().events().stream().filter(kind::isInstance).count();
    }

    @Test
    void aLostStarttlsAnswerIsTlsAtItsRecordHeadersNotImapLines() throws Exception {
        // starttls-ok-openssl: frame 11 is the server's "a1 OK Begin TLS negotiation now", 12 the client's ClientHello
        PortRoles roles = new PortRoles(java.util.Set.of(10143), java.util.Set.of());
        AnalyzedSession whole = analyzeWithout(Captures.path("starttls-ok-openssl.pcap"), roles, f -> false).get(0);
        AnalyzedSession holed = analyzeWithout(Captures.path("starttls-ok-openssl.pcap"), roles, f -> f == 11).get(0);

        List<String> lines = mailLines(holed);
        assertEquals(mailLines(whole).subList(0, lines.size()), lines, "only the lines before the hole: " + lines);
        assertTrue(lines.stream().noneMatch(l -> NotText.binary(l.getBytes(StandardCharsets.ISO_8859_1), 0, l.length())), lines.toString());
        List<SessionEvent.TlsResynced> resynced = holed.session().events().stream()
                .filter(SessionEvent.TlsResynced.class::isInstance).map(SessionEvent.TlsResynced.class::cast).toList();
        assertEquals(2, resynced.size(), "each direction found TLS at a record header: " + resynced);
        assertEquals(Direction.CLIENT_TO_SERVER, resynced.get(0).at().direction(), "the ClientHello, frame 12");
        assertEquals(12, resynced.get(0).at().frame());
        assertEquals(14, resynced.get(1).at().frame(), "the server's hello after the hole");
        assertEquals(1, count(holed, io.mailscope.dissect.tls.TlsEvent.ServerHelloSeen.class), "the handshake is still read");
        assertEquals(0, count(holed, SessionEvent.NotText.class), "no byte of TLS went to the IMAP analyzer");
    }

    @Test
    void binaryLinesAreSaidInAFewEventsNeverAsCommands() {
        List<String> said = new ArrayList<>();
        io.mailscope.dissect.Session session = new io.mailscope.dissect.Session(null, io.mailscope.dissect.PortRole.IMAP,
                new io.mailscope.dissect.EventTally());
        io.mailscope.dissect.imap.ImapAnalyzer imap = new io.mailscope.dissect.imap.ImapAnalyzer(session, true);
        byte[] noise = new byte[200_000];
        new SplittableRandom(7).nextBytes(noise);
        io.mailscope.dissect.At at = new io.mailscope.dissect.At(Direction.SERVER_TO_CLIENT, 1, 0);
        imap.onData(Direction.SERVER_TO_CLIENT, "* OK ready\r\n".getBytes(StandardCharsets.US_ASCII), 0, 12, at);
        imap.onData(Direction.SERVER_TO_CLIENT, noise, 0, noise.length, at);
        imap.onEnd(Direction.SERVER_TO_CLIENT, at);
        for (Event e : session.events()) {
            said.add(Timeline.text(e));
        }
        long notText = session.events().stream().filter(SessionEvent.NotText.class::isInstance).count();
        assertTrue(notText <= 4, "at most 3 said one by one and one count: " + said);
        assertEquals(1, session.events().stream().filter(ImapEvent.Response.class::isInstance).count(), "only the greeting: " + said);
        assertTrue(said.contains("[binary data, " + firstLineLength(noise) + " bytes, not a mail protocol line]"), said.toString());
        SessionEvent.NotText last = (SessionEvent.NotText) session.events().stream()
                .filter(SessionEvent.NotText.class::isInstance).reduce((x, y) -> y).orElseThrow();
        assertTrue(last.lines() > 100 && last.display().endsWith("not mail protocol lines"), last.display());
    }

    @Test
    void pop3AndSmtpSayBinaryDataTooNeverCommands() {
        byte[] noise = new byte[50_000];
        new SplittableRandom(3).nextBytes(noise);
        for (String protocol : List.of("pop3", "smtp")) {
            io.mailscope.dissect.Session session = new io.mailscope.dissect.Session(null,
                    protocol.equals("pop3") ? io.mailscope.dissect.PortRole.POP3 : io.mailscope.dissect.PortRole.SMTP,
                    new io.mailscope.dissect.EventTally());
            io.mailscope.dissect.ProtocolAnalyzer analyzer = io.mailscope.dissect.Protocols.byId(protocol).newAnalyzer(session, true);
            io.mailscope.dissect.At at = new io.mailscope.dissect.At(Direction.CLIENT_TO_SERVER, 1, 0);
            analyzer.onData(Direction.CLIENT_TO_SERVER, noise, 0, noise.length, at);
            analyzer.onEnd(Direction.CLIENT_TO_SERVER, at);
            List<String> said = session.events().stream().map(Timeline::text).toList();
            assertEquals(0, session.events().stream().filter(e -> e instanceof MailEvent.Command).count(), protocol + ": " + said);
            assertTrue(count(session) <= 4 && count(session) >= 1, protocol + ": " + said);
        }
    }

    private static long count(io.mailscope.dissect.Session s) {
        return s.events().stream().filter(SessionEvent.NotText.class::isInstance).count();
    }

    private static int firstLineLength(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                return i + 1 - (i > 0 && b[i - 1] == '\r' ? 2 : 1);
            }
        }
        return b.length;
    }

    @Test
    void generatedTrafficWithDropsGivesNoBinaryLinesAndResynchronisesMidstreamTls(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("long.pcap");
        try (OutputStream os = Files.newOutputStream(capture);
             PcapWriter w = CaptureGenerator.writer(os, PcapWriter.Format.PCAP_MICROS)) {
            new CaptureGenerator(CaptureGenerator.Settings.of(30_000, 120)).write(w);
        }
        // the first 8,000 frames lost (every connection open then is picked up midstream), then 2% at random
        SplittableRandom r = new SplittableRandom(11);
        boolean[] lost = new boolean[30_001];
        for (int i = 1; i <= 30_000; i++) {
            lost[i] = i <= 8_000 || r.nextInt(50) == 0;
        }
        List<AnalyzedSession> sessions = analyzeWithout(capture, PortRoles.defaults(), f -> lost[(int) f]);
        long resyncedMidstream = 0;
        for (AnalyzedSession s : sessions) {
            for (String l : mailLines(s)) {
                assertFalse(NotText.binary(l.getBytes(StandardCharsets.ISO_8859_1), 0, l.length()),
                        "#" + s.session().connection().id() + " reported binary as a mail line: " + l);
            }
            assertTrue(count(s, SessionEvent.NotText.class) <= 8, "bounded: " + count(s, SessionEvent.NotText.class));
            resyncedMidstream += s.session().events().stream()
                    .filter(e -> e instanceof SessionEvent.TlsResynced t && t.midstream()).count();
            assertFalse(s.diagnosis().findings().stream().anyMatch(f -> f.code().startsWith("unknown-on-")),
                    "a midstream connection's ciphertext is not an unknown protocol: " + s.diagnosis().findings());
        }
        assertTrue(resyncedMidstream > 0, "some midstream TLS is picked up at a record header");
    }
}
