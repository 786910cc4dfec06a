package io.mailscope.dissect;

/**
 * Something a dissector saw on a session. The explain layer reads events, never bytes (the Zeek model).
 * Each protocol package declares a sealed sub-interface of its own events.
 */
public interface Event {
    At at();

    /**
     * The protocol whose dissector said this, declared once by each sealed sub-interface.
     *
     * <p>Why it exists: the loops that visit every event of every session (the facts, the timeline, the reports)
     * dispatch on it with a switch, then test the event's own (final) record class, instead of asking
     * {@code instanceof SessionEvent}, {@code instanceof ImapEvent}, ... in turn. The launcher runs the C1 compiler
     * only, and C1 answers an {@code instanceof} against an interface from a one-entry cache per class that only
     * remembers a yes: every no, and every yes for another interface than the last one asked of that class (records
     * that are both an {@code ImapEvent} and a {@code MailEvent.Reply}; the {@code Event} cast of each element a
     * loop takes from a {@code List<Event>}), calls a VM stub that scans the class's interfaces. That stub was 4-6%
     * of a run over 200,000 short sessions (docs/performance.md, "Sixth round"). A test against a record class is one
     * compare.
     */
    Family family();

    /** See {@link #family()}: one per sealed sub-interface of {@code Event}. */
    enum Family {
        SESSION, IMAP, POP3, SMTP, TLS, PROXY;

        /** A mail protocol other than IMAP, whose events are read through {@link MailEvent}'s shared roles. */
        public boolean orderedMail() {
            return this == POP3 || this == SMTP;
        }
    }
}
