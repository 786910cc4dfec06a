package io.mailscope.tcp;

import io.mailscope.capture.SegmentSink;
import io.mailscope.capture.TcpSegment;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds the TCP segments of one connection and feeds them to a sink, the way a capture reader does: one reused
 * {@link TcpSegment}, payload at a non-zero offset of a scratch array that is scribbled over after each call
 * (so anything kept without copying shows up as corruption). Frames count up from 1 and time advances 1 ms
 * per segment unless set.
 *
 * <p>Sequence numbers are explicit ({@link #client}, {@link #server}) or tracked ({@link #clientSends},
 * {@link #serverSends}, {@link #handshake}).
 */
final class Wire {
    static final int SYN = TcpSegment.SYN, ACK = TcpSegment.ACK, FIN = TcpSegment.FIN, RST = TcpSegment.RST,
            PSH = TcpSegment.PSH;

    private final SegmentSink sink;
    private final TcpSegment seg = new TcpSegment();
    private final byte[] clientIp;
    private final byte[] serverIp;
    final int clientPort;
    final int serverPort;
    private final byte[] scratch = new byte[70_000];
    /** Shared across wires so several connections interleave in one capture. */
    private final long[] clock;

    /** Next sequence numbers, when tracked. */
    long cSeq;
    long sSeq;
    int window = 65535;

    Wire(SegmentSink sink, String clientIp, int clientPort, String serverIp, int serverPort) {
        this(sink, clientIp, clientPort, serverIp, serverPort, new long[] {0, 1_000_000_000_000L});
    }

    private Wire(SegmentSink sink, String clientIp, int clientPort, String serverIp, int serverPort, long[] clock) {
        this.sink = sink;
        this.clientIp = addr(clientIp);
        this.serverIp = addr(serverIp);
        this.clientPort = clientPort;
        this.serverPort = serverPort;
        this.clock = clock;
    }

    static Wire imap(SegmentSink sink) {
        return new Wire(sink, "10.0.0.1", 50000, "10.0.0.2", 143);
    }

    /** Another connection in the same capture (shared frame counter and clock). */
    Wire other(String clientIp, int clientPort, String serverIp, int serverPort) {
        return new Wire(sink, clientIp, clientPort, serverIp, serverPort, clock);
    }

    long frame() {
        return clock[0];
    }

    long now() {
        return clock[1];
    }

    Wire at(long timeNanos) {
        clock[1] = timeNanos;
        return this;
    }

    Wire after(long nanos) {
        clock[1] += nanos;
        return this;
    }

    // ---- explicit segments

    Wire client(int flags, long seq, long ack, String payload) {
        return send(true, flags, seq, ack, bytes(payload), -1);
    }

    Wire server(int flags, long seq, long ack, String payload) {
        return send(false, flags, seq, ack, bytes(payload), -1);
    }

    Wire client(int flags, long seq, long ack, byte[] payload) {
        return send(true, flags, seq, ack, payload, -1);
    }

    /** A segment of which only the first {@code captured} payload bytes are in the capture (snaplen). */
    Wire clientTruncated(long seq, long ack, String payload, int captured) {
        return send(true, ACK | PSH, seq, ack, bytes(payload), captured);
    }

    // ---- tracked segments

    /** SYN (client ISN cIsn), SYN-ACK (server ISN sIsn), ACK. */
    Wire handshake(long cIsn, long sIsn) {
        client(SYN, cIsn, 0, "");
        server(SYN | ACK, sIsn, cIsn + 1, "");
        cSeq = (cIsn + 1) & 0xffffffffL;
        sSeq = (sIsn + 1) & 0xffffffffL;
        return client(ACK, cSeq, sSeq, "");
    }

    Wire clientSends(String payload) {
        client(ACK | PSH, cSeq, sSeq, payload);
        cSeq = (cSeq + payload.length()) & 0xffffffffL;
        return this;
    }

    Wire serverSends(String payload) {
        server(ACK | PSH, sSeq, cSeq, payload);
        sSeq = (sSeq + payload.length()) & 0xffffffffL;
        return this;
    }

    Wire clientAck() {
        return client(ACK, cSeq, sSeq, "");
    }

    Wire serverAck() {
        return server(ACK, sSeq, cSeq, "");
    }

    Wire clientFin() {
        client(FIN | ACK, cSeq, sSeq, "");
        cSeq = (cSeq + 1) & 0xffffffffL;
        return this;
    }

    Wire serverFin() {
        server(FIN | ACK, sSeq, cSeq, "");
        sSeq = (sSeq + 1) & 0xffffffffL;
        return this;
    }

    private Wire send(boolean fromClient, int flags, long seq, long ack, byte[] payload, int captured) {
        clock[0]++;
        clock[1] += 1_000_000L;
        seg.frame = clock[0];
        seg.timeNanos = clock[1];
        byte[] src = fromClient ? clientIp : serverIp;
        byte[] dst = fromClient ? serverIp : clientIp;
        seg.ipVersion = src.length == 16 ? 6 : 4;
        Arrays.fill(seg.src, (byte) 0);
        Arrays.fill(seg.dst, (byte) 0);
        System.arraycopy(src, 0, seg.src, 0, src.length);
        System.arraycopy(dst, 0, seg.dst, 0, dst.length);
        seg.srcPort = fromClient ? clientPort : serverPort;
        seg.dstPort = fromClient ? serverPort : clientPort;
        seg.seq = seq & 0xffffffffL;
        seg.ack = ack & 0xffffffffL;
        seg.flags = flags;
        seg.window = window;
        int offset = 54;
        System.arraycopy(payload, 0, scratch, offset, payload.length);
        seg.data = scratch;
        seg.dataOffset = offset;
        seg.wireLength = payload.length;
        seg.capturedLength = captured < 0 ? payload.length : captured;
        sink.segment(seg);
        Arrays.fill(scratch, offset, offset + payload.length, (byte) '~'); // the capture reuses its buffer
        return this;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] addr(String ip) {
        try {
            return InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
