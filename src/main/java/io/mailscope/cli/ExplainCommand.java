package io.mailscope.cli;

import io.mailscope.report.TextReport;
import picocli.CommandLine.Command;

/** {@code mailscope explain FILE}: the short form, only the findings of the sessions that failed. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Only the findings: one paragraph per failing session, then the summary.")
final class ExplainCommand extends AnalyzeCommand {
    @Override
    TextReport.Detail detail() {
        return TextReport.Detail.FINDINGS;
    }

    @Override
    public Integer call() {
        options.onlyFailed = true;
        return super.call();
    }
}
