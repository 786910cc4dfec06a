package io.mailscope.dissect.tls;

/**
 * Handshake messages of one direction, reassembled across records and TCP segments (a ClientHello may span
 * several records; several messages may share one). Messages the analyzer reads (hellos, Certificate) are
 * buffered up to a cap; the others are only measured and skipped. A message above its cap is reported and its
 * bytes skipped without buffering them, so a hostile 16 MB length costs nothing.
 */
final class HandshakeReassembler {
    interface Listener {
        /** A complete message the analyzer asked to see (see {@link #wantsBody}). */
        void message(int type, byte[] body, int length);

        /** A complete message that was only measured. */
        void skippedMessage(int type, int length);

        void tooLong(int type, int length, int cap);

        /**
         * A message the analyzer asked to see was cut (a hole, or the end of the stream): the first {@code captured}
         * bytes of its {@code length} arrived. Called once, instead of {@link #message}.
         */
        default void partialMessage(int type, byte[] body, int captured, int length) {
        }

        /** The message buffer grew (positive) or was freed (negative) by this many bytes (memory accounting). */
        default void retained(int bytes) {
        }
    }

    static final int HELLO_CAP = 64 * 1024;
    static final int CERTIFICATE_CAP = 256 * 1024;
    static final int OTHER_CAP = 256 * 1024;
    /** First allocation for a buffered message; grown as bytes arrive, never beyond the claimed length. */
    private static final int INITIAL_BUFFER = 4096;

    private final Listener listener;
    private final byte[] header = new byte[4];
    private int headerFill;
    private int type;
    private int length;
    private int bodyFill;
    private byte[] body; // null while skipping or reading a header
    private boolean inBody;
    private boolean tooLong;
    /** The current message had a hole: its remaining bytes are counted past, it is not delivered again. */
    private boolean cut;

    HandshakeReassembler(Listener listener) {
        this.listener = listener;
    }

    static boolean wantsBody(int type) {
        return type == 1 || type == 2 || type == 11;
    }

    static int cap(int type) {
        return switch (type) {
            case 1, 2 -> HELLO_CAP;
            case 11 -> CERTIFICATE_CAP;
            default -> OTHER_CAP;
        };
    }

    void feed(byte[] buf, int off, int len) {
        int end = off + len;
        while (off < end) {
            if (!inBody) {
                header[headerFill++] = buf[off++];
                if (headerFill == 4) {
                    headerFill = 0;
                    startMessage();
                }
                continue;
            }
            int n = Math.min(end - off, length - bodyFill);
            if (body != null && !cut) {
                ensureCapacity(bodyFill + n);
                System.arraycopy(buf, off, body, bodyFill, n);
            }
            bodyFill += n;
            off += n;
            if (bodyFill == length) {
                finishMessage();
            }
        }
    }

    private void startMessage() {
        type = header[0] & 0xff;
        length = (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8 | (header[3] & 0xff);
        bodyFill = 0;
        cut = false;
        tooLong = length > cap(type);
        if (tooLong) {
            listener.tooLong(type, length, cap(type));
        }
        body = !tooLong && wantsBody(type) ? new byte[Math.min(length, INITIAL_BUFFER)] : null;
        if (body != null) {
            listener.retained(body.length);
        }
        inBody = true;
        if (length == 0) {
            finishMessage();
        }
    }

    private void ensureCapacity(int needed) {
        if (needed > body.length) {
            int size = body.length;
            while (size < needed) {
                size = Math.min(length, Math.max(size * 2, INITIAL_BUFFER));
            }
            listener.retained(size - body.length);
            body = java.util.Arrays.copyOf(body, size);
        }
    }

    private void finishMessage() {
        inBody = false;
        byte[] b = body;
        body = null;
        if (b != null) {
            listener.retained(-b.length);
        }
        if (tooLong || cut) {
            return;
        }
        if (b != null) {
            listener.message(type, b, length);
        } else {
            listener.skippedMessage(type, length);
        }
    }

    /**
     * {@code gap} bytes of this direction's handshake stream are missing. A message being read is handed over as
     * it stands ({@link Listener#partialMessage}, for those the analyzer reads). Returns true when the hole lies
     * inside that message's body, so the message boundaries survive: its remaining bytes are counted past and the
     * next message is read as usual. Otherwise (a hole in a message header, or running past the message's end,
     * where the next header would be) the framing of handshake messages is lost and false is returned.
     */
    boolean skipGap(long gap) {
        if (!inBody) {
            return gap <= 0 && headerFill == 0;
        }
        deliverPartial();
        if (gap > length - bodyFill) {
            return false;
        }
        bodyFill += (int) gap;
        if (bodyFill == length) {
            finishMessage();
        }
        return true;
    }

    /** The stream ended (or its framing was lost) inside a message: hands over what arrived of it. */
    void endInside() {
        if (inBody) {
            deliverPartial();
        }
    }

    /** A message only measured (or too long) stays as it was: only one being buffered is handed over cut. */
    private void deliverPartial() {
        if (cut || body == null) {
            return;
        }
        cut = true;
        byte[] b = body;
        body = null;
        listener.retained(-b.length);
        listener.partialMessage(type, b, bodyFill, length);
    }

    /** Inside a message (or its header): used to report truncation at the end of the stream. */
    boolean midMessage() {
        return inBody || headerFill > 0;
    }

    /** Type of the message being read, for reports; -1 while reading a header. */
    int currentType() {
        return inBody ? type : -1;
    }
}
