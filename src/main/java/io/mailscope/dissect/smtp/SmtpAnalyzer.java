package io.mailscope.dissect.smtp;

import io.mailscope.dissect.At;
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
 * Parses the SMTP of both directions of one connection (RFC 5321, 3207 STARTTLS, 4954 AUTH, 3030 CHUNKING, 3463
 * enhanced codes) and emits {@link SmtpEvent}s. Replies come in order, so each complete reply (its "ddd-" lines
 * and its "ddd " line) answers the oldest command waiting. After DATA's 354 the message is counted line by line
 * up to its lone "." (".." is dot-stuffed content), never stored; a BDAT chunk is skipped by counting. SASL data
 * and AUTH's initial response are redacted here.
 *
 * <p>Nothing is thrown out of the public methods: bad input becomes {@link SmtpEvent.Problem}s.
 */
public final class SmtpAnalyzer extends LineProtocolAnalyzer {
    /** RFC 5321 4.5.3.1: 512 octets for a command or reply line, 1000 for a text line; real servers exceed it. */
    static final int MAX_LINE = 8192;
    static final int MAX_PENDING = 128;
    /** Reply lines kept for display and EHLO keywords; longer replies are counted. */
    static final int MAX_REPLY_LINES = 64;
    private static final String UNTERMINATED = " [unterminated]";

    private final ArrayDeque<SmtpEvent.Command> pending = new ArrayDeque<>();
    private boolean pendingOverflowReported;
    private boolean serverSpoke;

    /** The reply being read (its "ddd-" lines so far). */
    private final StringBuilder replyDisplay = new StringBuilder();
    private final Set<String> replyLines = new LinkedHashSet<>();
    private int replyCount;

    /** DATA answered with 354: the client's lines are the message until its "." line. */
    private boolean inMessage;
    private long messageLines;
    private long messageBytes;
    private SmtpEvent.Command auth;
    private boolean challenged;
    private SmtpEvent.Command startTls;
    private boolean upgraded;

    public SmtpAnalyzer(EventSink sink, boolean redactCredentials) {
        super(sink, redactCredentials, MAX_LINE);
    }

    @Override
    protected String protocolName() {
        return "SMTP";
    }

    @Override
    protected void gap(Side side, long length) {
        boolean inChunk = side.reader.skipLeft() >= length;
        side.reader.gap(length);
        if (!inChunk) {
            problem(SmtpProblem.GAP, length + " bytes missing from the " + side.direction.sender() + "; the line in progress is dropped");
        }
    }

    @Override
    protected void endedInsideLine(Direction direction) {
        problem(SmtpProblem.UNTERMINATED, "the " + direction.sender() + "'s stream ended inside a line (no CRLF)");
    }

    @Override
    protected void ended(Direction direction) {
        if (direction == Direction.CLIENT_TO_SERVER && inMessage) {
            problem(SmtpProblem.UNTERMINATED, "the client's stream ended inside a message after " + messageLines
                    + " lines (" + messageBytes + " bytes), before its \".\" line");
            inMessage = false;
        }
        if (direction == Direction.SERVER_TO_CLIENT && replyCount > 0) {
            problem(SmtpProblem.UNTERMINATED, "the server's stream ended inside a multi-line reply");
        }
    }

    private void problem(SmtpProblem kind, String detail) {
        sink.emit(new SmtpEvent.Problem(current, kind, detail));
    }

    @Override
    protected boolean line(Side side, byte[] buf, int len, boolean truncated, boolean terminated) {
        if (side.direction == Direction.CLIENT_TO_SERVER) {
            if (inMessage && terminated) {
                messageLine(buf, len);
            } else {
                clientLine(SafeText.decode(buf, len) + (truncated ? "\u2026" : ""), terminated);
            }
            return true;
        }
        return serverLine(SafeText.decode(buf, len) + (truncated ? "\u2026" : ""), terminated);
    }

    // ------------------------------------------------------------------------------------------------ client

    private void messageLine(byte[] buf, int len) {
        if (len == 1 && buf[0] == '.') {
            inMessage = false;
            SmtpEvent.Command done = new SmtpEvent.Command(current, ".", "[message: " + messageLines + " lines, " + messageBytes + " bytes]", false);
            sink.emit(done);
            enqueue(done);
            return;
        }
        messageLines++;
        messageBytes += len + 2;
    }

    private void clientLine(String text, boolean terminated) {
        String mark = terminated ? "" : UNTERMINATED;
        if (auth != null && challenged) {
            challenged = false;
            boolean cancelled = text.trim().equals("*");
            sink.emit(new SmtpEvent.SaslResponse(current, (redact && !cancelled ? "***" : SafeText.bound(text)) + mark, cancelled));
            return;
        }
        String trimmed = text.strip();
        int sp = trimmed.indexOf(' ');
        String word = sp < 0 ? trimmed : trimmed.substring(0, sp);
        String name = word.toUpperCase(Locale.ROOT);
        int colon = name.indexOf(':');
        if (colon > 0) {
            name = name.substring(0, colon);    // "MAIL FROM:<a>" is MAIL; "RCPT TO:<b>" is RCPT (the first word decides)
        }
        String args = sp < 0 ? "" : trimmed.substring(sp + 1).strip();
        String display = trimmed;
        boolean credentials = false;
        if (name.equals("AUTH")) {
            int sp2 = args.indexOf(' ');
            String mechanism = sp2 < 0 ? args : args.substring(0, sp2);
            boolean initial = sp2 > 0 && !args.substring(sp2 + 1).strip().equals("=");
            if (initial && redact) {
                display = word + " " + mechanism + " ***";
            }
            // PLAIN's initial response holds the password; LOGIN's only the user name, still shown as *** above
            credentials = initial && !mechanism.equalsIgnoreCase("LOGIN");
        }
        SmtpEvent.Command cmd = new SmtpEvent.Command(current, name, SafeText.bound(display) + mark, credentials);
        sink.emit(cmd);
        if (!terminated) {
            return;
        }
        if (startTls != null) {
            problem(SmtpProblem.PIPELINED_AFTER_STARTTLS, "command sent after STARTTLS before the server answered: " + cmd.display());
        }
        switch (name) {
            case "AUTH" -> auth = cmd;
            case "STARTTLS" -> {
                if (!upgraded && startTls == null) {
                    startTls = cmd;
                }
            }
            case "BDAT" -> {
                String[] a = args.split(" +");
                try {
                    long size = Long.parseLong(a[0]);
                    if (size > 0) {
                        client.reader.skip(size);
                    }
                } catch (NumberFormatException e) {
                    problem(SmtpProblem.BAD_SYNTAX, "BDAT without a chunk size: " + cmd.display());
                }
            }
            default -> { }
        }
        enqueue(cmd);
    }

    private void enqueue(SmtpEvent.Command cmd) {
        pending.addLast(cmd);
        if (pending.size() > MAX_PENDING) {
            pending.removeFirst();
            if (!pendingOverflowReported) {
                pendingOverflowReported = true;
                problem(SmtpProblem.TOO_MANY_PENDING, "more than " + MAX_PENDING + " commands awaiting replies; the oldest are no longer paired");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ server

    private boolean serverLine(String text, boolean terminated) {
        boolean wellFormed = text.length() >= 3 && Character.isDigit(text.charAt(0)) && Character.isDigit(text.charAt(1))
                && Character.isDigit(text.charAt(2)) && (text.length() == 3 || text.charAt(3) == ' ' || text.charAt(3) == '-');
        if (!wellFormed) {
            problem(SmtpProblem.BAD_SYNTAX, "not an SMTP reply line: " + SafeText.bound(text));
            serverSpoke = true;
            return true;
        }
        boolean more = text.length() > 3 && text.charAt(3) == '-' && terminated;
        replyCount++;
        if (replyCount <= MAX_REPLY_LINES) {
            if (replyDisplay.length() > 0) {
                replyDisplay.append(" | ");
            }
            if (replyDisplay.length() < SafeText.MAX_DISPLAY) {
                replyDisplay.append(text);
            }
            if (replyCount > 1) {
                String keyword = text.length() > 4 ? text.substring(4).strip().toUpperCase(Locale.ROOT) : "";
                if (!keyword.isEmpty()) {
                    replyLines.add(keyword.length() > 200 ? keyword.substring(0, 200) : keyword);
                }
            }
        } else if (replyCount == MAX_REPLY_LINES + 1) {
            problem(SmtpProblem.LONG_REPLY, "a reply of more than " + MAX_REPLY_LINES + " lines; the rest are counted");
        }
        if (more) {
            return true;
        }
        return reply(text, terminated);
    }

    /** The reply's last line arrived: pair it, act on it. */
    private boolean reply(String last, boolean terminated) {
        String first = replyDisplay.toString();
        int firstEnd = first.indexOf(" | ");
        String firstLine = firstEnd < 0 ? first : first.substring(0, firstEnd);
        int code = Integer.parseInt(last.substring(0, 3));
        String rest = firstLine.length() > 4 ? firstLine.substring(4).strip() : "";
        String enhanced = null;
        int sp = rest.indexOf(' ');
        String head = sp < 0 ? rest : rest.substring(0, sp);
        if (head.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            enhanced = head;
            rest = sp < 0 ? "" : rest.substring(sp + 1);
        }
        String display = SafeText.bound(first) + (terminated ? "" : UNTERMINATED);
        boolean greeting = !serverSpoke;
        serverSpoke = true;
        Set<String> keywords = replyLines.isEmpty() ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(replyLines));
        At at = current;
        replyDisplay.setLength(0);
        replyLines.clear();
        replyCount = 0;
        SmtpEvent.Command cmd = greeting || !terminated ? null : code == 334 ? auth : pending.pollFirst();
        sink.emit(new SmtpEvent.Reply(at, code, enhanced, rest, display, greeting, cmd));
        if (cmd == null) {
            return true;
        }
        if (code == 334) {
            challenged = true;
            return true;
        }
        if (cmd == auth) {
            auth = null;
            challenged = false;
        }
        switch (cmd.name()) {
            case "EHLO" -> {
                if (code == 250) {
                    sink.emit(new SmtpEvent.Capabilities(at, keywords));
                }
            }
            case "DATA" -> {
                if (code == 354) {
                    inMessage = true;
                    messageLines = 0;
                    messageBytes = 0;
                }
            }
            default -> { }
        }
        if (cmd == startTls) {
            startTls = null;
            if (code != 220) {
                sink.emit(new SmtpEvent.StartTlsRefused(at, display));
                return true;
            }
            upgraded = true;
            sink.emit(new SmtpEvent.StartTlsAccepted(at, display));
            client.tlsPending = true;
            server.tlsPending = true;
            return false;
        }
        return true;
    }

    @Override
    protected void overlong(Side side, int maxLine) {
        if (!(side.direction == Direction.CLIENT_TO_SERVER && inMessage)) {
            problem(SmtpProblem.OVERLONG_LINE, side.direction.sender() + " line longer than " + maxLine + " bytes; the rest of it is skipped");
        }
    }
}
