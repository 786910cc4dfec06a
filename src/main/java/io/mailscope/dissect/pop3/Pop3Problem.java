package io.mailscope.dissect.pop3;

/** What can be wrong in a POP3 stream without stopping the analysis. */
public enum Pop3Problem {
    /** A line longer than the bound: its start is kept, the rest skipped. */
    OVERLONG_LINE,
    /** The stream ended inside a line or inside a multi-line answer. */
    UNTERMINATED,
    /** Bytes missing from the capture: the line in progress is dropped. */
    GAP,
    /** A server line that is neither +OK, -ERR nor a SASL challenge. */
    BAD_SYNTAX,
    /** The client sent commands behind STLS before the server answered it (RFC 2595 forbids it). */
    PIPELINED_AFTER_STLS,
    /** More commands awaiting answers than the analyzer keeps: the oldest were forgotten. */
    TOO_MANY_PENDING;

    private final String code = name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');

    /** As shown in timelines: "overlong-line", "pipelined-after-stls"... */
    public String code() {
        return code;
    }
}
