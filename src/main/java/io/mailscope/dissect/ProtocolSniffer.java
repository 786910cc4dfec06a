package io.mailscope.dissect;

import io.mailscope.dissect.tls.TlsSniffer;
import io.mailscope.tcp.Direction;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decides what a direction speaks from its first bytes, in the shape of Netty's ProtocolDetectionResult:
 * {@code null} while more bytes are needed, else a protocol name.
 *
 * <p>Judged on the reassembled stream, so a telnet in character mode (one keystroke per segment) is judged on
 * its whole first line. A valid TLS record header means TLS, but printable text never does (Wireshark's rule:
 * four printable bytes are someone typing into port 993).
 */
public final class ProtocolSniffer {
    /** Bytes kept while deciding: enough for a TLS record header and a first line's start. */
    public static final int PROBE_SIZE = 96;

    public static final String IMAP = "imap";
    public static final String TLS = "tls";
    public static final String HTTP = "http";
    public static final String SMTP = "smtp";
    public static final String POP3 = "pop3";
    public static final String SSH = "ssh";
    /** Printable text that is none of the above (hand-typed words, a tagless command...). */
    public static final String TEXT = "text";
    /** Bytes that are neither printable nor a TLS record. */
    public static final String BINARY = "binary";

    private static final String[] HTTP_METHODS = {"GET ", "POST ", "HEAD ", "PUT ", "OPTIONS ", "CONNECT ", "DELETE ", "PATCH "};

    private ProtocolSniffer() {
    }

    /**
     * @param last true when no more bytes will come (end of stream or a gap): decide with what there is
     * @return the protocol, or null when more bytes are needed
     */
    public static String classify(Direction direction, byte[] buf, int len, boolean last) {
        if (len == 0) {
            return last ? BINARY : null;
        }
        if (!isText(buf[0])) {
            if (len < 5 && !last) {
                return null;
            }
            return looksLikeTlsRecord(buf, 0, len) ? TLS : BINARY;
        }
        int lineEnd = indexOf(buf, len, (byte) '\n');
        if (lineEnd < 0 && len < PROBE_SIZE && !last) {
            // The server's first words decide early; the client's need the line (or the probe) to be complete.
            String early = direction == Direction.SERVER_TO_CLIENT ? classifyServer(ascii(buf, len), false) : null;
            return early;
        }
        int n = lineEnd >= 0 ? lineEnd : len;
        if (NotText.binary(buf, 0, n)) {
            // printable at first, then ciphertext (a TLS stream picked up inside a record): never a mail protocol line
            return BINARY;
        }
        String line = ascii(buf, n);
        return direction == Direction.SERVER_TO_CLIENT ? classifyServer(line, true) : classifyClient(line);
    }

    /** A TLS record header: content type 20-23, version 0x0300-0x0304, length 1 to 16384+2048 (never printable text). */
    public static boolean looksLikeTlsRecord(byte[] b, int off, int len) {
        return TlsSniffer.detect(b, off, len) == TlsSniffer.Result.TLS;
    }

    /** Each mail protocol's prefixes first (in registry order), then HTTP and SSH; a complete line may still be IMAP's tagged answer. */
    private static String classifyServer(String line, boolean complete) {
        for (MailProtocol p : Protocols.ALL) {
            if (p.isServerLine(line, false)) {
                return p.id();
            }
        }
        if (line.startsWith("HTTP/")) {
            return HTTP;
        }
        if (line.startsWith("SSH-")) {
            return SSH;
        }
        if (!complete) {
            return null;
        }
        for (MailProtocol p : Protocols.ALL) {
            if (p.isServerLine(line, true)) {
                return p.id();
            }
        }
        return TEXT;
    }

    private static String classifyClient(String line) {
        for (String m : HTTP_METHODS) {
            if (line.startsWith(m)) {
                return HTTP;
            }
        }
        if (line.toUpperCase(Locale.ROOT).startsWith("SSH-")) {
            return SSH;
        }
        // SMTP and POP3 before IMAP, as before the registry: their first words are single commands
        for (int i = Protocols.ALL.size() - 1; i >= 0; i--) {
            MailProtocol p = Protocols.ALL.get(i);
            if (p.isClientLine(line)) {
                return p.id();
            }
        }
        return TEXT;
    }

    /** Printable ASCII, tab, CR or LF. */
    public static boolean isText(byte b) {
        return (b >= 0x20 && b < 0x7f) || b == '\t' || b == '\r' || b == '\n';
    }

    private static int indexOf(byte[] b, int len, byte v) {
        for (int i = 0; i < len; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] b, int len) {
        // A first line has no CR or ends in one (cut before its LF): then a copy as Latin-1, not a char at a time
        int cr = indexOf(b, len, (byte) '\r');
        if (cr < 0 || cr == len - 1) {
            return new String(b, 0, cr < 0 ? len : cr, StandardCharsets.ISO_8859_1);
        }
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            char c = (char) (b[i] & 0xff);
            if (c != '\r') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Bytes as printable text: non-printables escaped (\r \n \xNN), at most {@code max} source bytes. */
    public static String escape(byte[] b, int off, int len, int max) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(len, max);
        for (int i = 0; i < n; i++) {
            int c = b[off + i] & 0xff;
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        if (len > max) {
            sb.append("...");
        }
        return sb.toString();
    }
}
