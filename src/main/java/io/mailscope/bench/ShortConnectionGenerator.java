package io.mailscope.bench;

import static io.mailscope.bench.FrameBytes.ipChecksum;
import static io.mailscope.bench.FrameBytes.put16;
import static io.mailscope.bench.FrameBytes.put32;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import io.mailscope.capture.PcapWriter;

/**
 * The many-connections workloads of the benchmark, where the cost per connection (opening, diagnosing,
 * reporting, forgetting) matters more than the cost per packet:
 * <ul>
 *   <li>{@link Kind#SCAN}: one SYN per connection to port 993 and no answer (a port scan, or a server that went
 *       away), every SYN from its own client address and port;</li>
 *   <li>{@link Kind#IMAP_SHORT}: complete short plaintext IMAP sessions on port 143 as a monitoring probe plays them:
 *       handshake, greeting, {@code a1 LOGOUT}, {@code * BYE} + {@code a1 OK}, FIN, FIN, ACK (10 packets).</li>
 * </ul>
 * Connections follow one another 50 µs apart (a short session's packets 5 µs apart), so each is closed before
 * the next opens: what is measured is the per-connection path, not how many are open at once. Deterministic.
 */
public final class ShortConnectionGenerator {
    /** Which workload. */
    public enum Kind {
        SCAN("scan"), IMAP_SHORT("imap-short");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Packets one connection of this kind is written with. */
        public int packetsPerConnection() {
            return this == SCAN ? 1 : 10;
        }
    }

    private static final long START_NANOS = 1_764_115_200_000_000_000L; // 2025-11-26 00:00 UTC, as CaptureGenerator
    private static final long CONNECTION_GAP_NANOS = 50_000;
    private static final long PACKET_GAP_NANOS = 5_000;
    private static final int SERVER_IP = (192 << 24) | (2 << 8) | 25; // 192.0.2.25
    private static final byte[] CLIENT_MAC = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
    private static final byte[] SERVER_MAC = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x02};
    private static final int SYN = 0x02, FIN = 0x01, ACK = 0x10, PSH = 0x08;

    private static final byte[] GREETING = ascii("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready.\r\n");
    private static final byte[] LOGOUT = ascii("a1 LOGOUT\r\n");
    private static final byte[] BYE = ascii("* BYE Logging out\r\na1 OK Logout completed.\r\n");

    private final Kind kind;
    private final int connections;
    private final byte[] frame = new byte[14 + 20 + 20 + 256];

    public ShortConnectionGenerator(Kind kind, int connections) {
        if (connections < 1) {
            throw new IllegalArgumentException("connections must be at least 1");
        }
        this.kind = kind;
        this.connections = connections;
    }

    public CaptureGenerator.Result write(PcapWriter out) throws IOException {
        long clock = START_NANOS;
        for (int i = 0; i < connections; i++) {
            // 10.x.y.z, a new client address every 28,232 ports, as the long-session generator spreads them
            int clientIp = (10 << 24) | (1 + i / 28_232);
            int clientPort = 32768 + i % 28_232;
            if (kind == Kind.SCAN) {
                emit(out, clock, clientIp, clientPort, 993, true, SYN, 1000 + i, 0, null);
            } else {
                session(out, clock, clientIp, clientPort, i);
            }
            clock += CONNECTION_GAP_NANOS;
        }
        return new CaptureGenerator.Result(out.frames(), connections, out.bytes());
    }

    /** 10 packets: SYN, SYN-ACK, ACK, greeting, LOGOUT, BYE + OK, FIN (client), FIN-ACK (server), ACK. */
    private void session(PcapWriter out, long t, int clientIp, int clientPort, int i) throws IOException {
        int c = 1_000_000 + i * 7;
        int s = 2_000_000 + i * 11;
        long d = PACKET_GAP_NANOS;
        emit(out, t, clientIp, clientPort, 143, true, SYN, c, 0, null);
        emit(out, t + d, clientIp, clientPort, 143, false, SYN | ACK, s, c + 1, null);
        emit(out, t + 2 * d, clientIp, clientPort, 143, true, ACK, c + 1, s + 1, null);
        emit(out, t + 3 * d, clientIp, clientPort, 143, false, PSH | ACK, s + 1, c + 1, GREETING);
        int s1 = s + 1 + GREETING.length;
        emit(out, t + 4 * d, clientIp, clientPort, 143, true, PSH | ACK, c + 1, s1, LOGOUT);
        int c1 = c + 1 + LOGOUT.length;
        emit(out, t + 5 * d, clientIp, clientPort, 143, false, PSH | ACK, s1, c1, BYE);
        int s2 = s1 + BYE.length;
        emit(out, t + 6 * d, clientIp, clientPort, 143, true, ACK, c1, s2, null);
        emit(out, t + 7 * d, clientIp, clientPort, 143, true, FIN | ACK, c1, s2, null);
        emit(out, t + 8 * d, clientIp, clientPort, 143, false, FIN | ACK, s2, c1 + 1, null);
        emit(out, t + 9 * d, clientIp, clientPort, 143, true, ACK, c1 + 1, s2 + 1, null);
    }

    private void emit(PcapWriter out, long time, int clientIp, int clientPort, int serverPort, boolean fromClient,
                      int flags, int seq, int ack, byte[] payload) throws IOException {
        byte[] f = frame;
        int len = payload == null ? 0 : payload.length;
        System.arraycopy(fromClient ? SERVER_MAC : CLIENT_MAC, 0, f, 0, 6);
        System.arraycopy(fromClient ? CLIENT_MAC : SERVER_MAC, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x00;
        int ip = 14;
        f[ip] = 0x45;
        f[ip + 1] = 0;
        put16(f, ip + 2, 20 + 20 + len);
        put16(f, ip + 4, seq & 0xffff);
        put16(f, ip + 6, 0x4000);
        f[ip + 8] = 64;
        f[ip + 9] = 6;
        put16(f, ip + 10, 0);
        put32(f, ip + 12, fromClient ? clientIp : SERVER_IP);
        put32(f, ip + 16, fromClient ? SERVER_IP : clientIp);
        put16(f, ip + 10, ipChecksum(f, ip));
        int t = ip + 20;
        put16(f, t, fromClient ? clientPort : serverPort);
        put16(f, t + 2, fromClient ? serverPort : clientPort);
        put32(f, t + 4, seq);
        put32(f, t + 8, ack);
        f[t + 12] = (byte) (5 << 4);
        f[t + 13] = (byte) flags;
        put16(f, t + 14, 64240);
        put16(f, t + 16, 0); // checksum offload, as CaptureGenerator
        put16(f, t + 18, 0);
        if (len > 0) {
            System.arraycopy(payload, 0, f, t + 20, len);
        }
        out.write(time, f, 0, t + 20 + len, t + 20 + len);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
