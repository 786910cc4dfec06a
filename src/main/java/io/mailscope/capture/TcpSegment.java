package io.mailscope.capture;

/**
 * One TCP segment decoded from a captured frame.
 *
 * <p>A single instance is reused for every packet so the per-packet path allocates nothing:
 * it is valid only during the {@link SegmentSink#segment} call. Copy what you keep.
 */
public final class TcpSegment {
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40, CWR = 0x80;

    /** 1-based frame number in the capture (continues across the files of one run). */
    public long frame;
    /** Capture timestamp, nanoseconds since the Unix epoch. */
    public long timeNanos;
    /** 4 or 6. */
    public int ipVersion;
    /** Source and destination address: the first 4 (IPv4) or 16 (IPv6) bytes are valid. */
    public final byte[] src = new byte[16];
    public final byte[] dst = new byte[16];
    public int srcPort;
    public int dstPort;
    /** Sequence and acknowledgement numbers as unsigned 32-bit values. */
    public long seq;
    public long ack;
    /** TCP flags byte (FIN, SYN, RST, PSH, ACK, URG, ECE, CWR). */
    public int flags;
    public int window;
    /** The payload bytes present in the capture: {@code data[dataOffset .. dataOffset + capturedLength)}. */
    public byte[] data;
    public int dataOffset;
    public int capturedLength;
    /** Payload length according to the IP header; larger than capturedLength when the snaplen cut the frame. */
    public int wireLength;
    /** The tunnels and tags the segment was found inside, outermost first (empty for a plain frame). */
    public final TunnelStack tunnel = new TunnelStack();

    public int addressLength() {
        return ipVersion == 6 ? 16 : 4;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean truncated() {
        return capturedLength < wireLength;
    }
}
