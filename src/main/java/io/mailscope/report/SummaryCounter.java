package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Counts sessions by outcome and by finding code as they finish, for the summary. */
public final class SummaryCounter {
    private final Map<String, Long> outcomes = new LinkedHashMap<>();
    private final Map<String, Long> findings = new LinkedHashMap<>();
    private long sessions;
    private long shown;
    private long clientBytes;
    private long serverBytes;

    public SummaryCounter() {
        for (Outcome o : Outcome.values()) {
            outcomes.put(o.label(), 0L);
        }
    }

    public void count(AnalyzedSession s, boolean wasShown) {
        sessions++;
        if (wasShown) {
            shown++;
        }
        clientBytes += s.session().connection().clientBytes();
        serverBytes += s.session().connection().serverBytes();
        outcomes.merge(s.diagnosis().outcome().label(), 1L, Long::sum);
        List<Finding> list = s.diagnosis().findings();
        for (int i = 0; i < list.size(); i++) {
            if (!codeBefore(list, i)) { // a code counts once per session (the lists are short)
                findings.merge(list.get(i).code(), 1L, Long::sum);
            }
        }
    }

    /** What the summary counts of one session, taken on any thread (a worker) and counted later, in order. */
    public record Counted(long clientBytes, long serverBytes, String outcome, List<String> codes) {
        public static Counted of(AnalyzedSession s) {
            List<Finding> list = s.diagnosis().findings();
            List<String> codes = List.of();
            if (!list.isEmpty()) {
                List<String> distinct = new ArrayList<>(list.size());
                for (int i = 0; i < list.size(); i++) {
                    if (!codeBefore(list, i)) {
                        distinct.add(list.get(i).code());
                    }
                }
                codes = distinct;
            }
            return new Counted(s.session().connection().clientBytes(), s.session().connection().serverBytes(),
                    s.diagnosis().outcome().label(), codes);
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
        outcomes.merge(c.outcome(), 1L, Long::sum);
        for (String code : c.codes()) {
            findings.merge(code, 1L, Long::sum);
        }
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
            if (v > 0) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Finding codes, most frequent first. */
    public Map<String, Long> findings() {
        List<Map.Entry<String, Long>> list = new ArrayList<>(findings.entrySet());
        list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : list) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
