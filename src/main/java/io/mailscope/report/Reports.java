package io.mailscope.report;

import io.mailscope.dissect.Session;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;

import java.io.OutputStream;
import java.util.List;

/** Several reports fed the same sessions (the terminal or JSON, plus an HTML file). */
public record Reports(List<Report> all) implements Report {

    @Override
    public void session(AnalyzedSession session) {
        all.forEach(r -> r.session(session));
    }

    /** One report (the usual case) prepares as itself: no array per session. */
    @Override
    public Object prepare(AnalyzedSession session) {
        if (all.size() == 1) {
            return all.get(0).prepare(session);
        }
        Object[] each = new Object[all.size()];
        for (int i = 0; i < each.length; i++) {
            each[i] = all.get(i).prepare(session);
        }
        return each;
    }

    @Override
    public void deliver(Object prepared, long id) {
        if (all.size() == 1) {
            all.get(0).deliver(prepared, id);
            return;
        }
        Object[] each = (Object[]) prepared;
        for (int i = 0; i < each.length; i++) {
            all.get(i).deliver(each[i], id);
        }
    }

    /** One report writes its bytes where it is asked to; several (JSON and HTML) each keep their own. */
    @Override
    public Object prepare(AnalyzedSession session, OutputStream bytes) {
        return all.size() == 1 ? all.get(0).prepare(session, bytes) : prepare(session);
    }

    @Override
    public void deliver(Object prepared, long id, byte[] bytes, int from, int length) {
        if (all.size() == 1) {
            all.get(0).deliver(prepared, id, bytes, from, length);
        } else {
            deliver(prepared, id);
        }
    }

    @Override
    public void summary(RunSummary summary) {
        all.forEach(r -> r.summary(summary));
    }

    @Override
    public void opened(Session session) {
        all.forEach(r -> r.opened(session));
    }

    @Override
    public void progress(Session session, String line, long timeNanos) {
        all.forEach(r -> r.progress(session, line, timeNanos));
    }

    @Override
    public void liveFinding(Session session, Finding finding, long timeNanos) {
        all.forEach(r -> r.liveFinding(session, finding, timeNanos));
    }

    @Override
    public void captureStats(String interfaceName, long frames, long received, long dropped, long ifDropped) {
        all.forEach(r -> r.captureStats(interfaceName, frames, received, dropped, ifDropped));
    }

    @Override
    public void close() {
        all.forEach(Report::close);
    }
}
