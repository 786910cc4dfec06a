package io.mailscope.capture;

import static io.mailscope.capture.Bytes.be16;
import static io.mailscope.capture.Bytes.be32;
import static io.mailscope.capture.Bytes.le32;

import java.util.Arrays;

/**
 * Decodes link, IP and TCP headers of raw frames into a reused {@link TcpSegment} and passes TCP to a sink;
 * counts and skips everything else. Shared by file reading and live capture, so it knows nothing of files.
 *
 * <p>Lengths come from the IP header, never from the frame: Ethernet pads short frames to 60 bytes, and that padding
 * must not become payload. IP fragments are counted and skipped (no IP reassembly: TCP stacks avoid fragmenting, by
 * path MTU discovery, so a mail connection almost never has any). Nothing here throws on bad input; each frame
 * ends up counted exactly once as tcp, nonTcp, undecodable or fragment.
 */
public final class PacketDecoder implements FrameSink {
    private static final int TCP = 0, NON_TCP = 1, UNDECODABLE = 2, FRAGMENT = 3;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;

    private static final int PROTO_TCP = 6;
    private static final int IPV6_HOP_BY_HOP = 0, IPV6_ROUTING = 43, IPV6_FRAGMENT = 44, IPV6_DEST_OPTIONS = 60,
            IPV6_AUTH = 51;

    /** BSD address families in the NULL/LOOP header: AF_INET everywhere; AF_INET6 differs per BSD. */
    private static final int AF_INET = 2, AF_INET6_BSD = 24, AF_INET6_FREEBSD = 28, AF_INET6_DARWIN = 30;

    private final SegmentSink sink;
    private final TcpSegment segment = new TcpSegment();
    private long frames, bytes, tcp, nonTcp, undecodable, truncated, fragments;
    /** Where the current frame would end on the wire: the length of last resort when IP says 0 (TSO, jumbo). */
    private long wireEnd;

    public PacketDecoder(SegmentSink sink) {
        this.sink = sink;
    }

    /** True when frames of this LINKTYPE_ value can be decoded. */
    public static boolean supportsLinkType(int linkType) {
        return LinkTypes.supported(linkType);
    }

    @Override
    public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
        frames++;
        if (buf == null || offset < 0 || capLen < 0 || offset > buf.length) {
            undecodable++;
            return;
        }
        bytes += capLen;
        int end = offset + Math.min(capLen, buf.length - offset);
        wireEnd = (long) offset + Math.max(origLen, capLen);
        switch (decode(linkType, buf, offset, end)) {
            case TCP -> {
                tcp++;
                if (segment.truncated()) {
                    truncated++;
                }
                segment.frame = frameNumber;
                segment.timeNanos = timeNanos;
                sink.segment(segment);
            }
            case NON_TCP -> nonTcp++;
            case FRAGMENT -> fragments++;
            default -> undecodable++;
        }
    }

    private int decode(int linkType, byte[] b, int p, int end) {
        switch (linkType) {
            case LinkTypes.ETHERNET:
                if (end - p < 14) {
                    return UNDECODABLE;
                }
                return etherType(be16(b, p + 12), b, p + 14, end);
            case LinkTypes.LINUX_SLL:
                // packet type(2) ARPHRD(2) address length(2) address(8) protocol(2)
                if (end - p < 16) {
                    return UNDECODABLE;
                }
                return etherType(be16(b, p + 14), b, p + 16, end);
            case LinkTypes.LINUX_SLL2:
                // protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) address length(1) address(8)
                if (end - p < 20) {
                    return UNDECODABLE;
                }
                return etherType(be16(b, p), b, p + 20, end);
            case LinkTypes.RAW:
                if (end - p < 1) {
                    return UNDECODABLE;
                }
                return switch ((b[p] & 0xf0) >> 4) {
                    case 4 -> ipv4(b, p, end);
                    case 6 -> ipv6(b, p, end);
                    default -> UNDECODABLE;
                };
            case LinkTypes.IPV4:
                return ipv4(b, p, end);
            case LinkTypes.IPV6:
                return ipv6(b, p, end);
            case LinkTypes.NULL:
                if (end - p < 4) {
                    return UNDECODABLE;
                }
                // The writer's host byte order: family values are small, so zero high bytes first means big-endian.
                long family = b[p] == 0 && b[p + 1] == 0 ? be32(b, p) : le32(b, p);
                return addressFamily(family, b, p + 4, end);
            case LinkTypes.LOOP:
                if (end - p < 4) {
                    return UNDECODABLE;
                }
                return addressFamily(be32(b, p), b, p + 4, end);
            default:
                return UNDECODABLE;
        }
    }

    /** Skips any depth of 802.1Q / 802.1ad / QinQ tags, then dispatches on the EtherType. */
    private int etherType(int type, byte[] b, int p, int end) {
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            if (end - p < 4) {
                return UNDECODABLE;
            }
            type = be16(b, p + 2);
            p += 4;
        }
        return switch (type) {
            case ETHERTYPE_IPV4 -> ipv4(b, p, end);
            case ETHERTYPE_IPV6 -> ipv6(b, p, end);
            default -> NON_TCP;
        };
    }

    private int addressFamily(long family, byte[] b, int p, int end) {
        if (family == AF_INET) {
            return ipv4(b, p, end);
        }
        if (family == AF_INET6_BSD || family == AF_INET6_FREEBSD || family == AF_INET6_DARWIN) {
            return ipv6(b, p, end);
        }
        return NON_TCP;
    }

    private int ipv4(byte[] b, int p, int end) {
        if (end - p < 20 || (b[p] & 0xf0) != 0x40) {
            return UNDECODABLE;
        }
        int headerLength = (b[p] & 0x0f) * 4;
        if (headerLength < 20 || end - p < headerLength) {
            return UNDECODABLE;
        }
        long totalLength = be16(b, p + 2);
        if (totalLength == 0) {
            // Segmentation offload hands the capture a large segment whose length field is still 0.
            totalLength = wireEnd - p;
        }
        if (totalLength < headerLength) {
            return UNDECODABLE;
        }
        if ((be16(b, p + 6) & 0x3fff) != 0) {
            return FRAGMENT; // more-fragments flag or a fragment offset
        }
        if ((b[p + 9] & 0xff) != PROTO_TCP) {
            return NON_TCP;
        }
        TcpSegment s = segment;
        s.ipVersion = 4;
        System.arraycopy(b, p + 12, s.src, 0, 4);
        System.arraycopy(b, p + 16, s.dst, 0, 4);
        Arrays.fill(s.src, 4, 16, (byte) 0);
        Arrays.fill(s.dst, 4, 16, (byte) 0);
        return tcp(b, p + headerLength, (int) Math.min(totalLength - headerLength, Integer.MAX_VALUE), end);
    }

    private int ipv6(byte[] b, int p, int end) {
        if (end - p < 40 || (b[p] & 0xf0) != 0x60) {
            return UNDECODABLE;
        }
        long remaining = be16(b, p + 4);
        if (remaining == 0) {
            // A jumbogram or an offloaded segment: the frame says how long it is.
            remaining = wireEnd - (p + 40);
        }
        int next = b[p + 6] & 0xff;
        int q = p + 40;
        // Each extension header is at least 8 bytes inside a bounded frame, so this ends.
        while (true) {
            int headerLength;
            switch (next) {
                case PROTO_TCP -> {
                    TcpSegment s = segment;
                    s.ipVersion = 6;
                    System.arraycopy(b, p + 8, s.src, 0, 16);
                    System.arraycopy(b, p + 24, s.dst, 0, 16);
                    return tcp(b, q, (int) Math.min(remaining, Integer.MAX_VALUE), end);
                }
                case IPV6_HOP_BY_HOP, IPV6_ROUTING, IPV6_DEST_OPTIONS -> {
                    if (end - q < 8) {
                        return UNDECODABLE;
                    }
                    headerLength = ((b[q + 1] & 0xff) + 1) * 8;
                }
                case IPV6_AUTH -> {
                    if (end - q < 8) {
                        return UNDECODABLE;
                    }
                    headerLength = ((b[q + 1] & 0xff) + 2) * 4;
                }
                case IPV6_FRAGMENT -> {
                    if (end - q < 8) {
                        return UNDECODABLE;
                    }
                    // An "atomic fragment" (offset 0, no more fragments) is a whole packet: read on.
                    if ((be16(b, q + 2) & 0xfff9) != 0) {
                        return FRAGMENT;
                    }
                    headerLength = 8;
                }
                default -> {
                    return NON_TCP; // UDP, ICMPv6, ESP, no next header...
                }
            }
            if (headerLength > remaining || end - q < headerLength) {
                return UNDECODABLE;
            }
            next = b[q] & 0xff;
            q += headerLength;
            remaining -= headerLength;
        }
    }

    /**
     * @param ipPayload the TCP header and payload length by the IP header; bytes past it in the frame are padding
     */
    private int tcp(byte[] b, int p, int ipPayload, int end) {
        int capEnd = (int) Math.min(end, (long) p + ipPayload);
        if (ipPayload < 20 || capEnd - p < 20) {
            return UNDECODABLE;
        }
        int headerLength = ((b[p + 12] & 0xf0) >> 4) * 4;
        if (headerLength < 20 || headerLength > ipPayload) {
            return UNDECODABLE;
        }
        TcpSegment s = segment;
        s.srcPort = be16(b, p);
        s.dstPort = be16(b, p + 2);
        s.seq = be32(b, p + 4);
        s.ack = be32(b, p + 8);
        s.flags = b[p + 13] & 0xff;
        s.window = be16(b, p + 14);
        s.wireLength = ipPayload - headerLength;
        // Options cut by the snaplen leave no payload bytes, but the header fields above are whole.
        int dataStart = Math.min(p + headerLength, capEnd);
        s.data = b;
        s.dataOffset = dataStart;
        s.capturedLength = capEnd - dataStart;
        return TCP;
    }

    public CaptureStats stats() {
        return new CaptureStats(frames, bytes, tcp, nonTcp, undecodable, truncated, fragments);
    }

    SegmentSink sink() {
        return sink;
    }
}
