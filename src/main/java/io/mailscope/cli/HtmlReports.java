package io.mailscope.cli;

import io.mailscope.report.HtmlReport;
import io.mailscope.report.Report;

/** Opens the HTML report of {@code --html FILE}. */
final class HtmlReports {
    private HtmlReports() {
    }

    /** Creates FILE; one that cannot be written is an IllegalArgumentException the CLI prints in one line. */
    static Report open(String file) {
        return HtmlReport.open(file);
    }
}
