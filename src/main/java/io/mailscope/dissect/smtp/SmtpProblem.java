package io.mailscope.dissect.smtp;

import java.util.Locale;

/** What can be wrong in an SMTP stream without stopping the analysis. */
public enum SmtpProblem {
    /** A line longer than the bound: its start is kept, the rest skipped. */
    OVERLONG_LINE,
    /** A reply of more lines than are kept: the rest are counted. */
    LONG_REPLY,
    /** The stream ended inside a line, a reply or a message. */
    UNTERMINATED,
    /** Bytes missing from the capture. */
    GAP,
    /** A server line that is not a reply (three digits, then space, hyphen or the end). */
    BAD_SYNTAX,
    /** The client sent commands behind STARTTLS before the server answered (RFC 3207 forbids it). */
    PIPELINED_AFTER_STARTTLS,
    /** More commands awaiting answers than the analyzer keeps: the oldest were forgotten. */
    TOO_MANY_PENDING;

    private final String code = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String code() {
        return code;
    }
}
