package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts sessions by outcome and by finding code as they finish, for the summary. Each count is a {@code long[1]}
 * incremented in place: a {@code Long} per session and key (merged in with {@code Long::sum}) was garbage for
 * every session of a scan, made on the thread that writes the output.
 */
public final class SummaryCounter {
    private final Map<String, long[]> outcomes = new LinkedHashMap<>();
    private final Map<String, long[]> findings = new LinkedHashMap<>();
    private long sessions;
    private long shown;
    private long clientBytes;
    private long serverBytes;

    public SummaryCounter() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o.label(), new long[1]);
        }
    }

    public void count(AnalyzedSession s, boolean wasShown) {
        sessions++;
        if (wasShown) {
            shown++;
        }
        clientBytes += s.session().connection().clientBytes();
        serverBytes += s.session().connection().serverBytes();
        countOutcomeAndFindings(s.diagnosis().outcome().label(), s.diagnosis().findings());
    }

    /**
     * What the summary counts of one session, taken on any thread (a worker) and counted later, in order: the
     * diagnosis' own list of findings (it is not changed after), whose codes are counted then, so nothing more is
     * made per session than this record.
     */
    public record Counted(long clientBytes, long serverBytes, String outcome, List<Finding> findings) {
        public static Counted of(AnalyzedSession s) {
            return new Counted(s.session().connection().clientBytes(), s.session().connection().serverBytes(),
                    s.diagnosis().outcome().label(), s.diagnosis().findings());
        }
    }

    /** {@link #count(AnalyzedSession, boolean)} of what {@link Counted#of} took. */
    public void count(Counted c, boolean wasShown) {
        sessions++;
        if (wasShown) {
            shown++;
        }
        clientBytes += c.clientBytes();
        serverBytes += c.serverBytes();
        countOutcomeAndFindings(c.outcome(), c.findings());
    }

    private void countOutcomeAndFindings(String outcome, List<Finding> list) {
        increment(outcomes, outcome);
        if (list.size() == 1) { // most sessions: one finding
            increment(findings, list.get(0).code());
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            if (!codeBefore(list, i)) { // a code counts once per session (the lists are short)
                increment(findings, list.get(i).code());
            }
        }
    }

    private static void increment(Map<String, long[]> counts, String key) {
        long[] n = counts.get(key);
        if (n == null) {
            n = new long[1];
            counts.put(key, n);
        }
        n[0]++;
    }

    private static boolean codeBefore(List<Finding> list, int i) {
        String code = list.get(i).code();
        for (int j = 0; j < i; j++) {
            if (list.get(j).code().equals(code)) {
                return true;
            }
        }
        return false;
    }

    public long sessions() {
        return sessions;
    }

    public long shown() {
        return shown;
    }

    public long clientBytes() {
        return clientBytes;
    }

    public long serverBytes() {
        return serverBytes;
    }

    /** Outcomes that occurred, in catalog order. */
    public Map<String, Long> outcomes() {
        Map<String, Long> out = new LinkedHashMap<>();
        outcomes.forEach((k, v) -> {
            if (v[0] > 0) {
                out.put(k, v[0]);
            }
        });
        return out;
    }

    /** Finding codes, most frequent first. */
    public Map<String, Long> findings() {
        List<Map.Entry<String, long[]>> list = new ArrayList<>(findings.entrySet());
        list.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])); // stable: ties in order of first seen
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : list) {
            out.put(e.getKey(), e.getValue()[0]);
        }
        return out;
    }
}
