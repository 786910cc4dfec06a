package io.mailscope.dissect.proxy;

import io.mailscope.dissect.At;
import io.mailscope.dissect.EventSink;
import io.mailscope.tcp.Direction;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * The proxy handshake at the start of a connection to a SOCKS or HTTP proxy, both directions, incremental: SOCKS4
 * and 4a, SOCKS5 (RFC 1928) with username/password login (RFC 1929), and HTTP {@code CONNECT} (RFC 9110 9.3.6,
 * including a refusal such as 407 followed by a new CONNECT on the same connection). Once a direction's part is
 * over ({@link #done}) what follows in it is the tunnelled stream, to be sniffed like any other.
 *
 * <p>Each direction keeps the message being read (at most {@link #MAX_MESSAGE} bytes); a message that does not fit
 * or does not parse ends the handshake for that direction, and what follows is sniffed as it is.
 * Passwords are never kept unless asked for.
 */
public final class ProxyHandshake {
    /** SOCKS messages are at most 515 bytes; an HTTP request or response head rarely above a few hundred. */
    static final int MAX_MESSAGE = 8192;

    /** The proxy protocols, named as in the JSON {@code proxy.type}. */
    public enum Type {
        SOCKS4("socks4"), SOCKS4A("socks4a"), SOCKS5("socks5"), HTTP_CONNECT("http-connect");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** What {@link #recognize} says about a client's first bytes. */
    public enum Verdict { PROXY, NOT_PROXY, NEED_MORE }

    private static final byte[] CONNECT = "CONNECT ".getBytes(StandardCharsets.US_ASCII);

    private final EventSink sink;
    private final boolean redact;
    private Type type;
    private final Half client = new Half();
    private final Half server = new Half();
    private String target;
    private int targetPort = -1;
    private boolean accepted;
    private boolean refused;
    /** SOCKS5: the server chose username/password, so its login status comes before its reply. */
    private boolean socks5Login;

    /** One direction: the message being read and where this direction is in its part of the handshake. */
    private static final class Half {
        byte[] buf = new byte[64];
        int len;
        /** Messages of this direction read so far. */
        int messages;
        boolean done;
        /** HTTP server: bytes of a refusal's body still to skip. */
        long skip;
    }

    public ProxyHandshake(Type type, EventSink sink, boolean redact) {
        this.type = type;
        this.sink = sink;
        this.redact = redact;
    }

    /**
     * Whether a client's first bytes are a proxy request: SOCKS4 (version 4, command 1 or 2, a NUL-ended user ID),
     * SOCKS5 (version 5 and 1 to 16 known authentication methods) or {@code CONNECT }. Printable text never
     * starts with 4 or 5, and TLS never does either, so the first byte already rules most streams out.
     */
    public static Verdict recognize(byte[] b, int len) {
        if (len == 0) {
            return Verdict.NEED_MORE;
        }
        if (b[0] == 4) {
            if (len < 9) {
                return Verdict.NEED_MORE;
            }
            if (b[1] != 1 && b[1] != 2) {
                return Verdict.NOT_PROXY;
            }
            for (int i = 8; i < len; i++) {
                if (b[i] == 0) {
                    return Verdict.PROXY;
                }
            }
            return len >= 8 + 256 ? Verdict.NOT_PROXY : Verdict.NEED_MORE;
        }
        if (b[0] == 5) {
            if (len < 2) {
                return Verdict.NEED_MORE;
            }
            int methods = b[1] & 0xff;
            if (methods < 1 || methods > 16) {
                return Verdict.NOT_PROXY;
            }
            if (len < 2 + methods) {
                return Verdict.NEED_MORE;
            }
            for (int i = 2; i < 2 + methods; i++) {
                int m = b[i] & 0xff;
                if (m > 0x09 && (m < 0x80 || m == 0xff)) {
                    return Verdict.NOT_PROXY;
                }
            }
            return Verdict.PROXY;
        }
        int n = Math.min(len, CONNECT.length);
        if (!Arrays.equals(b, 0, n, CONNECT, 0, n)) {
            return Verdict.NOT_PROXY;
        }
        return n == CONNECT.length ? Verdict.PROXY : Verdict.NEED_MORE;
    }

    /** The type a recognized first message is (SOCKS4 until the request shows a 4a host name). */
    public static Type typeOf(byte first) {
        return first == 4 ? Type.SOCKS4 : first == 5 ? Type.SOCKS5 : Type.HTTP_CONNECT;
    }

    /** True when this direction's part of the handshake is over: its next bytes are the tunnelled stream. */
    public boolean done(Direction d) {
        return half(d).done;
    }

    /** True once the proxy connected the client to its target. */
    public boolean accepted() {
        return accepted;
    }

    /** The target's port once the client named it, else -1. */
    public int targetPort() {
        return targetPort;
    }

    /** Reads what it can of the handshake; returns how many bytes it took (the rest belongs to the stream). */
    public int onData(Direction d, byte[] data, int off, int len, At at) {
        Half h = half(d);
        int taken = 0;
        while (taken < len && !h.done) {
            if (d == Direction.CLIENT_TO_SERVER && type == Type.HTTP_CONNECT && h.len == 0 && h.messages > 0
                    && (accepted || data[off + taken] != 'C')) {
                h.done = true; // after the 2xx (or instead of waiting for it): the tunnelled stream
                break;
            }
            if (h.skip > 0) {
                int n = (int) Math.min(h.skip, len - taken);
                h.skip -= n;
                taken += n;
                continue;
            }
            // Take one byte at a time into the message until it is whole: messages are small, and a byte
            // past a message's end must stay with the stream.
            if (h.len == h.buf.length) {
                if (h.buf.length >= MAX_MESSAGE) {
                    h.done = true; // not a handshake we can read: leave the rest to the sniffer
                    break;
                }
                h.buf = Arrays.copyOf(h.buf, Math.min(MAX_MESSAGE, h.buf.length * 2));
            }
            h.buf[h.len++] = data[off + taken++];
            int whole = d == Direction.CLIENT_TO_SERVER ? clientMessage(h, at) : serverMessage(h, at);
            if (whole < 0) {
                h.done = true;
            } else if (whole > 0) {
                h.len = 0;
                h.messages++;
            }
        }
        return taken;
    }

    private Half half(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    // ---- client messages: return 0 while incomplete, the length when one was read, -1 when it is not one

    private int clientMessage(Half h, At at) {
        byte[] b = h.buf;
        int n = h.len;
        return switch (type) {
            case SOCKS4, SOCKS4A -> socks4Request(b, n, at);
            case SOCKS5 -> socks5Client(h, b, n, at);
            case HTTP_CONNECT -> httpRequest(b, n, at);
        };
    }

    private int socks4Request(byte[] b, int n, At at) {
        if (n < 9 || b[n - 1] != 0) {
            return 0;
        }
        int userEnd = indexOf(b, 8, n, (byte) 0);
        boolean socks4a = b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] != 0;
        if (socks4a && n - 1 == userEnd) {
            return 0; // the host name follows the user ID
        }
        int port = u16(b, 2);
        String host = socks4a ? ascii(b, userEnd + 1, n - 1 - userEnd - 1)
                : (b[4] & 0xff) + "." + (b[5] & 0xff) + "." + (b[6] & 0xff) + "." + (b[7] & 0xff);
        type = socks4a ? Type.SOCKS4A : Type.SOCKS4;
        String user = ascii(b, 8, userEnd - 8);
        request(at, host + ":" + port, port, user.isEmpty() ? null : "user " + user);
        client.done = true;
        return n;
    }

    private int socks5Client(Half h, byte[] b, int n, At at) {
        if (h.messages == 0) {
            return n >= 2 && n == 2 + (b[1] & 0xff) ? n : 0; // greeting: version, methods
        }
        if (b[0] == 1) { // RFC 1929 login: version 1, user, password
            if (n < 2 || n < 2 + (b[1] & 0xff) + 1) {
                return 0;
            }
            int ulen = b[1] & 0xff;
            int plen = b[2 + ulen] & 0xff;
            if (n < 3 + ulen + plen) {
                return 0;
            }
            String user = ascii(b, 2, ulen);
            String password = redact ? "***" : ascii(b, 3 + ulen, plen);
            pendingCredentials = "user " + user + ", password " + password;
            return n;
        }
        if (b[0] != 5) {
            return -1;
        }
        int len = socks5AddressEnd(b, n);
        if (len < 0) {
            return -1;
        }
        if (len == 0 || n < len) {
            return 0;
        }
        int port = u16(b, len - 2);
        request(at, socks5Address(b) + ":" + port, port, pendingCredentials);
        client.done = true;
        return n;
    }

    private String pendingCredentials;

    private int httpRequest(byte[] b, int n, At at) {
        if (!endsHead(b, n)) {
            return 0;
        }
        String head = ascii(b, 0, n);
        String[] lines = head.split("\r?\n");
        String[] words = lines[0].split(" ");
        if (words.length < 2 || !words[0].equals("CONNECT")) {
            return -1;
        }
        String credentials = null;
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
                credentials = basicCredentials(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        int colon = words[1].lastIndexOf(':');
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(words[1].substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        request(at, words[1], port, credentials);
        // The client waits for the answer; after a refusal it may ask again on this connection.
        return n;
    }

    /** "Basic base64(user:password)" as "user U, password [redacted]"; other schemes by name only. */
    private String basicCredentials(String value) {
        int sp = value.indexOf(' ');
        String scheme = sp < 0 ? value : value.substring(0, sp);
        if (!scheme.equalsIgnoreCase("Basic") || sp < 0) {
            return scheme + " credentials";
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(value.substring(sp + 1).trim()),
                    StandardCharsets.ISO_8859_1);
            int colon = decoded.indexOf(':');
            String user = colon < 0 ? decoded : decoded.substring(0, colon);
            String password = colon < 0 ? "" : decoded.substring(colon + 1);
            return "user " + user + ", password " + (redact ? "***" : password);
        } catch (IllegalArgumentException e) {
            return "Basic credentials (unreadable)";
        }
    }

    private void request(At at, String target, int port, String credentials) {
        this.target = target;
        this.targetPort = port;
        sink.emit(new ProxyEvent.Request(at, type.label(), target, credentials));
    }

    // ---- server messages

    private int serverMessage(Half h, At at) {
        byte[] b = h.buf;
        int n = h.len;
        return switch (type) {
            case SOCKS4, SOCKS4A -> {
                if (n < 8) {
                    yield 0;
                }
                int code = b[1] & 0xff;
                reply(at, code == 0x5a, code == 0x5a ? "ok" : socks4Reply(code));
                yield n;
            }
            case SOCKS5 -> socks5Server(h, b, n, at);
            case HTTP_CONNECT -> httpResponse(h, b, n, at);
        };
    }

    private int socks5Server(Half h, byte[] b, int n, At at) {
        if (h.messages == 0) { // method selection
            if (n < 2) {
                return 0;
            }
            int method = b[1] & 0xff;
            if (method == 0xff) {
                reply(at, false, "no acceptable authentication method (SOCKS5 method 0xFF)");
            }
            socks5Login = method == 2;
            return n;
        }
        if (socks5Login && h.messages == 1) { // RFC 1929 status
            if (n < 2) {
                return 0;
            }
            if (b[1] != 0) {
                reply(at, false, "username/password rejected (SOCKS5 login status " + (b[1] & 0xff) + ")");
            }
            return n;
        }
        int len = socks5AddressEnd(b, n);
        if (len < 0) {
            return -1;
        }
        if (len == 0 || n < len) {
            return 0;
        }
        int code = b[1] & 0xff;
        reply(at, code == 0, code == 0 ? "ok" : socks5Reply(code));
        return n;
    }

    private int httpResponse(Half h, byte[] b, int n, At at) {
        if (!endsHead(b, n)) {
            return 0;
        }
        String head = ascii(b, 0, n);
        String[] lines = head.split("\r?\n");
        String status = lines[0].trim();
        String[] words = status.split(" ", 3);
        if (words.length < 2 || !words[0].startsWith("HTTP/")) {
            return -1;
        }
        boolean ok = words[1].startsWith("2");
        reply(at, ok, ok ? "ok" : status);
        if (!ok) {
            for (String line : lines) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    try {
                        h.skip = Math.max(0, Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
                    } catch (NumberFormatException e) {
                        h.skip = 0;
                    }
                }
            }
        }
        return n;
    }

    private void reply(At at, boolean ok, String result) {
        if (ok) {
            accepted = true;
        } else {
            refused = true;
        }
        // A refusal ends the handshake too: the proxy closes, or the client asks again (HTTP), read as new.
        server.done = ok || type != Type.HTTP_CONNECT;
        if (!ok && type != Type.HTTP_CONNECT) {
            client.done = true;
        }
        sink.emit(new ProxyEvent.Reply(at, type.label(), target, ok, result));
    }

    /** True once the proxy refused at least once (it may have accepted a later request). */
    public boolean refused() {
        return refused;
    }

    // ---- SOCKS5 addresses: version, command/reply, reserved, address type, address, port

    /** The message length by its address type; 0 when more bytes are needed, -1 for an unknown type. */
    private static int socks5AddressEnd(byte[] b, int n) {
        if (n < 5) {
            return 0;
        }
        return switch (b[3]) {
            case 1 -> 4 + 4 + 2;
            case 3 -> 4 + 1 + (b[4] & 0xff) + 2;
            case 4 -> 4 + 16 + 2;
            default -> -1;
        };
    }

    private static String socks5Address(byte[] b) {
        return switch (b[3]) {
            case 1 -> (b[4] & 0xff) + "." + (b[5] & 0xff) + "." + (b[6] & 0xff) + "." + (b[7] & 0xff);
            case 3 -> ascii(b, 5, b[4] & 0xff);
            default -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < 16; i += 2) {
                    sb.append(i == 0 ? "" : ":").append(Integer.toHexString(u16(b, 4 + i)));
                }
                yield sb.append(']').toString();
            }
        };
    }

    static String socks5Reply(int code) {
        String name = switch (code) {
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "unassigned reply";
        };
        return name + " (SOCKS5 reply " + code + ")";
    }

    static String socks4Reply(int code) {
        String name = switch (code) {
            case 0x5b -> "request rejected or failed";
            case 0x5c -> "rejected: the proxy could not reach the client's identd";
            case 0x5d -> "rejected: identd reports another user";
            default -> "unknown reply";
        };
        return name + " (SOCKS4 reply " + code + ")";
    }

    // ---- bytes

    private static boolean endsHead(byte[] b, int n) {
        return (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n')
                || (n >= 2 && b[n - 2] == '\n' && b[n - 1] == '\n');
    }

    private static int indexOf(byte[] b, int from, int to, byte v) {
        for (int i = from; i < to; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static String ascii(byte[] b, int off, int len) {
        return new String(b, off, Math.max(0, len), StandardCharsets.ISO_8859_1);
    }
}
