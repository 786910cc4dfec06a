package io.mailscope.cli.connect;

import io.mailscope.capture.FrameSink;
import io.mailscope.capture.LinkTypes;
import io.mailscope.tcp.Direction;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * Writes what a socket saw as the packets a capture of the same connection would hold (raw IPv4 or IPv6 with
 * TCP, one segment per chunk read or written, real timestamps), so that {@code connect} is explained by the very
 * chain {@code analyze} runs on a pcap: reassembly, dissection, diagnosis. Sequence numbers are invented; ports,
 * addresses, payloads and times are the connection's own.
 */
final class SyntheticTcp {
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int FIN = 0x01;

    /** Payload per segment: what a 16-bit IP length leaves room for, with margin. */
    static final int MAX_PAYLOAD = 60_000;

    private final byte[] clientIp;
    private final byte[] serverIp;
    private final int clientPort;
    private final int serverPort;
    private final boolean v4;
    private final FrameSink sink;
    private long clientSeq = 1_000;
    private long serverSeq = 500_000;
    private long nextFrame = 1;
    private byte[] buf = new byte[2048];

    SyntheticTcp(InetSocketAddress client, InetSocketAddress server, FrameSink sink) {
        this.clientIp = client.getAddress().getAddress();
        this.serverIp = server.getAddress().getAddress();
        this.clientPort = client.getPort();
        this.serverPort = server.getPort();
        this.v4 = server.getAddress() instanceof Inet4Address && clientIp.length == 4;
        this.sink = sink;
    }

    /** The frame number the next packet will get. */
    long nextFrame() {
        return nextFrame;
    }

    long syn(long timeNanos) {
        long f = packet(Direction.CLIENT_TO_SERVER, SYN, null, 0, 0, timeNanos);
        clientSeq++;
        return f;
    }

    /** The same SYN again: the kernel's retransmission when no SYN-ACK came. */
    long synRetransmitted(long timeNanos) {
        clientSeq--;
        long f = packet(Direction.CLIENT_TO_SERVER, SYN, null, 0, 0, timeNanos);
        clientSeq++;
        return f;
    }

    /** The server's SYN-ACK and the client's ACK: the connection is set up. Returns the SYN-ACK's frame. */
    long established(long timeNanos) {
        long f = packet(Direction.SERVER_TO_CLIENT, SYN | ACK, null, 0, 0, timeNanos);
        serverSeq++;
        packet(Direction.CLIENT_TO_SERVER, ACK, null, 0, 0, timeNanos);
        return f;
    }

    /** Payload in one direction; returns the frame of its last segment. */
    long data(Direction d, byte[] data, int off, int len, long timeNanos) {
        long frame = 0;
        int done = 0;
        while (done < len) {
            int n = Math.min(MAX_PAYLOAD, len - done);
            frame = packet(d, PSH | ACK, data, off + done, n, timeNanos);
            advance(d, n);
            done += n;
        }
        return frame;
    }

    long fin(Direction d, long timeNanos) {
        long f = packet(d, FIN | ACK, null, 0, 0, timeNanos);
        advance(d, 1);
        return f;
    }

    /** A reset; {@code withAck} for the RST-ACK a closed port answers a SYN with. */
    long rst(Direction d, boolean withAck, long timeNanos) {
        return packet(d, withAck ? RST | ACK : RST, null, 0, 0, timeNanos);
    }

    private void advance(Direction d, int n) {
        if (d == Direction.CLIENT_TO_SERVER) {
            clientSeq += n;
        } else {
            serverSeq += n;
        }
    }

    private long packet(Direction d, int flags, byte[] payload, int off, int len, long timeNanos) {
        boolean fromClient = d == Direction.CLIENT_TO_SERVER;
        int ipLen = v4 ? 20 : 40;
        int total = ipLen + 20 + len;
        if (buf.length < total) {
            buf = new byte[Math.max(total, buf.length * 2)];
        }
        byte[] src = fromClient ? clientIp : serverIp;
        byte[] dst = fromClient ? serverIp : clientIp;
        if (v4) {
            buf[0] = 0x45;
            buf[1] = 0;
            put16(2, total);
            put16(4, (int) (nextFrame & 0xffff));
            put16(6, 0x4000); // don't fragment
            buf[8] = 64;
            buf[9] = 6;
            put16(10, 0);
            System.arraycopy(src, 0, buf, 12, 4);
            System.arraycopy(dst, 0, buf, 16, 4);
            put16(10, ipv4Checksum());
        } else {
            buf[0] = 0x60;
            buf[1] = 0;
            buf[2] = 0;
            buf[3] = 0;
            put16(4, 20 + len);
            buf[6] = 6;
            buf[7] = 64;
            System.arraycopy(src, 0, buf, 8, 16);
            System.arraycopy(dst, 0, buf, 24, 16);
        }
        int t = ipLen;
        put16(t, fromClient ? clientPort : serverPort);
        put16(t + 2, fromClient ? serverPort : clientPort);
        long seq = fromClient ? clientSeq : serverSeq;
        long ack = (flags & ACK) != 0 ? (fromClient ? serverSeq : clientSeq) : 0;
        put32(t + 4, seq);
        put32(t + 8, ack);
        buf[t + 12] = 0x50;
        buf[t + 13] = (byte) flags;
        put16(t + 14, 65535);
        put16(t + 16, 0); // checksum left out: nothing reading these frames checks it
        put16(t + 18, 0);
        if (len > 0) {
            System.arraycopy(payload, off, buf, t + 20, len);
        }
        long frame = nextFrame++;
        sink.frame(frame, timeNanos, LinkTypes.RAW, buf, 0, total, total);
        return frame;
    }

    private int ipv4Checksum() {
        long sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((buf[i] & 0xff) << 8) | (buf[i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private void put16(int at, int v) {
        buf[at] = (byte) (v >>> 8);
        buf[at + 1] = (byte) v;
    }

    private void put32(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }
}
