package io.mailscope.explain;

import java.util.List;

/**
 * One named diagnosis with its evidence.
 *
 * @param kind         the stable code from the catalog (docs/findings.md); {@link #code()} spells it
 * @param summary      one sentence
 * @param wording      the explanation: plain words naming the evidence (frames, times, the exact server reply);
 *                     {@link #explanation()} spells it
 * @param fix          what a person can do about it
 * @param frames       the frames that prove it, ascending
 * @param confidence   certain, or likely when the evidence also fits other causes
 * @param alternatives those other causes, most likely first; empty when certain
 * @param outcome      the session outcome this finding implies, or null when it implies none (a warning on
 *                     the side); the resolver decides which finding's outcome the session gets
 */
public record Finding(FindingCode kind, Severity severity, String summary, Explanation wording, String fix, List<Long> frames,
                      Confidence confidence, List<Alternative> alternatives, Outcome outcome) {

    public Finding {
        frames = List.copyOf(frames);
        alternatives = List.copyOf(alternatives);
        if (confidence == Confidence.CERTAIN && !alternatives.isEmpty()) {
            throw new IllegalArgumentException("a certain finding has no alternatives: " + kind.label());
        }
    }

    /** A finding whose explanation is plain text. */
    public Finding(FindingCode kind, Severity severity, String summary, String explanation, String fix, List<Long> frames,
                   Confidence confidence, List<Alternative> alternatives, Outcome outcome) {
        this(kind, severity, summary, Explanation.of(explanation), fix, frames, confidence, alternatives, outcome);
    }

    /** A certain finding that implies no outcome. */
    public Finding(FindingCode kind, Severity severity, String summary, String explanation, String fix, List<Long> frames) {
        this(kind, severity, summary, explanation, fix, frames, Confidence.CERTAIN, List.of(), null);
    }

    /** The explanation as text (spelled on each call when it is not plain text). */
    public String explanation() {
        return wording.text();
    }

    /** The code as users and scripts see it, e.g. "implicit-tls-mutual-wait". */
    public String code() {
        return kind.label();
    }

    public boolean certain() {
        return confidence == Confidence.CERTAIN;
    }

    /** The same finding, no longer sure: at most likely, with these alternatives. */
    public Finding likely(List<Alternative> others) {
        return new Finding(kind, severity, summary, wording, fix, frames, Confidence.LIKELY, others, outcome);
    }
}
