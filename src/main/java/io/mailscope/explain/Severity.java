package io.mailscope.explain;

import java.util.Locale;

/** How much a finding matters. */
public enum Severity {
    INFO, WARNING, ERROR;

    /** "info", "warning", "error", as in JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
