package io.mailscope.explain;

import io.mailscope.tcp.ConnState;
import io.mailscope.tcp.TcpConnection;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides a session's outcome and its primary finding from the findings, in one documented place:
 *
 * <ol>
 *   <li>Among the findings that imply an outcome, the one whose code has the highest priority decides (the first
 *   listed wins a tie). Its outcome is the session's, and it is the primary finding.</li>
 *   <li>A last-resort finding ({@link FindingCode#lastResort()}: no-data, server-hangup) is dropped when a finding
 *   of higher priority decided: it only explains an end that nothing else explains.</li>
 *   <li>When no finding implies an outcome: {@code ok} if the session did what it set out to do (a login or
 *   LOGOUT accepted, PREAUTH, a completed TLS handshake), else what the connection shows (see {@link #fallback}).</li>
 *   <li>Findings are listed most severe first, the primary one first among equals.</li>
 * </ol>
 */
public final class OutcomeResolver {

    /** The outcome, the primary finding (or null) and the findings in report order. */
    public record Resolution(Outcome outcome, Finding primary, List<Finding> findings) {
    }

    public Resolution resolve(List<Finding> found, SessionFacts f, boolean success) {
        Finding primary = null;
        for (Finding x : found) {
            if (x.outcome() != null && (primary == null || x.kind().priority() > primary.kind().priority())) {
                primary = x;
            }
        }
        List<Finding> kept = new ArrayList<>();
        for (Finding x : found) {
            if (x != primary && x.kind().lastResort() && primary != null && primary.kind().priority() > x.kind().priority()) {
                continue;
            }
            kept.add(x);
        }
        Outcome outcome = primary != null ? primary.outcome() : success ? Outcome.OK : fallback(f);
        Finding lead = primary;
        if (kept.size() > 1) { // most sessions have no finding or one: no comparators built for them
            kept.sort(Comparator.comparing(Finding::severity).reversed().thenComparing(x -> x == lead ? 0 : 1));
        }
        return new Resolution(outcome, primary, List.copyOf(kept));
    }

    /** No finding decided and nothing succeeded: what the connection itself shows. */
    static Outcome fallback(SessionFacts f) {
        TcpConnection c = f.session.connection();
        if (c.midstream() || c.gaps() > 0) {
            return Outcome.INCOMPLETE;
        }
        if (c.state() == ConnState.SF && c.serverBytes() > 0) {
            return f.greeting != null || f.firstServerImap != null || f.mailGreeting != null ? Outcome.OK : Outcome.INCOMPLETE;
        }
        if (c.endReason() == TcpConnection.EndReason.CAPTURE_END) {
            return c.serverBytes() > 0 ? Outcome.INCOMPLETE : Outcome.STALLED;
        }
        return c.serverBytes() > 0 ? Outcome.OK : Outcome.INCOMPLETE;
    }
}
