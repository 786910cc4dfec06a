package io.mailscope.explain;

/**
 * Another cause that would explain the same evidence as a {@link Confidence#LIKELY} finding.
 *
 * @param code    a finding code, or a plain word where no finding names it (e.g. "user-cancelled")
 * @param summary one sentence
 */
public record Alternative(String code, String summary) {
}
