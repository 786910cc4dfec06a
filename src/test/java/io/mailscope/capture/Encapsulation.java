package io.mailscope.capture;

import java.nio.ByteBuffer;

/**
 * Test writer of the outer headers of tunnels, byte for byte as their specifications lay them out, to wrap real
 * recorded packets in them ({@link TunnelCaptureWriter}) and to build single frames for decoder tests. Every file
 * made with it is checked against tshark's dissection ({@code TunnelCapturesTest}), so a mistake here shows.
 */
public final class Encapsulation {
    public static final int ETHERTYPE_IPV4 = 0x0800, ETHERTYPE_IPV6 = 0x86dd, ETHERTYPE_VLAN = 0x8100,
            ETHERTYPE_QINQ = 0x88a8, ETHERTYPE_MPLS = 0x8847, ETHERTYPE_PPPOE_SESSION = 0x8864, ETHERTYPE_TEB = 0x6558,
            ETHERTYPE_ERSPAN = 0x88be, ETHERTYPE_ERSPAN_3 = 0x22eb;
    public static final int PROTO_IPIP = 4, PROTO_TCP = 6, PROTO_UDP = 17, PROTO_IPV6 = 41, PROTO_GRE = 47;

    private static final byte[] MAC_A = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x0a};
    private static final byte[] MAC_B = {0x02, 0x00, 0x5e, 0x00, 0x00, 0x0b};

    private Encapsulation() {
    }

    /** Ethernet II from MAC_A to MAC_B with 802.1Q/802.1ad tags given as (TPID, VLAN ID) pairs, outermost first. */
    public static byte[] ethernet(int etherType, byte[] payload, int... tags) {
        ByteBuffer b = ByteBuffer.allocate(14 + tags.length * 2 + payload.length);
        b.put(MAC_B).put(MAC_A);
        for (int i = 0; i < tags.length; i += 2) {
            b.putShort((short) tags[i]).putShort((short) tags[i + 1]);
        }
        return b.putShort((short) etherType).put(payload).array();
    }

    /** IPv4 without options, DF set, TTL 64, with a correct header checksum. */
    public static byte[] ipv4(byte[] src, byte[] dst, int protocol, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 0)
                .putShort((short) 0x4000).put((byte) 64).put((byte) protocol).putShort((short) 0).put(src).put(dst);
        byte[] a = b.put(payload).array();
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((a[i] & 0xff) << 8) | (a[i + 1] & 0xff);
        }
        while (sum >> 16 != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        int checksum = ~sum & 0xffff;
        a[10] = (byte) (checksum >> 8);
        a[11] = (byte) checksum;
        return a;
    }

    public static byte[] ipv6(byte[] src, byte[] dst, int nextHeader, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        return b.putInt(0x60000000).putShort((short) payload.length).put((byte) nextHeader).put((byte) 64).put(src)
                .put(dst).put(payload).array();
    }

    /** A TCP header without options (checksum 0) and its payload; flags as in {@link TcpSegment}. */
    public static byte[] tcp(int srcPort, int dstPort, long seq, long ack, int flags, byte[] payload) {
        return Packets.tcp(srcPort, dstPort, seq, ack, flags, 65535, new byte[0], payload);
    }

    /** UDP with checksum 0 ("none", allowed over IPv4 by RFC 768 and for tunnels over IPv6 by RFC 6935). */
    public static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(8 + payload.length);
        return b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload).array();
    }

    /** RFC 7348: flags 0x08 (VNI valid), 24 reserved bits, VNI, 8 reserved bits; an Ethernet frame follows. */
    public static byte[] vxlan(long vni, byte[] innerEthernet) {
        ByteBuffer b = ByteBuffer.allocate(8 + innerEthernet.length);
        return b.putInt(0x08000000).putInt((int) (vni << 8)).put(innerEthernet).array();
    }

    /** RFC 8926 with one 8-byte option (class 0x0103, type 0x80): version 0, option length 2 words. */
    public static byte[] geneve(long vni, int protocol, byte[] inner) {
        ByteBuffer b = ByteBuffer.allocate(16 + inner.length);
        b.put((byte) 2).put((byte) 0).putShort((short) protocol).putInt((int) (vni << 8));
        b.putShort((short) 0x0103).put((byte) 0x80).put((byte) 1).putInt(0x12345678);
        return b.put(inner).array();
    }

    /**
     * RFC 2784/2890 GRE, version 0, with the optional key and sequence number when not null (K and S flags).
     */
    public static byte[] gre(int protocol, Long key, Long sequence, byte[] inner) {
        int flags = (key != null ? 0x2000 : 0) | (sequence != null ? 0x1000 : 0);
        ByteBuffer b = ByteBuffer.allocate(4 + (key != null ? 4 : 0) + (sequence != null ? 4 : 0) + inner.length);
        b.putShort((short) flags).putShort((short) protocol);
        if (key != null) {
            b.putInt(key.intValue());
        }
        if (sequence != null) {
            b.putInt(sequence.intValue());
        }
        return b.put(inner).array();
    }

    /** ERSPAN type II header (version 1, VLAN 0, COS 0, En 0, T 0, session ID, index 0), then the frame. */
    public static byte[] erspan2(int session, byte[] mirroredEthernet) {
        ByteBuffer b = ByteBuffer.allocate(8 + mirroredEthernet.length);
        return b.putShort((short) 0x1000).putShort((short) (session & 0x3ff)).putInt(0).put(mirroredEthernet).array();
    }

    /**
     * ERSPAN type III header: version 2, VLAN 0, session ID, timestamp, SGT 0, then P 0, frame type 0 (Ethernet),
     * hardware ID 5, D 0, granularity 3 (IEEE 1588), O 0; the frame follows.
     */
    public static byte[] erspan3(int session, long timestamp, byte[] mirroredEthernet) {
        ByteBuffer b = ByteBuffer.allocate(12 + mirroredEthernet.length);
        b.putShort((short) 0x2000).putShort((short) (session & 0x3ff)).putInt((int) timestamp).putShort((short) 0);
        return b.putShort((short) ((5 << 4) | (3 << 1))).put(mirroredEthernet).array();
    }

    /**
     * 3GPP TS 29.281 G-PDU: version 1, PT 1; with {@code extension} set, the S flag, a sequence number and one PDU
     * session container extension header (type 0x85, as 5G user planes send), else the 8-byte header alone.
     */
    public static byte[] gtpu(long teid, int sequence, boolean extension, byte[] innerIp) {
        int optional = extension ? 4 + 4 : 0;
        ByteBuffer b = ByteBuffer.allocate(8 + optional + innerIp.length);
        b.put((byte) (extension ? 0x36 : 0x30)).put((byte) 0xff).putShort((short) (optional + innerIp.length))
                .putInt((int) teid);
        if (extension) {
            b.putShort((short) sequence).put((byte) 0).put((byte) 0x85);
            b.put((byte) 1).put((byte) 0x10).put((byte) 0x09).put((byte) 0); // length 1 word, UL PDU, QFI 9, none next
        }
        return b.put(innerIp).array();
    }

    /** RFC 3032 label stack entries, outermost first, TC 0, TTL 64, S on the last; then the payload. */
    public static byte[] mpls(byte[] payload, int... labels) {
        ByteBuffer b = ByteBuffer.allocate(4 * labels.length + payload.length);
        for (int i = 0; i < labels.length; i++) {
            b.putInt((labels[i] << 12) | (i == labels.length - 1 ? 0x100 : 0) | 64);
        }
        return b.put(payload).array();
    }

    /** RFC 4385 control word (first nibble 0, flags 0, sequence number) before a pseudowire's Ethernet frame. */
    public static byte[] controlWord(int sequence, byte[] ethernet) {
        ByteBuffer b = ByteBuffer.allocate(4 + ethernet.length);
        return b.putInt(sequence & 0xffff).put(ethernet).array();
    }

    /** RFC 2516 session stage: version/type 0x11, code 0, session ID, length, then the PPP protocol and packet. */
    public static byte[] pppoe(int session, int pppProtocol, byte[] packet) {
        ByteBuffer b = ByteBuffer.allocate(8 + packet.length);
        return b.put((byte) 0x11).put((byte) 0).putShort((short) session).putShort((short) (2 + packet.length))
                .putShort((short) pppProtocol).put(packet).array();
    }

    /** An IPv4 address from its dotted form. */
    public static byte[] v4(String dotted) {
        String[] parts = dotted.split("\\.");
        byte[] a = new byte[4];
        for (int i = 0; i < 4; i++) {
            a[i] = (byte) Integer.parseInt(parts[i]);
        }
        return a;
    }

    /** 2001:db8::N (the documentation prefix). */
    public static byte[] v6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }
}
