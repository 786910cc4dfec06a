package io.mailscope.explain;


/**
 * How sure a finding is. {@code CERTAIN}: the capture shows it (the server's own words, an alert, the bytes).
 * {@code LIKELY}: the most probable reading of evidence that other causes could also explain; such a finding
 * names them as {@link Finding#alternatives()}.
 */
public enum Confidence {
    CERTAIN, LIKELY;

    /** "certain" or "likely", as in JSON. */
    public String label() {
        return Labels.lower(this);
    }
}
