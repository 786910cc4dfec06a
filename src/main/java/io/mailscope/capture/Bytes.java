package io.mailscope.capture;

/** Unsigned big- and little-endian reads from a byte array. */
final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xff;
    }

    static int be16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }

    static int le16(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8;
    }

    static long be32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }

    static long le32(byte[] b, int i) {
        return ((long) (b[i + 3] & 0xff) << 24) | (b[i + 2] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i] & 0xff);
    }

    static int u16(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? be16(b, i) : le16(b, i);
    }

    static long u32(byte[] b, int i, boolean bigEndian) {
        return bigEndian ? be32(b, i) : le32(b, i);
    }

    static long s64(byte[] b, int i, boolean bigEndian) {
        long first = u32(b, i, bigEndian);
        long second = u32(b, i + 4, bigEndian);
        return bigEndian ? first << 32 | second : second << 32 | first;
    }

    /** The first bytes of a buffer as hex and as printable text, for "this is not a capture" messages. */
    static String describe(byte[] b, int from, int count) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int v = b[from + i] & 0xff;
            if (i > 0) {
                hex.append(' ');
            }
            hex.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 15, 16));
            text.append(v >= 0x20 && v < 0x7f ? (char) v : '.');
        }
        return hex + " \"" + text + "\"";
    }
}
