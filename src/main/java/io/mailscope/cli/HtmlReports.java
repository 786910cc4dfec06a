package io.mailscope.cli;

import io.mailscope.report.Report;

/** Opens the HTML report (placeholder until the HTML report lands). */
final class HtmlReports {
    private HtmlReports() {
    }

    static Report open(String file) {
        throw new IllegalArgumentException("--html is not available yet");
    }
}
