package io.mailscope.dissect;

/**
 * Bytes that are clearly not a line of a text protocol. After libpcap drops packets, a connection picked up
 * midstream or read on after a hole may hand TLS records (or any binary data) to a line analyzer, which would
 * report each stretch between two 0x0A bytes as an IMAP, POP3 or SMTP command or response: on a busy link, hundreds
 * of megabytes of bogus transcript. Mail protocol lines are text: printable ASCII, tabs and, where a server or
 * client uses them, UTF-8 or an 8-bit charset. Ciphertext is uniform: one byte in eight is a control character.
 *
 * <p>A line is binary when it holds a NUL, or at least 2 control characters (other than tab, CR, LF) making 5% of
 * it, or at least a quarter of bytes above 0x7f that are not UTF-8. A human typing Ctrl-C into telnet, or a
 * Latin-1 greeting, or a hostile terminal escape in a command (shown escaped), stays text.
 */
public final class NotText {
    private NotText() {
    }

    public static boolean binary(byte[] b, int off, int len) {
        int controls = 0;
        int high = 0;
        boolean utf8 = true;
        int continuation = 0;
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xff;
            if (c == 0) {
                return true;
            }
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
                controls++;
            }
            if (c >= 0x80) {
                high++;
            }
            if (continuation > 0) {
                if ((c & 0xc0) != 0x80) {
                    utf8 = false;
                    continuation = 0;
                } else {
                    continuation--;
                    continue;
                }
            }
            if (c >= 0x80) {
                if (c >= 0xc2 && c <= 0xdf) {
                    continuation = 1;
                } else if (c >= 0xe0 && c <= 0xef) {
                    continuation = 2;
                } else if (c >= 0xf0 && c <= 0xf4) {
                    continuation = 3;
                } else {
                    utf8 = false;
                }
            }
        }
        if (controls >= 2 && controls * 20 >= len) {
            return true;
        }
        return !utf8 && high * 4 >= len;
    }

    /**
     * Says what binary lines one direction of a line protocol passed over, in few events: the first
     * {@value #SHOWN} each get one ({@link SessionEvent.NotText}), the rest are counted and said once at the end.
     */
    public static final class Guard {
        static final int SHOWN = 3;
        private long lines;
        private long hiddenLines;
        private long hiddenBytes;
        private At lastHidden;
        /**
         * The last line was binary: ciphertext also holds short stretches between two 0x0A bytes that look like text
         * ("sB", "'N"), so until a line of at least {@value #RESUME} plain ASCII bytes, lines stay binary.
         */
        private boolean inBinary;
        static final int RESUME = 6;

        /**
         * True when this line is binary: then it was said or counted here, and must not be read as the protocol's.
         */
        public boolean skip(byte[] buf, int length, At at, EventSink sink) {
            if (binary(buf, 0, length)) {
                inBinary = true;
            } else if (!inBinary || plainAscii(buf, length)) {
                inBinary = false;
                return false;
            }
            if (lines++ < SHOWN) {
                sink.emit(new SessionEvent.NotText(at, length, 1));
            } else {
                hiddenLines++;
                hiddenBytes += length;
                lastHidden = at;
            }
            return true;
        }

        private static boolean plainAscii(byte[] b, int len) {
            if (len < RESUME) {
                return false;
            }
            for (int i = 0; i < len; i++) {
                if ((b[i] < 0x20 || b[i] > 0x7e) && b[i] != '\t' && b[i] != '\r') {
                    return false;
                }
            }
            return true;
        }

        /** The end of the direction: how many more binary lines there were. */
        public void end(EventSink sink) {
            if (hiddenLines > 0) {
                sink.emit(new SessionEvent.NotText(lastHidden, hiddenBytes, hiddenLines));
                hiddenLines = 0;
            }
        }
    }
}
