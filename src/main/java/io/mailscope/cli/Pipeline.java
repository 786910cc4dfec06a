package io.mailscope.cli;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.BpfFrameFilter;
import io.mailscope.capture.CaptureStats;
import io.mailscope.capture.FrameSink;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.pipeline.FrameAnalysis;
import io.mailscope.pipeline.SessionOutput;
import io.mailscope.report.Report;
import io.mailscope.report.RunSummary;
import io.mailscope.report.SummaryCounter;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** An {@link Analysis} whose sessions go through the user's filters to the chosen reports, with a summary at the end. */
final class Pipeline {
    private final Report report;
    private final Predicate<AnalyzedSession> filter;
    private final SummaryCounter counter = new SummaryCounter();
    private final FrameAnalysis analysis;
    private final List<String> errors = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private final FrameSink entry;

    /** @param filterExpression a BPF filter for the frames, or null */
    Pipeline(AnalysisOptions o, String filterExpression, Report report, Predicate<AnalyzedSession> filter) {
        this(o, filterExpression, report, filter, false);
    }

    /** @param live key logs that do not exist yet are waited for (the client creates them as it connects) */
    Pipeline(AnalysisOptions o, String filterExpression, Report report, Predicate<AnalyzedSession> filter, boolean live) {
        this(o, filterExpression, report, filter, live, o.threads());
    }

    /**
     * @param threads analysis workers (1: on the calling thread); with more, sessions reach the report on the
     *                merge's thread, one at a time, in the same order
     */
    Pipeline(AnalysisOptions o, String filterExpression, Report report, Predicate<AnalyzedSession> filter, boolean live,
             int threads) {
        this.report = report;
        this.filter = filter;
        // With several workers, each session's filtering, counting and rendering that depends on it alone is done
        // on its worker (Output); picking sessions by number needs the run-wide number, known on the merge only.
        boolean prepare = !(filter instanceof SessionFilter f && f.byNumber());
        this.analysis = FrameAnalysis.create(threads, o.roles(), o.limits(), !o.showPasswords, o.silenceNanos(),
                prepare ? new Output() : this::finished, live);
        this.entry = filterExpression == null ? analysis : new BpfFrameFilter(filterExpression, analysis);
        for (java.nio.file.Path keylog : o.keylogs) {
            try {
                analysis.keyLog().addFile(keylog, live);
            } catch (IOException e) {
                throw new IllegalArgumentException("--keylog " + keylog + ": cannot read it ("
                        + (e.getMessage() == null ? e.toString() : e.getMessage()) + ")");
            }
        }
    }

    /** Problems with the key logs (malformed lines, no secrets), one line each, for standard error. */
    List<String> keyLogReport() {
        return analysis.keyLog().report();
    }

    private void finished(AnalyzedSession s) {
        boolean show = filter.test(s);
        counter.count(s, show);
        if (show) {
            report.session(s);
        }
    }

    /** What the summary and the reports make of a session on its worker. */
    private record Prepared(SummaryCounter.Counted counted, boolean shown, Object report) {
    }

    /** {@link #finished}, split for the sharded pipeline ({@link SessionOutput}): the same output. */
    private final class Output implements SessionOutput<Prepared> {
        @Override
        public Prepared prepare(AnalyzedSession s) {
            boolean show = filter.test(s);
            return new Prepared(SummaryCounter.Counted.of(s), show, show ? report.prepare(s) : null);
        }

        @Override
        public void deliver(Prepared p, long id) {
            counter.count(p.counted(), p.shown());
            if (p.shown()) {
                report.deliver(p.report(), id);
            }
        }

        /** The report's rendering goes into {@code bytes}, the buffer the worker hands to the merge. */
        @Override
        public Prepared prepare(AnalyzedSession s, java.io.OutputStream bytes) {
            boolean show = filter.test(s);
            return new Prepared(SummaryCounter.Counted.of(s), show, show ? report.prepare(s, bytes) : null);
        }

        @Override
        public void deliver(Prepared p, long id, byte[] bytes, int from, int length) {
            counter.count(p.counted(), p.shown());
            if (p.shown()) {
                report.deliver(p.report(), id, bytes, from, length);
            }
        }

        @Override
        public void accept(AnalyzedSession s) {
            finished(s);
        }
    }

    FrameAnalysis analysis() {
        return analysis;
    }

    /** Reads one file ("-" for standard input). Returns false when it had a fault (recorded in errors()). */
    boolean read(String file) {
        files.add(file);
        try {
            analysis.read(file, entry);
            return true;
        } catch (CaptureFormatException e) {
            errors.add(e.getMessage());
            return false;
        } catch (IOException e) {
            errors.add(file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return false;
        }
    }

    /** Names an input that is not a file (a live interface), for the summary. */
    void source(String name) {
        files.add(name);
    }

    /** Reports every connection still open, then the summary. */
    void finish() {
        finishSessions();
        for (String line : keyLogReport()) {
            System.err.println("mailscope: " + line);
        }
        summary();
    }

    /** Reports every connection still open. */
    void finishSessions() {
        analysis.finish();
    }

    /** The run's totals, to every report. */
    void summary() {
        CaptureStats cs = analysis.captureStats();
        report.summary(new RunSummary(List.copyOf(files), cs.frames(), cs.tcp(), cs.nonTcp(), cs.undecodable(),
                counter.sessions(), counter.shown(), counter.clientBytes(), counter.serverBytes(),
                counter.outcomes(), counter.findings(), analysis.reassemblyStats(), List.copyOf(errors)));
    }

    List<String> errors() {
        return errors;
    }
}
