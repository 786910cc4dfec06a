package io.mailscope.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** Test helper: builds link, IP and TCP headers byte by byte. */
final class Packets {
    static final byte[] CLIENT4 = {10, 0, 0, 1};
    static final byte[] SERVER4 = {10, 0, 0, 2};
    static final byte[] CLIENT6 = ip6(1);
    static final byte[] SERVER6 = ip6(2);

    private Packets() {
    }

    static byte[] ip6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }

    /** A TCP header (with optional options, a multiple of 4 bytes) and payload. */
    static byte[] tcp(int srcPort, int dstPort, long seq, long ack, int flags, int window, byte[] options,
            byte[] payload) {
        int header = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(header + payload.length);
        b.putShort((short) srcPort).putShort((short) dstPort).putInt((int) seq).putInt((int) ack);
        b.put((byte) ((header / 4) << 4)).put((byte) flags).putShort((short) window).putShort((short) 0)
                .putShort((short) 0);
        b.put(options).put(payload);
        return b.array();
    }

    static byte[] tcp(byte[] payload) {
        return tcp(40000, 143, 1000, 2000, TcpSegment.ACK | TcpSegment.PSH, 512, new byte[0], payload);
    }

    static byte[] ipv4(int protocol, byte[] payload) {
        return ipv4(protocol, new byte[0], 0, payload);
    }

    /** @param flagsAndOffset the 16-bit flags/fragment-offset field */
    static byte[] ipv4(int protocol, byte[] options, int flagsAndOffset, byte[] payload) {
        int header = 20 + options.length;
        ByteBuffer b = ByteBuffer.allocate(header + payload.length);
        b.put((byte) (0x40 | header / 4)).put((byte) 0).putShort((short) (header + payload.length))
                .putShort((short) 1).putShort((short) flagsAndOffset).put((byte) 64).put((byte) protocol)
                .putShort((short) 0).put(CLIENT4).put(SERVER4).put(options).put(payload);
        return b.array();
    }

    /** @param chain the extension headers, already encoded, each starting with its next-header byte */
    static byte[] ipv6(int firstNextHeader, byte[] chain, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(40 + chain.length + payload.length);
        b.putInt(0x60000000).putShort((short) (chain.length + payload.length)).put((byte) firstNextHeader)
                .put((byte) 64).put(CLIENT6).put(SERVER6).put(chain).put(payload);
        return b.array();
    }

    static byte[] ipv6(int nextHeader, byte[] payload) {
        return ipv6(nextHeader, new byte[0], payload);
    }

    /** An extension header of {@code length} bytes (a multiple of 8) with the given "hdr ext len" encoding. */
    static byte[] extension(int nextHeader, int length, int lengthField) {
        byte[] h = new byte[length];
        h[0] = (byte) nextHeader;
        h[1] = (byte) lengthField;
        return h;
    }

    /** Ethernet II with any number of VLAN tags: tags are pairs of (TPID, TCI). */
    static byte[] ethernet(int etherType, byte[] payload, int... tags) {
        ByteBuffer b = ByteBuffer.allocate(14 + tags.length * 2 + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        for (int i = 0; i < tags.length; i += 2) {
            b.putShort((short) tags[i]).putShort((short) tags[i + 1]);
        }
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    /** Pads a frame with zero bytes up to {@code length}, as Ethernet does below 60 bytes. */
    static byte[] padTo(byte[] frame, int length) {
        byte[] r = new byte[Math.max(length, frame.length)];
        System.arraycopy(frame, 0, r, 0, frame.length);
        return r;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
