package io.mailscope.explain;

import io.mailscope.tcp.Endpoint;

/**
 * A finding's explanation: fixed words with values spelled into them. Almost every finding's is plain text; the
 * no-answer finding that a scan gives each of its 500,000 sessions keeps its values instead and is spelled where it
 * is shown: the grouped text report shows one session's, and the JSON report writes the words' encoding (the same
 * String constants every time) and the values straight into its buffer, without a String per session in between.
 * One method spells a sentence ({@link #spell}), so its words stay in one place (the rule that gives it).
 */
public interface Explanation {

    /** Spells the sentence into {@code out}, in order. */
    void spell(Spelling out);

    /** The sentence as text. */
    default String text() {
        StringBuilder sb = new StringBuilder(256);
        spell(new Spelling() {
            @Override
            public void words(String constant) {
                sb.append(constant);
            }

            @Override
            public void number(long n) {
                sb.append(n);
            }

            @Override
            public void endpoint(Endpoint e) {
                sb.append(e.toString());
            }

            @Override
            public void duration(long nanos) {
                sb.append(Evidence.duration(nanos));
            }
        });
        return sb.toString();
    }

    /** Plain text. */
    static Explanation of(String text) {
        return new Plain(text);
    }

    /** An explanation that is already text (most findings'). */
    record Plain(String text) implements Explanation {
        @Override
        public void spell(Spelling out) {
            out.words(text);
        }
    }

    /** Where an explanation is spelled. */
    interface Spelling {
        /** Words: a String constant of the rule, so the same object every time (a writer may keep its encoding). */
        void words(String constant);

        /** A whole number, as {@code Long.toString}. */
        void number(long n);

        /** An address and port, as {@link Endpoint#toString}. */
        void endpoint(Endpoint e);

        /** A length of time, as {@link Evidence#duration}. */
        void duration(long nanos);
    }
}
