package io.mailscope.cli;

import io.mailscope.report.JsonReport;
import io.mailscope.report.Report;
import io.mailscope.report.Reports;
import io.mailscope.report.Style;
import io.mailscope.report.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mailscope analyze FILE...}: every session with its timeline and findings, then a summary. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Analyze pcap/pcapng captures (plain or .gz, '-' for standard input): one report per TCP connection, then a summary.")
class AnalyzeCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Capture files, in order (a rotated capture's files are one run).")
    List<String> files = new ArrayList<>();

    @Mixin
    AnalysisOptions options = new AnalysisOptions();

    @Option(names = "--filter", paramLabel = "BPF",
            description = "Analyze only the frames this capture filter (tcpdump syntax) accepts; needs libpcap.")
    String filter;

    /** What the text report shows per session. */
    TextReport.Detail detail() {
        return options.summaryOnly ? TextReport.Detail.FINDINGS : TextReport.Detail.FULL;
    }

    @Override
    public Integer call() {
        options.validate();
        PrintStream out = System.out;
        List<Report> reports = new ArrayList<>();
        // Files: output in large pieces, flushed at the end; alike sessions grouped unless the user picked sessions.
        reports.add(options.json ? new JsonReport(out, false)
                : new TextReport(out, Style.detect(options.color), detail(), options.sessions.isEmpty()));
        if (options.html != null) {
            reports.add(HtmlReports.open(options.html));
        }
        Report report = new Reports(reports);
        Pipeline pipeline = new Pipeline(options, filter, report, new SessionFilter(options));
        int bad = 0;
        for (String f : files) {
            if (!pipeline.read(f)) {
                bad++;
                System.err.println("mailscope: " + pipeline.errors().get(pipeline.errors().size() - 1));
            }
        }
        pipeline.finish();
        report.close();
        if (bad == 0) {
            return 0;
        }
        // Nothing at all could be read: a usage-level failure. Otherwise what could be read was reported.
        return pipeline.analysis().captureStats().frames() == 0 ? Main.EXIT_USAGE : Main.EXIT_PARTIAL;
    }
}
