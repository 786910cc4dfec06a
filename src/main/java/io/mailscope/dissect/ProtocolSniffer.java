package io.mailscope.dissect;

import io.mailscope.dissect.tls.TlsSniffer;
import io.mailscope.tcp.Direction;

import java.util.Locale;
import java.util.Set;

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

    private static final Set<String> IMAP_COMMANDS = Set.of(
            "CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "LOGIN", "ENABLE", "SELECT", "EXAMINE",
            "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB", "NAMESPACE", "STATUS", "APPEND",
            "IDLE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "UID", "ID",
            "COMPRESS", "GETQUOTA", "GETQUOTAROOT", "SETQUOTA", "GETACL", "SETACL", "MYRIGHTS", "LISTRIGHTS",
            "GETMETADATA", "SETMETADATA", "XLIST", "SORT", "THREAD", "NOTIFY");
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
        String line = ascii(buf, n);
        return direction == Direction.SERVER_TO_CLIENT ? classifyServer(line, true) : classifyClient(line);
    }

    /** A TLS record header: content type 20-23, version 0x0300-0x0304, length 1 to 16384+2048 (never printable text). */
    public static boolean looksLikeTlsRecord(byte[] b, int off, int len) {
        return TlsSniffer.detect(b, off, len) == TlsSniffer.Result.TLS;
    }

    private static String classifyServer(String line, boolean complete) {
        if (line.startsWith("* ") || line.startsWith("+ ")) {
            return IMAP;
        }
        if (line.startsWith("220 ") || line.startsWith("220-")) {
            return SMTP;
        }
        if (line.startsWith("+OK") || line.startsWith("-ERR")) {
            return POP3;
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
        int sp = line.indexOf(' ');
        if (sp > 0) {
            String rest = line.substring(sp + 1).toUpperCase(Locale.ROOT);
            if (rest.startsWith("OK") || rest.startsWith("NO") || rest.startsWith("BAD")) {
                return IMAP;
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
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO ") || upper.startsWith("HELO ")) {
            return SMTP;
        }
        if (upper.startsWith("SSH-")) {
            return SSH;
        }
        if (upper.startsWith("USER ") || upper.equals("CAPA") || upper.equals("STLS")) {
            return POP3;
        }
        String[] words = line.trim().split(" +", 3);
        if (words.length >= 2 && IMAP_COMMANDS.contains(words[1].toUpperCase(Locale.ROOT))) {
            return IMAP;
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
