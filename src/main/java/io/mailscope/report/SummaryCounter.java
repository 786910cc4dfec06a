package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        count(Counted.of(s), wasShown);
    }

    /** What the summary counts of one session, taken on any thread (a worker) and counted later, in order. */
    public record Counted(long clientBytes, long serverBytes, String outcome, List<String> codes) {
        public static Counted of(AnalyzedSession s) {
            List<String> codes = List.of();
            List<Finding> fs = s.diagnosis().findings();
            if (!fs.isEmpty()) {
                Set<String> seen = new LinkedHashSet<>();
                for (Finding f : fs) {
                    seen.add(f.code());
                }
                codes = List.copyOf(seen);
            }
            return new Counted(s.session().connection().clientBytes(), s.session().connection().serverBytes(),
                    s.diagnosis().outcome().label(), codes);
        }
    }

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
