package io.mailscope.dissect.tls;

/**
 * The TLS record layer of one direction: splits the byte stream into records without buffering them. Only the
 * 5-byte header is kept between calls; record bodies are handed on as they arrive (a slice of the caller's array,
 * valid during the call). A header that is not TLS stops the decoder for good: later bytes are only counted.
 */
final class RecordLayerDecoder {
    interface Listener {
        void recordStart(int type, int version, int length);

        /** A piece of the current record's body. */
        void recordBody(byte[] buf, int off, int len);

        void recordEnd();

        /** The stream is not (or no longer) TLS; code is bad-record or record-too-long. */
        void badRecord(String code, String detail);

        /**
         * After a hole that lost the framing, records are read again from the next byte: {@code skipped} bytes
         * (the hole included) were passed over since the framing was lost.
         */
        default void framingRegained(long skipped) {
        }
    }

    /** Largest record body accepted: 2^14 + 2048 (TLSCiphertext in TLS 1.2). */
    static final int MAX_RECORD_LENGTH = TlsSniffer.MAX_RECORD_LENGTH;

    private final Listener listener;
    private final byte[] header = new byte[5];
    private int headerFill;
    private int bodyRemaining = -1; // -1: reading a header
    private boolean stopped;
    private long ignoredBytes;
    private long records;
    /** Stopped because a hole lost the framing (not because the bytes were not TLS): may be regained. */
    private boolean lostByGap;
    /** The next byte fed is the first after a hole: where a TCP segment begins. */
    private boolean afterGap;
    private long ignoredAtLoss;

    RecordLayerDecoder(Listener listener) {
        this.listener = listener;
    }

    void feed(byte[] buf, int off, int len) {
        int end = off + len;
        if (afterGap && len > 0) {
            afterGap = false;
            if (lostByGap && plausibleHeader(buf, off, len)) {
                stopped = false;
                lostByGap = false;
                headerFill = 0;
                bodyRemaining = -1;
                listener.framingRegained(ignoredBytes - ignoredAtLoss);
            }
        }
        while (off < end) {
            if (stopped) {
                ignoredBytes += end - off;
                return;
            }
            if (bodyRemaining >= 0) {
                int n = Math.min(end - off, bodyRemaining);
                bodyRemaining -= n;
                if (n > 0) {
                    listener.recordBody(buf, off, n);
                }
                off += n;
                if (bodyRemaining == 0) {
                    bodyRemaining = -1;
                    listener.recordEnd();
                }
                continue;
            }
            header[headerFill++] = buf[off++];
            String bad = checkHeader();
            if (bad != null) {
                ignoredBytes += headerFill + (end - off);
                stopped = true;
                lostByGap = false;
                listener.badRecord(bad.startsWith("length") ? "record-too-long" : "bad-record", bad);
                return;
            }
            if (headerFill == 5) {
                headerFill = 0;
                records++;
                bodyRemaining = (header[3] & 0xff) << 8 | (header[4] & 0xff);
                listener.recordStart(header[0] & 0xff, (header[1] & 0xff) << 8 | (header[2] & 0xff), bodyRemaining);
                if (bodyRemaining == 0) {
                    bodyRemaining = -1;
                    listener.recordEnd();
                }
            }
        }
    }

    /** Checks the header bytes received so far, so plaintext is refused at its first byte. */
    private String checkHeader() {
        int type = header[0] & 0xff;
        if (headerFill == 1 && (type < 20 || type > 24)) {
            return String.format("content type %d (0x%02x) is not a TLS record", type, type);
        }
        if (headerFill == 2 && header[1] != 3) {
            return String.format("record version major %d is not 3", header[1] & 0xff);
        }
        if (headerFill == 3 && (header[2] & 0xff) > 4) {
            return String.format("record version 0x03%02x is unknown", header[2] & 0xff);
        }
        if (headerFill == 5) {
            int length = (header[3] & 0xff) << 8 | (header[4] & 0xff);
            if (length > MAX_RECORD_LENGTH) {
                return "length " + length + " of a " + TlsNames.contentType(type) + " record exceeds "
                        + MAX_RECORD_LENGTH;
            }
        }
        return null;
    }

    /**
     * Whether these bytes, the first after a hole, begin with a record header that only a record boundary would
     * hold: a content type this stream can carry, version 3.0 to 3.4 (TLS 1.3 records say 3.3 or 3.1), a length a
     * record of that type can have, all five bytes present. A snaplen cut keeps the first bytes of each TCP segment,
     * and TLS stacks start a segment with a record when they send a new flight, so that is where framing is found
     * again. Ciphertext that happens to begin so is unlikely (about one segment start in a million).
     */
    static boolean plausibleHeader(byte[] b, int off, int len) {
        if (len < 5) {
            return false;
        }
        int type = b[off] & 0xff;
        int major = b[off + 1] & 0xff;
        int minor = b[off + 2] & 0xff;
        int length = (b[off + 3] & 0xff) << 8 | (b[off + 4] & 0xff);
        if (major != 3 || minor > 4 || length == 0 || length > MAX_RECORD_LENGTH) {
            return false;
        }
        return switch (type) {
            case 20 -> length == 1;
            case 21 -> length >= 2;
            case 22 -> length >= 4;
            case 23 -> true;
            default -> false;
        };
    }

    /**
     * Skips {@code length} missing bytes. Returns true when they fall inside the current record body, so the
     * framing survives; otherwise the decoder stops (framing is lost) and returns false.
     */
    boolean skipGap(long length) {
        if (length <= 0) {
            return true;
        }
        afterGap = true;
        if (stopped) {
            ignoredBytes += length;
            return false;
        }
        if (bodyRemaining > 0 && length <= bodyRemaining) {
            bodyRemaining -= (int) length;
            if (bodyRemaining == 0) {
                bodyRemaining = -1;
                listener.recordEnd();
            }
            return true;
        }
        stopped = true;
        lostByGap = true;
        ignoredAtLoss = ignoredBytes;
        ignoredBytes += length;
        return false;
    }

    /** Stops parsing for good: later bytes are only counted. */
    void stop() {
        stopped = true;
        lostByGap = false;
    }

    /** True when the next {@code len} bytes all lie inside the current record's body, short of its end. */
    boolean insideBody(int len) {
        return !stopped && bodyRemaining > len;
    }

    boolean midRecord() {
        return !stopped && (headerFill > 0 || bodyRemaining > 0);
    }

    boolean stopped() {
        return stopped;
    }

    /** Bytes not parsed because the decoder stopped (bad record or lost framing), gaps included. */
    long ignoredBytes() {
        return ignoredBytes;
    }

    long records() {
        return records;
    }
}
