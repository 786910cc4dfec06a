package io.mailscope.bench;

/** Big-endian writes and the IPv4 header checksum, for the generators that lay out frames byte by byte. */
final class FrameBytes {
    private FrameBytes() {
    }

    /** RFC 791's header checksum of the 20-byte IPv4 header at {@code at} (its checksum field zero). */
    static int ipChecksum(byte[] f, int at) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((f[at + i] & 0xff) << 8) | (f[at + i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return ~sum & 0xffff;
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void put32(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
