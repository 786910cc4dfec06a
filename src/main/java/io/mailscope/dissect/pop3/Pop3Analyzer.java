package io.mailscope.dissect.pop3;

import io.mailscope.dissect.EventSink;
import io.mailscope.dissect.LineProtocolAnalyzer;
import io.mailscope.dissect.SafeText;
import io.mailscope.tcp.Direction;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Parses the POP3 of both directions of one connection (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH)
 * and emits {@link Pop3Event}s. POP3 answers in order, so each +OK/-ERR is paired with the oldest command still
 * waiting, and that command says whether a multi-line body follows (CAPA, RETR, TOP, LIST and UIDL without an
 * argument, AUTH without one). A body is counted line by line up to its "." line, never stored; dot-stuffed lines
 * ("..") are content, so only a lone "." ends it. Passwords (PASS), APOP digests and SASL data are redacted here.
 *
 * <p>Nothing is thrown out of the public methods: bad input becomes {@link Pop3Event.Problem}s.
 */
public final class Pop3Analyzer extends LineProtocolAnalyzer {
    /** RFC 2449 allows 512 octets per response line; real servers send longer greetings, so 8 KiB as for IMAP. */
    static final int MAX_LINE = 8192;
    /** Commands awaiting an answer that are remembered (a client pipelining more is not followed further). */
    static final int MAX_PENDING = 64;
    /** CAPA lines kept. */
    static final int MAX_CAPABILITIES = 64;
    private static final Set<String> MULTI_LINE = Set.of("CAPA", "RETR", "TOP");
    private static final String UNTERMINATED = " [unterminated]";

    private final ArrayDeque<Pop3Event.Command> pending = new ArrayDeque<>();
    private boolean pendingOverflowReported;
    private boolean serverSpoke;

    /** The command whose multi-line body is being read, and what it held so far. */
    private Pop3Event.Command body;
    private long bodyLines;
    private long bodyBytes;
    private Set<String> capa;

    /** An AUTH not yet answered with +OK/-ERR, and whether the server's last line was a "+" challenge. */
    private Pop3Event.Command auth;
    private boolean challenged;
    private Pop3Event.Command stls;
    private boolean upgraded;

    public Pop3Analyzer(EventSink sink, boolean redactCredentials) {
        super(sink, redactCredentials, MAX_LINE);
    }

    @Override
    protected String protocolName() {
        return "POP3";
    }

    @Override
    protected void gap(Side side, long length) {
        side.reader.gap(length);
        problem(Pop3Problem.GAP, length + " bytes missing from the " + side.direction.sender() + "; the line in progress is dropped");
    }

    @Override
    protected void endedInsideLine(Direction direction) {
        problem(Pop3Problem.UNTERMINATED, "the " + direction.sender() + "'s stream ended inside a line (no CRLF)");
    }

    @Override
    protected void ended(Direction direction) {
        if (direction == Direction.SERVER_TO_CLIENT && body != null) {
            problem(Pop3Problem.UNTERMINATED, "the stream ended inside the multi-line answer to " + body.name()
                    + " after " + bodyLines + " lines (" + bodyBytes + " bytes), before its \".\" line");
            body = null;
        }
    }

    private void problem(Pop3Problem kind, String detail) {
        sink.emit(new Pop3Event.Problem(current, kind, detail));
    }

    /** A complete (or, at the end, unterminated) line. Returns false when the rest of the chunk is TLS. */
    @Override
    protected boolean line(Side side, byte[] buf, int len, boolean truncated, boolean terminated) {
        if (side.direction == Direction.SERVER_TO_CLIENT) {
            return serverLine(buf, len, truncated, terminated);
        }
        clientLine(SafeText.decode(buf, len) + (truncated ? "\u2026" : ""), terminated);
        return true;
    }

    // ------------------------------------------------------------------------------------------------ client

    private void clientLine(String text, boolean terminated) {
        String mark = terminated ? "" : UNTERMINATED;
        if (auth != null && challenged) {
            challenged = false;
            boolean cancelled = text.trim().equals("*");
            sink.emit(new Pop3Event.SaslResponse(current, (redact && !cancelled ? "***" : SafeText.bound(text)) + mark, cancelled));
            return;
        }
        String trimmed = text.strip();
        int sp = trimmed.indexOf(' ');
        String name = (sp < 0 ? trimmed : trimmed.substring(0, sp)).toUpperCase(Locale.ROOT);
        String args = sp < 0 ? "" : trimmed.substring(sp + 1).strip();
        String display;
        boolean credentials = false;
        switch (name) {
            case "PASS" -> {
                display = redact && !args.isEmpty() ? word(trimmed, sp) + " ***" : trimmed;
                credentials = !args.isEmpty();
            }
            case "APOP" -> {
                // the digest is not the password, but it proves it: shown only when asked
                int sp2 = args.indexOf(' ');
                display = redact && sp2 > 0 ? word(trimmed, sp) + " " + args.substring(0, sp2) + " ***" : trimmed;
            }
            case "AUTH" -> {
                int sp2 = args.indexOf(' ');
                boolean initial = sp2 > 0 && !args.substring(sp2 + 1).strip().equals("=");
                display = redact && initial ? word(trimmed, sp) + " " + args.substring(0, sp2) + " ***" : trimmed;
                credentials = initial;
            }
            default -> display = trimmed;
        }
        Pop3Event.Command cmd = new Pop3Event.Command(current, name, SafeText.bound(display) + mark, credentials);
        sink.emit(cmd);
        if (!terminated) {
            return;
        }
        if (stls != null) {
            problem(Pop3Problem.PIPELINED_AFTER_STLS, "command sent after STLS before the server answered: " + cmd.display());
        }
        switch (name) {
            case "AUTH" -> {
                if (!args.isEmpty()) {
                    auth = cmd;
                }
            }
            case "STLS" -> {
                if (!upgraded && stls == null) {
                    stls = cmd;
                }
            }
            default -> { }
        }
        pending.addLast(cmd);
        if (pending.size() > MAX_PENDING) {
            pending.removeFirst();
            if (!pendingOverflowReported) {
                pendingOverflowReported = true;
                problem(Pop3Problem.TOO_MANY_PENDING, "more than " + MAX_PENDING + " commands awaiting answers; the oldest are no longer paired");
            }
        }
    }

    /** The command word as the client typed it (its case kept). */
    private static String word(String line, int sp) {
        return sp < 0 ? line : line.substring(0, sp);
    }

    // ------------------------------------------------------------------------------------------------ server

    private boolean serverLine(byte[] buf, int len, boolean truncated, boolean terminated) {
        if (body != null && terminated) {
            bodyLine(buf, len);
            return true;
        }
        String text = SafeText.decode(buf, len) + (truncated ? "\u2026" : "");
        String display = SafeText.bound(text) + (terminated ? "" : UNTERMINATED);
        boolean greeting = !serverSpoke;
        serverSpoke = true;
        if (!greeting && auth != null && (text.equals("+") || text.startsWith("+ "))) {
            challenged = true;
            sink.emit(new Pop3Event.Reply(current, "+", null, text.length() > 2 ? text.substring(2) : "", display, false, auth));
            return true;
        }
        String upper = text.toUpperCase(Locale.ROOT);
        String status = upper.startsWith("+OK") ? "+OK" : upper.startsWith("-ERR") ? "-ERR" : "";
        String rest = text.substring(status.length()).strip();
        String code = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close > 0) {
                code = rest.substring(1, close).toUpperCase(Locale.ROOT);
                rest = rest.substring(close + 1).strip();
            }
        }
        Pop3Event.Command cmd = greeting || status.isEmpty() || !terminated ? null : pending.pollFirst();
        sink.emit(new Pop3Event.Reply(current, status, code, rest, display, greeting, cmd));
        if (status.isEmpty()) {
            problem(Pop3Problem.BAD_SYNTAX, "not a POP3 status line (+OK or -ERR): " + display);
            return true;
        }
        if (cmd == null) {
            return true;
        }
        boolean ok = status.equals("+OK");
        if (cmd == auth) {
            auth = null;
            challenged = false;
        }
        if (ok && multiLine(cmd)) {
            body = cmd;
            bodyLines = 0;
            bodyBytes = 0;
            capa = cmd.name().equals("CAPA") ? new LinkedHashSet<>() : null;
        }
        if (cmd == stls) {
            stls = null;
            if (!ok) {
                sink.emit(new Pop3Event.StlsRefused(current, display));
                return true;
            }
            upgraded = true;
            sink.emit(new Pop3Event.StlsAccepted(current, display));
            client.tlsPending = true;
            server.tlsPending = true;
            return false;
        }
        return true;
    }

    /** RFC 1939: RETR, TOP, and LIST/UIDL without an argument; RFC 2449 CAPA; AUTH without a mechanism lists them. */
    private static boolean multiLine(Pop3Event.Command cmd) {
        String name = cmd.name();
        if (MULTI_LINE.contains(name)) {
            return true;
        }
        boolean noArgument = cmd.display().strip().indexOf(' ') < 0;
        return noArgument && (name.equals("LIST") || name.equals("UIDL") || name.equals("AUTH"));
    }

    private void bodyLine(byte[] buf, int len) {
        if (len == 1 && buf[0] == '.') {
            sink.emit(new Pop3Event.MultiLineEnd(current, body.name(), bodyLines, bodyBytes));
            if (capa != null) {
                sink.emit(new Pop3Event.Capabilities(current, Collections.unmodifiableSet(capa)));
                capa = null;
            }
            body = null;
            return;
        }
        bodyLines++;
        bodyBytes += len + 2;
        if (capa != null && capa.size() < MAX_CAPABILITIES) {
            // a dot-stuffed line starts with an extra "." (RFC 1939 3)
            int from = len > 1 && buf[0] == '.' ? 1 : 0;
            String cap = SafeText.decode(java.util.Arrays.copyOfRange(buf, from, len), len - from).strip().toUpperCase(Locale.ROOT);
            if (!cap.isEmpty()) {
                capa.add(cap.length() > 200 ? cap.substring(0, 200) : cap);
            }
        }
    }

    @Override
    protected void overlong(Side side, int maxLine) {
        problem(Pop3Problem.OVERLONG_LINE, side.direction.sender() + " line longer than " + maxLine + " bytes; the rest of it is skipped");
    }
}
