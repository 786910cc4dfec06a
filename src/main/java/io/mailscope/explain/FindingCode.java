package io.mailscope.explain;

/**
 * A finding's stable code (docs/findings.md). Sealed so that a switch over every code compiles only when it
 * handles them all: {@link CommonCode} holds the protocol-neutral codes, {@link ImapCode} IMAP's own,
 * {@link Pop3Code} POP3's and {@link SmtpCode} SMTP's; a new protocol adds one enum of its own.
 *
 * <p>Why the enums live here and not in each protocol's package: Java lets a sealed type's implementations
 * sit in other packages only inside a named module, and mailscope runs from the class path (a shaded jar).
 *
 * <p>{@link #priority()} orders the findings that imply an outcome: the resolver ({@link OutcomeResolver})
 * lets the highest decide the session's outcome and lead the report. {@link #lastResort()} findings are kept
 * only when no other finding decided the outcome: they explain an ending nothing else explains.
 */
public sealed interface FindingCode permits CommonCode, ImapCode, Pop3Code, SmtpCode {

    /** The enum constant's name, e.g. IMPLICIT_TLS_MUTUAL_WAIT. */
    String name();

    /** The code as users, scripts and JSON see it, e.g. "implicit-tls-mutual-wait": the name, spelled for people. */
    default String label() {
        return Labels.of(this);
    }

    /** Higher decides first. */
    int priority();

    /** Kept only when no other finding decided the outcome. */
    default boolean lastResort() {
        return false;
    }

    /** The code with this label, or null. */
    static FindingCode of(String label) {
        for (CommonCode c : CommonCode.values()) {
            if (c.label().equals(label)) {
                return c;
            }
        }
        for (FindingCode[] codes : new FindingCode[][] {ImapCode.values(), Pop3Code.values(), SmtpCode.values()}) {
            for (FindingCode c : codes) {
                if (c.label().equals(label)) {
                    return c;
                }
            }
        }
        return null;
    }
}
