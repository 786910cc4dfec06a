package io.mailscope.explain;


/** How much a finding matters. */
public enum Severity {
    INFO, WARNING, ERROR;

    /** "info", "warning", "error", as in JSON. */
    public String label() {
        return Labels.lower(this);
    }
}
