package io.mailscope.explain;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Captures whose snaplen cut TLS records (issue 13): each session was recorded twice at once, whole
 * ({@code snaplen/NAME-full.pcap}) and cut ({@code snaplen/NAME.pcap}, tcpdump -s 96, 200 or 300; captures/README.md).
 * What the cut capture reports must be what the whole one shows, as far as it arrived, marked where it was cut,
 * without fingerprints of a cut hello, and without anything the missing bytes would have had to say.
 */
class SnaplenCutTlsTest {

    private static <T> List<T> all(AnalyzedSession s, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Event e : s.session().events()) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    private static ClientHello clientHello(AnalyzedSession s) {
        return all(s, TlsEvent.ClientHelloSeen.class).get(0).hello();
    }

    private static ServerHello serverHello(AnalyzedSession s) {
        return all(s, TlsEvent.ServerHelloSeen.class).get(0).hello();
    }

    private static Finding finding(AnalyzedSession s, String code) {
        return s.diagnosis().findings().stream().filter(f -> f.code().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " in " + s.diagnosis().findings()));
    }

    private static List<String> codes(AnalyzedSession s) {
        return s.diagnosis().findings().stream().map(Finding::code).toList();
    }

    /** The cut hello lists what the whole one lists, up to the cut. */
    private static void isABeginningOf(ClientHello cut, ClientHello whole) {
        assertEquals(whole.legacyVersion(), cut.legacyVersion());
        assertEquals(whole.cipherSuites().subList(0, cut.cipherSuites().size()), cut.cipherSuites());
        assertEquals(whole.extensions().subList(0, cut.extensions().size()), cut.extensions());
    }

    @Test
    void tls13CutInTheCipherSuites() {
        AnalyzedSession cut = Captures.only("snaplen/tls13-s200.pcap");
        AnalyzedSession whole = Captures.only("snaplen/tls13-s200-full.pcap");
        ClientHello ch = clientHello(cut);
        assertTrue(ch.partial());
        // 200 - 66 header bytes = 134 bytes of payload: a 5-byte record header, a 4-byte handshake header, 125 of the
        // hello's 314 bytes, ending inside the cipher suites
        assertEquals(125, ch.cut().captured());
        assertEquals("cipher_suites", ch.cut().in());
        isABeginningOf(ch, clientHello(whole));
        assertEquals(List.of(), ch.extensions());
        assertNull(ch.ja3());
        assertNull(ch.ja4());
        // the ServerHello arrived whole: the same as in the whole capture, fingerprint included
        assertFalse(serverHello(cut).partial());
        assertEquals(serverHello(whole).ja3s(), serverHello(cut).ja3s());
        assertEquals(0x0304, serverHello(cut).selectedVersion());
        // the hole after the ChangeCipherSpec covers a record header; the next server segment starts with a record
        TlsEvent.FramingRegained regained = all(cut, TlsEvent.FramingRegained.class).get(0);
        assertEquals(9, regained.at().frame());
        assertEquals(whole.diagnosis().outcome(), cut.diagnosis().outcome());
        assertEquals(whole.diagnosis().protocolPath(), cut.diagnosis().protocolPath());
        Finding snaplen = finding(cut, "snaplen-truncated");
        assertTrue(snaplen.explanation().contains("the ClientHello (frame 4 at 0.000 s) was cut at byte 125 of 314, in cipher_suites"),
                snaplen.explanation());
        assertTrue(snaplen.explanation().contains("JA3 and JA4 are not computed"), snaplen.explanation());
        assertTrue(snaplen.explanation().contains("found again at the start of the next segment (frame 9"), snaplen.explanation());
        assertTrue(snaplen.fix().contains("tcpdump -s 0"));
        assertEquals(List.of(4L), snaplen.frames());
        assertEquals(List.of("snaplen-truncated"), codes(cut));
    }

    @Test
    void tls12CutAfterTheSniAndInTheCertificate() {
        AnalyzedSession cut = Captures.only("snaplen/tls12-s300.pcap");
        AnalyzedSession whole = Captures.only("snaplen/tls12-s300-full.pcap");
        ClientHello ch = clientHello(cut);
        isABeginningOf(ch, clientHello(whole));
        assertEquals("mail.example.test", ch.sni());
        assertEquals(clientHello(whole).cipherSuites(), ch.cipherSuites());
        assertEquals("extension signature_algorithms", ch.cut().in());
        assertTrue(ch.supportedVersions().isEmpty(), "supported_versions comes after the cut");
        assertNull(ch.ja3());
        TlsEvent.CertificatesSeen certs = all(cut, TlsEvent.CertificatesSeen.class).get(0);
        assertTrue(certs.partial());
        assertTrue(certs.chain().isEmpty(), "the leaf (797 bytes with its list header) was cut at byte 153");
        assertEquals(1, all(whole, TlsEvent.CertificatesSeen.class).get(0).chain().size());
        // both close_notify alerts, encrypted, as in the whole capture; nothing judged of a certificate not seen
        assertEquals(all(whole, TlsEvent.Alert.class).size(), all(cut, TlsEvent.Alert.class).size());
        assertEquals(whole.diagnosis().outcome(), cut.diagnosis().outcome());
        assertEquals(List.of("snaplen-truncated"), codes(cut));
        Finding snaplen = finding(cut, "snaplen-truncated");
        assertTrue(snaplen.explanation().contains("no certificate arrived whole, so the chain is incomplete"), snaplen.explanation());
        assertEquals(List.of(4L, 6L), snaplen.frames());
    }

    @Test
    void tls12AtSnaplen96InventsNothing() {
        AnalyzedSession cut = Captures.only("snaplen/tls12-s96.pcap");
        AnalyzedSession whole = Captures.only("snaplen/tls12-s96-full.pcap");
        assertEquals("random", clientHello(cut).cut().in());
        ServerHello sh = serverHello(cut);
        assertEquals(-1, sh.selectedVersion(), "cut before the suite: the version is not known");
        assertEquals(-1, sh.cipherSuite());
        // the encrypted close_notify records are alerts of unknown content, never 13 plaintext alerts each
        List<TlsEvent.Alert> alerts = all(cut, TlsEvent.Alert.class);
        assertEquals(all(whole, TlsEvent.Alert.class).size(), alerts.size());
        assertTrue(alerts.stream().allMatch(TlsEvent.Alert::encrypted));
        assertEquals(List.of("snaplen-truncated"), codes(cut));
        assertEquals(Outcome.OK, cut.diagnosis().outcome());
        assertEquals("tls", cut.diagnosis().protocolPath(), "the version was in the cut part");
    }

    @Test
    void starttlsAtSnaplen300KeepsTheImapStoryAndTheSni() {
        AnalyzedSession cut = Captures.only("snaplen/starttls-s300.pcap");
        AnalyzedSession whole = Captures.only("snaplen/starttls-s300-full.pcap");
        assertEquals("imap -> starttls -> tls1.3", cut.diagnosis().protocolPath());
        assertEquals(whole.diagnosis().protocolPath(), cut.diagnosis().protocolPath());
        assertEquals("mail.example.test", clientHello(cut).sni());
        isABeginningOf(clientHello(cut), clientHello(whole));
        assertEquals(serverHello(whole).ja3s(), serverHello(cut).ja3s());
        assertEquals(whole.diagnosis().outcome(), cut.diagnosis().outcome());
        assertEquals(List.of("snaplen-truncated"), codes(cut));
    }

    @Test
    void aServerThatHangsUpAfterACutHelloIsNotBlamedOnWhatTheHelloOffers() {
        AnalyzedSession cut = Captures.only("snaplen/version-mismatch-s96.pcap");
        AnalyzedSession whole = Captures.only("snaplen/version-mismatch-s96-full.pcap");
        // whole, the hello shows a TLS 1.2-only client that dovecot (TLS 1.3 only) hangs up on
        assertEquals(List.of("tls-version-mismatch"), codes(whole));
        // cut in its random, the hello cannot say which versions it offers: the abort is told, the cause stays open
        Finding aborted = finding(cut, "tls-handshake-aborted");
        assertEquals(Confidence.LIKELY, aborted.confidence());
        assertEquals(List.of("tls-version-mismatch", "tls-no-common-cipher"),
                aborted.alternatives().stream().map(Alternative::code).toList());
        assertTrue(aborted.explanation().contains("The capture cut the hello (cut at byte 21 of 205, in random)"),
                aborted.explanation());
        assertFalse(codes(cut).contains("tls-version-mismatch"));
        assertEquals(whole.diagnosis().outcome(), cut.diagnosis().outcome());
        assertTrue(finding(cut, "snaplen-truncated").explanation().startsWith("1 segment of this connection was captured only in part"));
    }

    /** tshark on the same files: where it marks the packets cut, and what the whole hello holds. */
    @Test
    void agreesWithTshark() throws Exception {
        Assumptions.assumeTrue(tsharkAvailable(), "tshark not installed");
        String file = Captures.path("snaplen/tls12-s300.pcap").toString();
        // the frames tshark marks "[Packet size limited during capture]" (_ws.short) are those mailscope saw cut
        List<Long> short_ = tshark(file, "_ws.short", "frame.number").stream().map(Long::parseLong).toList();
        List<Long> truncated = all(Captures.only("snaplen/tls12-s300.pcap"), io.mailscope.dissect.SessionEvent.Truncated.class)
                .stream().map(t -> t.at().frame()).toList();
        assertEquals(List.of(4L, 6L, 9L), short_);
        assertEquals(short_, truncated);
        // frame 4's lengths give the bytes of the hello that arrived
        String[] lengths = tshark(file, "frame.number==4", "frame.len", "frame.cap_len", "tcp.len").get(0).split("\\|");
        int payloadCaptured = Integer.parseInt(lengths[2]) - (Integer.parseInt(lengths[0]) - Integer.parseInt(lengths[1]));
        ClientHello cut = clientHello(Captures.only("snaplen/tls12-s300.pcap"));
        // the hello begins the segment after a 5-byte record header and a 4-byte handshake header; the cut comes
        // where its last whole extension ended or later
        assertTrue(cut.cut().captured() <= payloadCaptured - 9, cut.cut() + " vs " + payloadCaptured);
        // tshark's dissection of the whole capture: the same SNI, and the suites and extensions the cut one lists
        String[] hello = tshark(Captures.path("snaplen/tls12-s300-full.pcap").toString(), "tls.handshake.type==1",
                "tls.handshake.extensions_server_name", "tls.handshake.ciphersuite", "tls.handshake.extension.type").get(0)
                .split("\\|");
        assertEquals(hello[0], cut.sni());
        assertEquals(Arrays.stream(hello[1].split(",")).map(Integer::decode).toList(), cut.cipherSuites());
        List<Integer> extensions = Arrays.stream(hello[2].split(",")).map(Integer::decode).toList();
        assertEquals(extensions.subList(0, cut.extensions().size()), cut.extensions());
        assertTrue(cut.extensions().size() < extensions.size());
    }

    private static boolean tsharkAvailable() {
        try {
            return new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<String> tshark(String file, String filter, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", file, "-d", "tcp.port==10993,tls", "-Y", filter,
                "-T", "fields", "-E", "separator=|"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        return out.lines().toList();
    }
}
