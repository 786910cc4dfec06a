package io.mailscope.explain.rules;

import io.mailscope.capture.RawFrame;
import io.mailscope.dissect.PortRoles;
import io.mailscope.pipeline.Analysis;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.tcp.ReassemblyLimits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A synthetic connection for rule specifications: who sent what, when, as raw IPv4/TCP frames (link type RAW)
 * fed through the whole chain (decoding, reassembly, dissection, rules), so a rule is tested on the same events
 * a capture would give it. Time starts at 0 and advances 1 ms per packet unless {@link #after} says more.
 *
 * <pre>
 * Diagnosis d = Conversation.to(143).greeting("* OK IMAP4rev1 ready")
 *         .client("a1 LOGIN alice secret").server("a1 NO LOGIN Command disabled").close().diagnosis();
 * </pre>
 */
final class Conversation {
    private static final int LINKTYPE_RAW = 101;
    private final List<byte[]> frames = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private final int serverPort;
    private final int clientPort = 50123;
    private long now = 1_700_000_000_000_000_000L;
    private long cSeq = 1000;
    private long sSeq = 5000;

    private Conversation(int serverPort) {
        this.serverPort = serverPort;
    }

    /** A connection to this server port (143 is plaintext IMAP, 993 implicit TLS), set up with SYN, SYN-ACK, ACK. */
    static Conversation to(int serverPort) {
        Conversation c = new Conversation(serverPort);
        c.segment(true, 0x02, "");
        c.cSeq++;
        c.segment(false, 0x12, "");
        c.sSeq++;
        c.segment(true, 0x10, "");
        return c;
    }

    /** A connection already open when the capture began: no handshake is seen. */
    static Conversation midstream(int serverPort) {
        return new Conversation(serverPort);
    }

    /** A SYN and nothing else (the caller adds what comes back, if anything). */
    static Conversation syn(int serverPort) {
        Conversation c = new Conversation(serverPort);
        c.segment(true, 0x02, "");
        c.cSeq++;
        return c;
    }

    /**
     * Only the server's SYN-ACK: the capture missed the client's SYN (Zeek's SHR and RSTRH begin so). The client is
     * still the side that connected to {@code serverPort}.
     */
    static Conversation synAckOnly(int serverPort) {
        Conversation c = new Conversation(serverPort);
        c.cSeq++;
        c.segment(false, 0x12, "");
        c.sSeq++;
        return c;
    }

    /** The server's SYN-ACK to the SYN (which {@link #syn} leaves to the caller); the client's ACK is the caller's too. */
    Conversation synAck() {
        segment(false, 0x12, "");
        sSeq++;
        return this;
    }

    /** The client's SYN again, same ISN: the kernel's retransmission. */
    Conversation synAgain() {
        cSeq--;
        segment(true, 0x02, "");
        cSeq++;
        return this;
    }

    /** A new SYN from the same client port with another ISN: a new connection that reuses the ports of this one. */
    Conversation newSynSamePorts() {
        cSeq += 1_000_000;
        segment(true, 0x02, "");
        cSeq++;
        return this;
    }

    /** A bare ACK from the client (as it sends only for something it received). */
    Conversation clientAck() {
        segment(true, 0x10, "");
        return this;
    }

    /**
     * A bare ACK from the server where a SYN-ACK was due: a challenge ACK (RFC 5961) from a server that still holds
     * an earlier connection on these ports, acknowledging that one's sequence numbers.
     */
    Conversation serverChallengeAck() {
        long saved = cSeq;
        cSeq = 777_777;
        segment(false, 0x10, "");
        cSeq = saved;
        return this;
    }

    /** The client's RST in answer to a challenge ACK: its sequence number is the ACK's acknowledgement. */
    Conversation clientRstForChallenge() {
        long saved = cSeq;
        cSeq = 777_777;
        segment(true, 0x04, "");
        cSeq = saved;
        return this;
    }

    Conversation after(double seconds) {
        now += (long) (seconds * 1e9);
        return this;
    }

    Conversation greeting(String line) {
        return server(line);
    }

    /** A line from the client, CRLF added. */
    Conversation client(String line) {
        return clientBytes(line + "\r\n");
    }

    Conversation clientBytes(String raw) {
        segment(true, 0x18, raw);
        cSeq += raw.getBytes(StandardCharsets.ISO_8859_1).length;
        return this;
    }

    Conversation clientBytes(byte[] raw) {
        segment(true, 0x18, new String(raw, StandardCharsets.ISO_8859_1));
        cSeq += raw.length;
        return this;
    }

    /** A line from the server, CRLF added. */
    Conversation server(String line) {
        return serverBytes(line + "\r\n");
    }

    Conversation serverBytes(String raw) {
        segment(false, 0x18, raw);
        sSeq += raw.getBytes(StandardCharsets.ISO_8859_1).length;
        return this;
    }

    Conversation serverBytes(byte[] raw) {
        segment(false, 0x18, new String(raw, StandardCharsets.ISO_8859_1));
        sSeq += raw.length;
        return this;
    }

    Conversation clientFin() {
        segment(true, 0x11, "");
        cSeq++;
        return this;
    }

    Conversation serverFin() {
        segment(false, 0x11, "");
        sSeq++;
        return this;
    }

    Conversation clientRst() {
        segment(true, 0x04, "");
        return this;
    }

    Conversation serverRst() {
        segment(false, 0x14, "");
        return this;
    }

    /** The client closes, then the server. */
    Conversation close() {
        return clientFin().serverFin();
    }

    Diagnosis diagnosis() {
        return session().diagnosis();
    }

    /** Capture time of the last packet so far (epoch nanoseconds). */
    long now() {
        return now;
    }

    /** The chain after these packets, the connection still open (as live capture sees it). */
    Analysis open(List<AnalyzedSession> out) {
        Analysis a = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add);
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            a.frame(i + 1, times.get(i), LINKTYPE_RAW, f, 0, f.length, f.length);
        }
        return a;
    }

    /**
     * Writes these packets as a real pcap file (nanosecond timestamps, raw IPv4) in {@code dir} and analyzes it
     * through the capture reader as `mailscope analyze` does (SYN-only connections kept as compact records).
     */
    Diagnosis diagnosisFromPcap(java.nio.file.Path dir) {
        List<Diagnosis> all = diagnosesFromPcap(dir);
        if (all.size() != 1) {
            throw new AssertionError("expected one session, got " + all.size());
        }
        return all.get(0);
    }

    /** Every session of {@link #diagnosisFromPcap}'s file, in the order they opened. */
    List<Diagnosis> diagnosesFromPcap(java.nio.file.Path dir) {
        java.nio.file.Path file = dir.resolve("conversation-" + frames.size() + "-" + System.nanoTime() + ".pcap");
        try (io.mailscope.capture.PcapWriter w = io.mailscope.capture.PcapWriter.create(file,
                io.mailscope.capture.PcapWriter.Format.PCAP_NANOS, LINKTYPE_RAW, 65_535)) {
            for (int i = 0; i < frames.size(); i++) {
                w.write(times.get(i), frames.get(i), 0, frames.get(i).length, frames.get(i).length);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add).compactSynOnly(true);
        try {
            a.read(file.toString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        a.finish();
        out.sort(java.util.Comparator.comparingLong(x -> x.session().connection().id()));
        return out.stream().map(AnalyzedSession::diagnosis).toList();
    }

    AnalyzedSession session() {
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = open(out);
        a.finish();
        if (out.size() != 1) {
            throw new AssertionError("expected one session, got " + out.size());
        }
        return out.get(0);
    }

    /** The finding with this code, or an assertion error listing those there are. */
    static Finding finding(Diagnosis d, String code) {
        return d.findings().stream().filter(f -> f.code().equals(code)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + code + " in " + codes(d)));
    }

    static List<String> codes(Diagnosis d) {
        return d.findings().stream().map(Finding::code).toList();
    }

    private void segment(boolean fromClient, int flags, String payload) {
        now += 1_000_000L;
        long seq = fromClient ? cSeq : sSeq;
        long ack = fromClient ? sSeq : cSeq;
        byte[] f = RawFrame.ipv4Tcp(clientPort, serverPort, fromClient, seq, ack, flags, payload);
        frames.add(f);
        times.add(now);
    }

}
