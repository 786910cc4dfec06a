package io.mailscope.dissect.tls;

/**
 * Does a stream start with a TLS record? A tri-state answer in the style of Netty's ProtocolDetectionResult:
 * {@link Result#NEED_MORE} until enough bytes decide it.
 *
 * <p>A TLS record header is content type 20-23, major version 3, minor version 0-4 and a length of 1..18432
 * (2^14 + 2048, the largest TLSCiphertext). Four printable ASCII bytes are never TLS (Wireshark's rule for
 * someone typing into port 993); with the byte ranges above that cannot happen, and the check stays so the rule
 * survives any loosening of them.
 */
public final class TlsSniffer {
    private TlsSniffer() {
    }

    public enum Result { NEED_MORE, TLS, NOT_TLS }

    static final int MAX_RECORD_LENGTH = 16384 + 2048;

    public static Result detect(byte[] buf, int off, int len) {
        if (len >= 4 && printable(buf[off]) && printable(buf[off + 1]) && printable(buf[off + 2])
                && printable(buf[off + 3])) {
            return Result.NOT_TLS;
        }
        if (len >= 1) {
            int type = buf[off] & 0xff;
            if (type < 20 || type > 23) {
                return Result.NOT_TLS;
            }
        }
        if (len >= 2 && buf[off + 1] != 3) {
            return Result.NOT_TLS;
        }
        if (len >= 3 && (buf[off + 2] & 0xff) > 4) {
            return Result.NOT_TLS;
        }
        if (len < 5) {
            return Result.NEED_MORE;
        }
        int length = (buf[off + 3] & 0xff) << 8 | (buf[off + 4] & 0xff);
        return length >= 1 && length <= MAX_RECORD_LENGTH ? Result.TLS : Result.NOT_TLS;
    }

    /**
     * Whether bytes that follow a hole, or the first of a connection picked up midstream, begin at a TLS record
     * boundary: the strict header check the record layer resynchronises with after a hole (type, version and a
     * length that type can have, all five bytes present).
     */
    public static boolean recordBoundary(byte[] buf, int off, int len) {
        return RecordLayerDecoder.plausibleHeader(buf, off, len);
    }

    /** A TLS handshake record whose first handshake message is a ClientHello (type 1). Needs 6 bytes. */
    public static boolean isClientHelloStart(byte[] buf, int off, int len) {
        return len >= 6 && buf[off] == 22 && detect(buf, off, len) == Result.TLS && buf[off + 5] == 1;
    }

    private static boolean printable(byte b) {
        return b >= 0x20 && b <= 0x7e;
    }
}
