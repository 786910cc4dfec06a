package io.mailscope.cli;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.CaptureStats;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.SessionTracker;
import io.mailscope.report.Report;
import io.mailscope.report.RunSummary;
import io.mailscope.report.SummaryCounter;
import io.mailscope.tcp.TcpReassembler;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * capture -> tcp -> dissect -> explain -> report, for files. Push-based: each frame goes all the way through
 * before the next is read, so memory does not depend on the capture's size.
 */
final class Pipeline {
    private final List<Report> reports;
    private final Predicate<AnalyzedSession> filter;
    private final SummaryCounter counter = new SummaryCounter();
    private final SessionTracker tracker;
    private final TcpReassembler reassembler;
    private final PacketDecoder decoder;
    private final List<String> errors = new ArrayList<>();
    private final List<String> files = new ArrayList<>();
    private long nextFrame = 1;

    Pipeline(AnalysisOptions o, List<Report> reports, Predicate<AnalyzedSession> filter) {
        this.reports = reports;
        this.filter = filter;
        this.tracker = new SessionTracker(o.roles(), !o.showPasswords, o.silenceNanos(), this::finished);
        var roles = o.roles();
        this.reassembler = new TcpReassembler(tracker, o.limits(), roles::isMailPort);
        this.decoder = new PacketDecoder(reassembler);
    }

    private void finished(AnalyzedSession s) {
        boolean show = filter.test(s);
        counter.count(s, show);
        if (show) {
            for (Report r : reports) {
                r.session(s);
            }
        }
    }

    /** Reads one file ("-" for standard input) through the pipeline. Returns false when it had a fault. */
    boolean read(String file) {
        files.add(file);
        try (CaptureReader reader = CaptureReader.open(file)) {
            reader.firstFrameNumber(nextFrame);
            long frames = reader.readFrames(this::frame);
            nextFrame += frames;
            return true;
        } catch (CaptureFormatException e) {
            nextFrame = e.frame() + 1;
            errors.add(e.getMessage());
            return false;
        } catch (IOException e) {
            errors.add(file + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return false;
        }
    }

    private void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen, int origLen) {
        tracker.captureStart(timeNanos);
        decoder.frame(frameNumber, timeNanos, linkType, buf, offset, capLen, origLen);
    }

    /** Reports every connection still open and the summary. */
    void finish() {
        reassembler.finish();
        CaptureStats cs = decoder.stats();
        RunSummary summary = new RunSummary(List.copyOf(files), cs.frames(), cs.tcp(), cs.nonTcp(), cs.undecodable(),
                counter.sessions(), counter.shown(), counter.clientBytes(), counter.serverBytes(),
                counter.outcomes(), counter.findings(), reassembler.stats(), List.copyOf(errors));
        for (Report r : reports) {
            r.summary(summary);
        }
    }

    List<String> errors() {
        return errors;
    }
}
