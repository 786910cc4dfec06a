package io.mailscope.cli;

import io.mailscope.capture.LinkTypes;
import io.mailscope.capture.PcapWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Test helper: writes a classic pcap (little-endian, microseconds, Ethernet) frame by frame to any stream, so a
 * hostile capture of any size can be generated straight into a pipe without ever being held in memory. Frames are
 * Ethernet / IPv4 / TCP with correct IP total length and TCP data offset (checksums zero, as with offloading).
 * Time advances 10 µs per frame unless set.
 */
final class PcapStream implements AutoCloseable {
    static final int SYN = 0x02, FIN = 0x01, RST = 0x04, PSH = 0x08, ACK = 0x10;
    static final int MSS = 1460;

    private final PcapWriter out;
    /** Outer Ethernet, IPv4, UDP and VXLAN headers of a VXLAN-wrapped frame. */
    static final int VXLAN_OVERHEAD = 14 + 20 + 8 + 8;
    private final ByteBuffer frame = ByteBuffer.allocate(VXLAN_OVERHEAD + 14 + 20 + 20 + 65_535)
            .order(ByteOrder.BIG_ENDIAN);
    private long micros = 1_700_000_000L * 1_000_000L;
    private long frames;

    PcapStream(OutputStream out) {
        try {
            this.out = PcapWriter.to(out, PcapWriter.Format.PCAP_MICROS, LinkTypes.ETHERNET, 262_144);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long frames() {
        return frames;
    }

    /** Moves the clock forward. */
    PcapStream after(long micros) {
        this.micros += micros;
        return this;
    }

    /** One TCP segment from src to dst. */
    void segment(int srcIp, int srcPort, int dstIp, int dstPort, long seq, long ack, int flags, byte[] data, int off, int len) {
        segment(-1, srcIp, srcPort, dstIp, dstPort, seq, ack, flags, data, off, len);
    }

    /**
     * One TCP segment from src to dst, wrapped in VXLAN with this VNI (between VTEPs 192.0.2.10 and 192.0.2.20, swapped
     * with the direction) unless {@code vni} is negative.
     */
    void segment(int vni, int srcIp, int srcPort, int dstIp, int dstPort, long seq, long ack, int flags, byte[] data,
            int off, int len) {
        micros += 10;
        int ipLen = 20 + 20 + len;
        int outer = vni < 0 ? 0 : VXLAN_OVERHEAD;
        frame.clear();
        if (vni >= 0) {
            boolean up = srcPort > dstPort;
            int vtepSrc = up ? ip(192, 0, 2, 10) : ip(192, 0, 2, 20);
            int vtepDst = up ? ip(192, 0, 2, 20) : ip(192, 0, 2, 10);
            int udpLen = 8 + 8 + 14 + ipLen;
            frame.putInt(0x02000000).putShort((short) 0x0b).putInt(0x02000000).putShort((short) 0x0a)
                    .putShort((short) 0x0800);
            frame.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLen)).putShort((short) 0)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0).putInt(vtepSrc)
                    .putInt(vtepDst);
            frame.putShort((short) (49152 + (srcPort & 0x3fff))).putShort((short) 4789).putShort((short) udpLen)
                    .putShort((short) 0);
            frame.putInt(0x08000000).putInt(vni << 8);
        }
        frame.putInt(0x02000000).putShort((short) 2).putInt(0x02000000).putShort((short) 1).putShort((short) 0x0800);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) 0).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(srcIp).putInt(dstIp);
        frame.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack)
                .put((byte) 0x50).put((byte) flags).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        frame.put(data, off, len);
        try {
            out.write(micros * 1000, frame.array(), 0, frame.position(), frame.position());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        frames++;
    }

    /** A TCP connection between two IPv4 hosts; sequence numbers are tracked. */
    Conn conn(int clientIp, int clientPort, int serverIp, int serverPort) {
        return new Conn(clientIp, clientPort, serverIp, serverPort, -1);
    }

    /** A TCP connection inside VXLAN network {@code vni}. */
    Conn conn(int vni, int clientIp, int clientPort, int serverIp, int serverPort) {
        return new Conn(clientIp, clientPort, serverIp, serverPort, vni);
    }

    static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    final class Conn {
        final int clientIp, clientPort, serverIp, serverPort, vni;
        long cSeq = 1000, sSeq = 900_000;

        Conn(int clientIp, int clientPort, int serverIp, int serverPort, int vni) {
            this.vni = vni;
            this.clientIp = clientIp;
            this.clientPort = clientPort;
            this.serverIp = serverIp;
            this.serverPort = serverPort;
        }

        Conn syn() {
            segment(vni, clientIp, clientPort, serverIp, serverPort, cSeq, 0, SYN, new byte[0], 0, 0);
            return this;
        }

        Conn handshake() {
            syn();
            segment(vni, serverIp, serverPort, clientIp, clientPort, sSeq, cSeq + 1, SYN | ACK, new byte[0], 0, 0);
            cSeq++;
            sSeq++;
            segment(vni, clientIp, clientPort, serverIp, serverPort, cSeq, sSeq, ACK, new byte[0], 0, 0);
            return this;
        }

        Conn client(String text) {
            return client(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        Conn server(String text) {
            return server(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        /** The client's bytes, in segments of at most one MSS. */
        Conn client(byte[] data) {
            return client(data, 0, data.length);
        }

        Conn client(byte[] data, int off, int len) {
            for (int at = off; at < off + len; at += MSS) {
                int n = Math.min(MSS, off + len - at);
                segment(vni, clientIp, clientPort, serverIp, serverPort, cSeq, sSeq, ACK | PSH, data, at, n);
                cSeq += n;
            }
            return this;
        }

        Conn server(byte[] data) {
            return server(data, 0, data.length);
        }

        Conn server(byte[] data, int off, int len) {
            for (int at = off; at < off + len; at += MSS) {
                int n = Math.min(MSS, off + len - at);
                segment(vni, serverIp, serverPort, clientIp, clientPort, sSeq, cSeq, ACK | PSH, data, at, n);
                sSeq += n;
            }
            return this;
        }

        /** Client bytes at {@code skip} bytes past the next expected sequence number: a hole that is never filled. */
        Conn clientBeyondHole(long skip, byte[] data, int off, int len) {
            segment(vni, clientIp, clientPort, serverIp, serverPort, cSeq + skip, sSeq, ACK | PSH, data, off, len);
            return this;
        }

        Conn fin() {
            segment(vni, clientIp, clientPort, serverIp, serverPort, cSeq, sSeq, FIN | ACK, new byte[0], 0, 0);
            cSeq++;
            segment(vni, serverIp, serverPort, clientIp, clientPort, sSeq, cSeq, FIN | ACK, new byte[0], 0, 0);
            sSeq++;
            segment(vni, clientIp, clientPort, serverIp, serverPort, cSeq, sSeq, ACK, new byte[0], 0, 0);
            return this;
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
