package io.mailscope.dissect.tls;

/**
 * Bounds-checked big-endian reader over one handshake message body. Every read checks the remaining length
 * against the claimed one and throws {@link Malformed} (never an index exception), so hostile lengths
 * inside a hello cannot read past it or allocate more than the message itself.
 */
final class WireReader {
    /** A structure inside a handshake message that does not fit: the parser turns it into a Problem. */
    static class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The structure needs more bytes than are left. In a message that arrived whole that is malformed; in one the
     * capture cut ({@link Cut}) it is where the cut fell.
     */
    static class Short extends Malformed {
        final String what;

        Short(String what, String message) {
            super(message);
            this.what = what;
        }
    }

    private final byte[] buf;
    private int pos;
    private final int end;

    WireReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    int remaining() {
        return end - pos;
    }

    int position() {
        return pos;
    }

    byte[] array() {
        return buf;
    }

    private void need(int n, String what) throws Malformed {
        if (n > end - pos) {
            throw new Short(what, what + ": needs " + n + " bytes, " + (end - pos) + " left");
        }
    }

    int u8(String what) throws Malformed {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    int u16(String what) throws Malformed {
        need(2, what);
        int v = (buf[pos] & 0xff) << 8 | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int u24(String what) throws Malformed {
        need(3, what);
        int v = (buf[pos] & 0xff) << 16 | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff);
        pos += 3;
        return v;
    }

    byte[] bytes(int n, String what) throws Malformed {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(int n, String what) throws Malformed {
        need(n, what);
        pos += n;
    }

    /** A sub-reader over the next n bytes (an opaque vector), advancing this one past them. */
    WireReader sub(int n, String what) throws Malformed {
        need(n, what);
        WireReader r = new WireReader(buf, pos, n);
        pos += n;
        return r;
    }

    /** A vector with a 1-, 2- or 3-byte length prefix. */
    WireReader vector(int lengthBytes, String what) throws Malformed {
        int n = switch (lengthBytes) {
            case 1 -> u8(what);
            case 2 -> u16(what);
            default -> u24(what);
        };
        return sub(n, what);
    }

    /** Reads a whole vector of 16-bit values (cipher suites, groups, signature schemes). */
    java.util.List<Integer> u16List(int lengthBytes, String what) throws Malformed {
        WireReader v = vector(lengthBytes, what);
        if ((v.remaining() & 1) != 0) {
            throw new Malformed(what + ": odd length " + v.remaining());
        }
        Integer[] out = new Integer[v.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.u16(what);
        }
        return java.util.List.of(out);
    }

    java.util.List<Integer> u8List(String what) throws Malformed {
        WireReader v = vector(1, what);
        Integer[] out = new Integer[v.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.u8(what);
        }
        return java.util.List.of(out);
    }

    /** A hello's legacy_session_id (1-byte length, at most 32 bytes), named as the message names it. */
    byte[] sessionId(String name) throws Malformed {
        WireReader sid = vector(1, name);
        if (sid.remaining() > 32) {
            throw new Malformed(name + ": " + sid.remaining() + " bytes, at most 32");
        }
        return sid.bytes(sid.remaining(), name);
    }
}
