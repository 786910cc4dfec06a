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
    private static final int ETHERTYPE_MPLS = 0x8847, ETHERTYPE_MPLS_MULTICAST = 0x8848;
    private static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
    /** Transparent Ethernet bridging: an Ethernet frame inside GRE or GENEVE. */
    private static final int ETHERTYPE_TEB = 0x6558;
    /** ERSPAN type I and II (GRE protocol 0x88BE), type III (0x22EB). */
    private static final int ETHERTYPE_ERSPAN = 0x88be, ETHERTYPE_ERSPAN_3 = 0x22eb;
    private static final int PPP_IPV4 = 0x0021, PPP_IPV6 = 0x0057;

    private static final int PROTO_TCP = 6;
    private static final int PROTO_IPIP = 4, PROTO_IPV6_IN_IP = 41, PROTO_UDP = 17, PROTO_GRE = 47;
    /** Tunnel UDP ports: VXLAN (IANA, and 8472 used by Linux before IANA's), GENEVE, GTP-U. */
    private static final int PORT_VXLAN = 4789, PORT_VXLAN_LINUX = 8472, PORT_GENEVE = 6081, PORT_GTPU = 2152;
    private static final int IPV6_HOP_BY_HOP = 0, IPV6_ROUTING = 43, IPV6_FRAGMENT = 44, IPV6_DEST_OPTIONS = 60,
            IPV6_AUTH = 51;

    /** BSD address families in the NULL/LOOP header: AF_INET everywhere; AF_INET6 differs per BSD. */
    private static final int AF_INET = 2, AF_INET6_BSD = 24, AF_INET6_FREEBSD = 28, AF_INET6_DARWIN = 30;

    private final SegmentSink sink;
    private final TcpSegment segment = new TcpSegment();
    private final TunnelStack tunnel = segment.tunnel;
    /** The IP header being read: where its source and destination are, to keep as a tunnel's outer endpoints. */
    private int ipSrcOffset, ipDstOffset, ipAddressLength;
    private long frames, bytes, tcp, nonTcp, undecodable, truncated, fragments;
    /** Bytes 4-15 of the segment's addresses may hold an IPv6 address's tail: clear them at the next IPv4 one. */
    private boolean tailDirty;
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
        tunnel.clear();
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

    /** Records any depth of 802.1Q / 802.1ad / QinQ tags as tunnel layers, then dispatches on the EtherType. */
    private int etherType(int type, byte[] b, int p, int end) {
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
            if (end - p < 4 || !tunnel.push(type == ETHERTYPE_VLAN ? TunnelStack.Kind.VLAN : TunnelStack.Kind.QINQ,
                    be16(b, p) & 0x0fff)) {
                return UNDECODABLE;
            }
            type = be16(b, p + 2);
            p += 4;
        }
        return switch (type) {
            case ETHERTYPE_IPV4 -> ipv4(b, p, end);
            case ETHERTYPE_IPV6 -> ipv6(b, p, end);
            case ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST -> mpls(b, p, end);
            case ETHERTYPE_PPPOE_SESSION -> pppoe(b, p, end);
            default -> NON_TCP;
        };
    }

    /** An Ethernet frame inside a tunnel (VXLAN, GENEVE, GRE bridging, ERSPAN, an MPLS pseudowire). */
    private int ethernet(byte[] b, int p, int end) {
        if (end - p < 14) {
            return UNDECODABLE;
        }
        return etherType(be16(b, p + 12), b, p + 14, end);
    }

    /** An IP packet inside a tunnel that does not say which version: the first nibble does. */
    private int ipByVersion(byte[] b, int p, int end) {
        if (end - p < 1) {
            return UNDECODABLE;
        }
        return switch ((b[p] & 0xf0) >> 4) {
            case 4 -> ipv4(b, p, end);
            case 6 -> ipv6(b, p, end);
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
        int protocol = b[p + 9] & 0xff;
        if (protocol != PROTO_TCP) {
            ipSrcOffset = p + 12;
            ipDstOffset = p + 16;
            ipAddressLength = 4;
            return encapsulated(protocol, b, p + headerLength, (int) Math.min(end, p + totalLength));
        }
        TcpSegment s = segment;
        s.ipVersion = 4;
        System.arraycopy(b, p + 12, s.src, 0, 4);
        System.arraycopy(b, p + 16, s.dst, 0, 4);
        if (tailDirty) {
            // An IPv6 address was here before: no stale tail behind an IPv4 one. Only then: zeroing 24 bytes on
            // every IPv4 packet was 4-6% of a cold run's samples on the reading thread (C1 does not make
            // Arrays.fill an intrinsic).
            Arrays.fill(s.src, 4, 16, (byte) 0);
            Arrays.fill(s.dst, 4, 16, (byte) 0);
            tailDirty = false;
        }
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
                    tailDirty = true;
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
                case PROTO_UDP, PROTO_GRE, PROTO_IPIP, PROTO_IPV6_IN_IP -> {
                    ipSrcOffset = p + 8;
                    ipDstOffset = p + 24;
                    ipAddressLength = 16;
                    return encapsulated(next, b, q, (int) Math.min(end, q + remaining));
                }
                default -> {
                    return NON_TCP; // ICMPv6, ESP, no next header...
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

    // --- Tunnels. Each method is given its header's start and the end of what its carrier says it holds.

    /** What an IP packet (not TCP) carries: a tunnel, or something that is counted as not TCP. */
    private int encapsulated(int protocol, byte[] b, int p, int end) {
        return switch (protocol) {
            case PROTO_UDP -> udp(b, p, end);
            case PROTO_GRE -> gre(b, p, end);
            case PROTO_IPIP -> pushOuter(b, TunnelStack.Kind.IPIP, TunnelStack.NO_ID) ? ipv4(b, p, end) : UNDECODABLE;
            case PROTO_IPV6_IN_IP -> pushOuter(b, TunnelStack.Kind.IP6IP, TunnelStack.NO_ID) ? ipv6(b, p, end)
                    : UNDECODABLE;
            default -> NON_TCP;
        };
    }

    /** Adds a layer whose outer addresses are those of the IP header just read. */
    private boolean pushOuter(byte[] b, TunnelStack.Kind kind, long id) {
        return tunnel.push(kind, id, b, ipSrcOffset, ipDstOffset, ipAddressLength);
    }

    /** UDP to a tunnel port; any other UDP is not TCP. The tunnel header must look right, or it is not one. */
    private int udp(byte[] b, int p, int end) {
        if (end - p < 8) {
            return NON_TCP;
        }
        int srcPort = be16(b, p);
        int dstPort = be16(b, p + 2);
        int length = be16(b, p + 4);
        int payloadEnd = length >= 8 ? Math.min(end, p + length) : end;
        int q = p + 8;
        if (dstPort == PORT_VXLAN || dstPort == PORT_VXLAN_LINUX) {
            return vxlan(b, q, payloadEnd);
        }
        if (dstPort == PORT_GENEVE) {
            return geneve(b, q, payloadEnd);
        }
        if (dstPort == PORT_GTPU || srcPort == PORT_GTPU) {
            return gtpu(b, q, payloadEnd);
        }
        return NON_TCP;
    }

    /** RFC 7348: flags (I = 0x08 says the VNI is valid), 3 reserved, VNI (24 bits), 1 reserved; then Ethernet. */
    private int vxlan(byte[] b, int p, int end) {
        if (end - p < 8 || (b[p] & 0x08) == 0) {
            return NON_TCP;
        }
        return pushOuter(b, TunnelStack.Kind.VXLAN, be32(b, p + 4) >>> 8) ? ethernet(b, p + 8, end) : UNDECODABLE;
    }

    /** RFC 8926: version (2 bits, 0) and options length (6 bits, in 4-byte words), flags, protocol, VNI. */
    private int geneve(byte[] b, int p, int end) {
        if (end - p < 8 || (b[p] & 0xc0) != 0) {
            return NON_TCP;
        }
        int headerLength = 8 + (b[p] & 0x3f) * 4;
        if (end - p < headerLength) {
            return UNDECODABLE;
        }
        int protocol = be16(b, p + 2);
        if (!pushOuter(b, TunnelStack.Kind.GENEVE, be32(b, p + 4) >>> 8)) {
            return UNDECODABLE;
        }
        int q = p + headerLength;
        return switch (protocol) {
            case ETHERTYPE_TEB -> ethernet(b, q, end);
            case ETHERTYPE_IPV4 -> ipv4(b, q, end);
            case ETHERTYPE_IPV6 -> ipv6(b, q, end);
            default -> NON_TCP;
        };
    }

    /**
     * 3GPP TS 29.281: flags (version 1, PT 1, E/S/PN), message type (255 = G-PDU, user data), length of what
     * follows the first 8 bytes, TEID; then, when any of E/S/PN is set, sequence number, N-PDU number and the
     * chain of extension headers (each its length in 4-byte words first and the next type last); then IP.
     */
    private int gtpu(byte[] b, int p, int end) {
        if (end - p < 8 || (b[p] & 0xf0) != 0x30 || (b[p + 1] & 0xff) != 0xff) {
            return NON_TCP; // not GTPv1 user data (echo, error indication, end marker... carry no TCP)
        }
        int payloadEnd = (int) Math.min(end, (long) p + 8 + be16(b, p + 2));
        long teid = be32(b, p + 4);
        int q = p + 8;
        if ((b[p] & 0x07) != 0) {
            if (payloadEnd - q < 4) {
                return UNDECODABLE;
            }
            int nextType = b[q + 3] & 0xff;
            q += 4;
            while (nextType != 0) {
                if (payloadEnd - q < 4 || b[q] == 0) {
                    return UNDECODABLE;
                }
                int length = (b[q] & 0xff) * 4;
                if (payloadEnd - q < length) {
                    return UNDECODABLE;
                }
                nextType = b[q + length - 1] & 0xff;
                q += length;
            }
        }
        return pushOuter(b, TunnelStack.Kind.GTPU, teid) ? ipByVersion(b, q, payloadEnd) : UNDECODABLE;
    }

    /**
     * RFC 2784/2890: C, K and S flags add a checksum word, a key and a sequence number; version 0 only (version 1
     * is PPTP's, which carries PPP). Protocol 0x88BE is ERSPAN type II with a sequence number and type I without
     * (a bare mirrored frame); 0x22EB is ERSPAN type III.
     */
    private int gre(byte[] b, int p, int end) {
        if (end - p < 4) {
            return UNDECODABLE;
        }
        int flags = be16(b, p);
        int protocol = be16(b, p + 2);
        if ((flags & 0x0007) != 0 || (flags & 0x4000) != 0) {
            return NON_TCP; // enhanced GRE (PPTP) or source routing
        }
        int headerLength = 4;
        if ((flags & 0x8000) != 0) {
            headerLength += 4;
        }
        int keyAt = headerLength;
        if ((flags & 0x2000) != 0) {
            headerLength += 4;
        }
        boolean sequenced = (flags & 0x1000) != 0;
        if (sequenced) {
            headerLength += 4;
        }
        if (end - p < headerLength) {
            return UNDECODABLE;
        }
        int q = p + headerLength;
        if (protocol == ETHERTYPE_ERSPAN) {
            if (!sequenced) {
                return pushOuter(b, TunnelStack.Kind.ERSPAN, 0) ? ethernet(b, q, end) : UNDECODABLE;
            }
            if (end - q < 8 || (b[q] & 0xf0) != 0x10) {
                return NON_TCP;
            }
            return pushOuter(b, TunnelStack.Kind.ERSPAN, be16(b, q + 2) & 0x3ff) ? ethernet(b, q + 8, end)
                    : UNDECODABLE;
        }
        if (protocol == ETHERTYPE_ERSPAN_3) {
            return erspan3(b, q, end);
        }
        long key = (flags & 0x2000) != 0 ? be32(b, p + keyAt) : TunnelStack.NO_ID;
        if (!pushOuter(b, TunnelStack.Kind.GRE, key)) {
            return UNDECODABLE;
        }
        return switch (protocol) {
            case ETHERTYPE_IPV4 -> ipv4(b, q, end);
            case ETHERTYPE_IPV6 -> ipv6(b, q, end);
            case ETHERTYPE_TEB -> ethernet(b, q, end);
            case ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST -> mpls(b, q, end);
            default -> NON_TCP;
        };
    }

    /**
     * ERSPAN type III: version 2, VLAN, COS/BSO/T, session ID (10 bits), timestamp, SGT, then P, frame type
     * (5 bits; 0 is Ethernet), hardware ID, D, granularity and O; O adds an 8-byte platform-specific subheader.
     */
    private int erspan3(byte[] b, int p, int end) {
        if (end - p < 12 || (b[p] & 0xf0) != 0x20) {
            return NON_TCP;
        }
        int last = be16(b, p + 10);
        if (((last >> 10) & 0x1f) != 0) {
            return NON_TCP; // not an Ethernet frame
        }
        int headerLength = 12 + ((last & 1) != 0 ? 8 : 0);
        if (end - p < headerLength) {
            return UNDECODABLE;
        }
        return pushOuter(b, TunnelStack.Kind.ERSPAN, be16(b, p + 2) & 0x3ff) ? ethernet(b, p + headerLength, end)
                : UNDECODABLE;
    }

    /**
     * RFC 3032: 4-byte entries (label 20 bits, TC, S = bottom of stack, TTL) until S; then IPv4 or IPv6 by the
     * first nibble, or, when it is 0, an Ethernet pseudowire's control word (RFC 4385) and the frame. An Ethernet
     * pseudowire without a control word cannot be told from IP by its bytes, so it is not guessed at.
     */
    private int mpls(byte[] b, int p, int end) {
        while (true) {
            if (end - p < 4) {
                return UNDECODABLE;
            }
            long entry = be32(b, p);
            if (!tunnel.push(TunnelStack.Kind.MPLS, entry >>> 12)) {
                return UNDECODABLE;
            }
            p += 4;
            if ((entry & 0x100) != 0) {
                break;
            }
        }
        if (end - p < 1) {
            return UNDECODABLE;
        }
        if ((b[p] & 0xf0) == 0) {
            if (end - p < 4 + 14 || !knownEtherType(be16(b, p + 4 + 12))) {
                return NON_TCP;
            }
            return ethernet(b, p + 4, end);
        }
        return ipByVersion(b, p, end);
    }

    private static boolean knownEtherType(int type) {
        return type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6 || type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ
                || type == ETHERTYPE_QINQ_OLD || type == ETHERTYPE_MPLS || type == ETHERTYPE_PPPOE_SESSION;
    }

    /**
     * RFC 2516 session stage: version/type 0x11, code 0, session ID, length (of the PPP frame), then the PPP
     * protocol (two bytes, or one when compressed: its low bit is then set).
     */
    private int pppoe(byte[] b, int p, int end) {
        if (end - p < 8 || b[p] != 0x11 || b[p + 1] != 0) {
            return UNDECODABLE;
        }
        if (!tunnel.push(TunnelStack.Kind.PPPOE, be16(b, p + 2))) {
            return UNDECODABLE;
        }
        int pppEnd = (int) Math.min(end, (long) p + 6 + be16(b, p + 4));
        boolean compressed = (b[p + 6] & 1) != 0;
        int protocol = compressed ? b[p + 6] & 0xff : be16(b, p + 6);
        int q = p + (compressed ? 7 : 8);
        return switch (protocol) {
            case PPP_IPV4 -> ipv4(b, q, pppEnd);
            case PPP_IPV6 -> ipv6(b, q, pppEnd);
            default -> NON_TCP;
        };
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
