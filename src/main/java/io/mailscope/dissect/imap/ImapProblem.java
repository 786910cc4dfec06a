package io.mailscope.dissect.imap;

import java.util.Locale;

/** What can be wrong or noteworthy in an IMAP stream. */
public enum ImapProblem {
    /** A command line without a tag (hand-typed "LOGIN alice secret"). */
    MISSING_TAG,
    /** A line ended in LF alone; reported once per direction. */
    BARE_LF,
    /** A line longer than the parser keeps; the rest is skipped. */
    OVERLONG_LINE,
    /** A tag used again while, or after, the earlier command with it. */
    TAG_REUSED,
    /** A literal larger than any real message; skipped by counting. */
    LITERAL_TOO_LARGE,
    /** STARTTLS sent again (after an accepted one, or while one is pending). */
    STARTTLS_TWICE,
    /** A command sent behind STARTTLS before the server's answer (CVE-2011-0411 pattern). */
    PIPELINED_AFTER_STARTTLS,
    /** A line that is not IMAP. */
    BAD_SYNTAX,
    /** After COMPRESS DEFLATE, bytes that do not inflate: the side never switched. */
    INFLATE_ERROR,
    /** Bytes missing from the capture: parsing resumed at the next line. */
    GAP,
    /** The stream ended inside a line or a literal. */
    UNTERMINATED_LINE;

    private final String code = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String code() {
        return code;
    }
}
