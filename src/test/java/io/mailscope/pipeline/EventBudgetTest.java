package io.mailscope.pipeline;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;

import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.TcpConnection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The events all open sessions keep together are bounded: over the budget, the least recently active connection
 * is reported early (memory_limit, counted as evicted for space), and nothing is lost, only cut into pieces.
 */
class EventBudgetTest {
    static final String CAPTURE = "hand-typed-mistakes.pcap";

    static List<AnalyzedSession> analyze(long maxKeptEvents, Analysis[] analysis) throws Exception {
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(Captures.ROLES, ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add, maxKeptEvents);
        a.read(Captures.path(CAPTURE).toString());
        a.finish();
        analysis[0] = a;
        return out;
    }

    @Test
    void withinTheBudgetNothingIsEvicted() throws Exception {
        Analysis[] a = new Analysis[1];
        List<AnalyzedSession> all = analyze(Long.MAX_VALUE, a);
        assertEquals(0, a[0].reassemblyStats().evictedForSpace());
        assertTrue(all.stream().noneMatch(s -> s.session().connection().endReason() == TcpConnection.EndReason.MEMORY_LIMIT));
        assertEquals(0, a[0].tracker().keptEvents(), "every session was released");
    }

    @Test
    void overTheBudgetTheLeastRecentlyActiveIsReportedEarlyAndNoByteIsLost() throws Exception {
        Analysis[] whole = new Analysis[1];
        List<AnalyzedSession> reference = analyze(Long.MAX_VALUE, whole);
        Analysis[] cut = new Analysis[1];
        List<AnalyzedSession> pieces = analyze(6, cut);
        assertTrue(cut[0].reassemblyStats().evictedForSpace() > 0);
        assertTrue(pieces.size() > reference.size());
        assertTrue(pieces.stream().anyMatch(s -> s.session().connection().endReason() == TcpConnection.EndReason.MEMORY_LIMIT));
        assertEquals(bytes(reference), bytes(pieces), "every payload byte is in some session");
        assertEquals(0, cut[0].tracker().keptEvents(), "every session was released");
    }

    private static long bytes(List<AnalyzedSession> sessions) {
        return sessions.stream().mapToLong(s -> s.session().connection().clientBytes() + s.session().connection().serverBytes()).sum();
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheHeapAtLeast20000Events() {
        assertEquals(32_768, Analysis.defaultMaxKeptEvents(64L << 20));
        assertEquals(20_000, Analysis.defaultMaxKeptEvents(16L << 20));
    }
}
