package io.mailscope.report;

import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.Session;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Outcome;
import io.mailscope.tcp.TcpConnection;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Folds many sessions that say the same thing into one paragraph of the text report (a scan, a flood, a client
 * retrying every second). The rule (docs/text-report.md "Grouped sessions"):
 * <ul>
 *   <li>sessions are alike when they have at least one finding and share the same finding codes (in order), the
 *       same outcome and the same server endpoint (address and port);</li>
 *   <li>paragraphs wait in a window of the last {@value #WINDOW} sessions shown, in the order they ended; when
 *       {@value #MIN_GROUP} alike sessions are in the window, they become a group, and every later alike session
 *       joins it without being printed;</li>
 *   <li>the rest leave the window in order, unchanged; at the end of the run each group is printed once, in the
 *       order the groups formed, before the summary: count, first and last session (id and start time), the client
 *       addresses with their counts, and the findings of the first session.</li>
 * </ul>
 * So a capture with fewer than {@value #MIN_GROUP} alike sessions prints exactly as without grouping, and memory
 * stays bounded: the window's paragraphs, and per group its counters and at most {@value #MAX_SOURCES} addresses.
 */
final class SessionGroups {
    static final int MIN_GROUP = 10;
    static final int WINDOW = 1_000;
    static final int MAX_SOURCES = 1_000;
    private static final int SOURCES_SHOWN = 5;

    /**
     * What alike sessions share. Its equality is written out: a record's {@code equals} and {@code hashCode} are
     * linked through method handles at their first call, which cost a short run more than all its lookups.
     */
    record Key(String codes, Outcome outcome, String server) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && codes.equals(k.codes) && outcome == k.outcome && server.equals(k.server);
        }

        @Override
        public int hashCode() {
            return (codes.hashCode() * 31 + outcome.ordinal()) * 31 + server.hashCode();
        }
    }

    /**
     * What a group needs of a session: not the session itself, whose events a long conversation makes large.
     * {@code startNanos} is relative to the capture's start.
     */
    record Member(long id, long startNanos, String clientIp, String server, PortRole role, Diagnosis diagnosis) {
        static Member of(AnalyzedSession s) {
            return of(s, s.session().connection().id());
        }

        /** With the run-wide number {@code id} (a worker's session is numbered later, by the merge). */
        static Member of(AnalyzedSession s, long id) {
            Session session = s.session();
            TcpConnection c = session.connection();
            return new Member(id, c.startNanos() - session.captureStartNanos(), c.client().ip(),
                    c.server().toString(), session.role(), s.diagnosis());
        }

        Member withId(long runWideId) {
            return new Member(runWideId, startNanos, clientIp, server, role, diagnosis);
        }
    }

    /** A paragraph waiting in the window; key and member are null for sessions that can never be grouped. */
    private record Held(Key key, byte[] text, Member member) {
    }

    /** One group's counters, and its first member for the findings and the role. */
    private static final class Group {
        final Member first;
        long count;
        long lastId;
        long lastStartNanos;
        final Map<String, Long> sources = new LinkedHashMap<>();
        long otherSources;

        Group(Member first) {
            this.first = first;
        }

        void add(Member m) {
            count++;
            lastId = m.id();
            lastStartNanos = m.startNanos();
            String ip = m.clientIp();
            Long n = sources.get(ip);
            if (n != null) {
                sources.put(ip, n + 1);
            } else if (sources.size() < MAX_SOURCES) {
                sources.put(ip, 1L);
            } else {
                otherSources++;
            }
        }
    }

    private final Consumer<byte[]> printer;
    private final ArrayDeque<Held> window = new ArrayDeque<>();
    private final Map<Key, Integer> inWindow = new HashMap<>();
    private final Map<Key, Group> groups = new LinkedHashMap<>();
    /**
     * The keys of the groups formed so far, for other threads ({@link #formed}): a key once here is a group until
     * {@link #finish}, so a session with this key, finished now, joins it when it is added later.
     */
    private final Set<Key> formedKeys = ConcurrentHashMap.newKeySet();

    /** @param printer where paragraphs go, in order */
    SessionGroups(Consumer<byte[]> printer) {
        this.printer = printer;
    }

    /** The key of a session that may be grouped, or null (no finding). */
    static Key keyOf(AnalyzedSession s) {
        List<Finding> findings = s.diagnosis().findings();
        if (findings.isEmpty()) {
            return null;
        }
        StringBuilder codes = new StringBuilder();
        for (Finding f : findings) {
            codes.append(f.code()).append(' ');
        }
        return new Key(codes.toString(), s.diagnosis().outcome(), s.session().connection().server().toString());
    }

    /** True when {@code s} joins a group formed earlier (and needs no paragraph of its own). */
    boolean joined(AnalyzedSession s, Key key) {
        Group g = key == null ? null : groups.get(key);
        if (g == null) {
            return false;
        }
        g.add(Member.of(s));
        return true;
    }

    /** {@link #joined(AnalyzedSession, Key)} of a session already reduced to what a group keeps. */
    boolean joined(Key key, Member m) {
        Group g = key == null ? null : groups.get(key);
        if (g == null) {
            return false;
        }
        g.add(m);
        return true;
    }

    /**
     * On any thread: true when a group of {@code key} has formed, so a session with that key finishing now will
     * join it and needs no paragraph (false may be late: the paragraph is then made for nothing).
     */
    boolean formed(Key key) {
        return key != null && formedKeys.contains(key);
    }

    /** A session's own paragraph, held in the window until it is known whether it joins a group. */
    void add(AnalyzedSession s, Key key, byte[] paragraph) {
        add(key, paragraph, key == null ? null : Member.of(s));
    }

    /** {@link #add(AnalyzedSession, Key, byte[])} of a session already reduced to what a group keeps. */
    void add(Key key, byte[] paragraph, Member member) {
        window.addLast(new Held(key, paragraph, member));
        if (key != null && inWindow.merge(key, 1, Integer::sum) >= MIN_GROUP) {
            form(key);
        }
        while (window.size() > WINDOW) {
            release(window.pollFirst());
        }
    }

    /** The alike sessions in the window become a group, in the order they ended. */
    private void form(Key key) {
        Group g = null;
        for (Iterator<Held> it = window.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (key.equals(h.key())) {
                it.remove();
                if (g == null) {
                    g = new Group(h.member());
                }
                g.add(h.member());
            }
        }
        inWindow.remove(key);
        groups.put(key, g);
        formedKeys.add(key);
    }

    private void release(Held h) {
        if (h.key() != null) {
            inWindow.merge(h.key(), -1, (a, b) -> a + b == 0 ? null : a + b);
        }
        printer.accept(h.text());
    }

    /** End of the run: the window in order, then one paragraph per group. */
    void finish(TextReport report) {
        while (!window.isEmpty()) {
            release(window.pollFirst());
        }
        for (Group g : groups.values()) {
            printer.accept(paragraph(g, report));
        }
        groups.clear();
    }

    private static byte[] paragraph(Group g, TextReport report) {
        Member f = g.first;
        Diagnosis d = f.diagnosis();
        Style style = report.style();
        TextBytes sb = new TextBytes(1024);
        sb.append(style.bold(g.count + " sessions -> " + f.server())).append("  ")
                .append(f.role() == PortRole.OTHER ? "" : f.role().label() + "  ")
                .append(style.outcome(d.outcome())).append("  ").append(d.protocolPath()).append('\n');
        sb.append("    ").append(style.dim("grouped: same findings, outcome and server; first ")).append('#').append(f.id())
                .append(style.dim(" at ")).append(Decimals.fixed3(f.startNanos())).append(" s")
                .append(style.dim(", last ")).append('#').append(g.lastId).append(style.dim(" at "))
                .append(Decimals.fixed3(g.lastStartNanos)).append(" s\n");
        sb.append("    ").append(style.dim("sources: "));
        List<Map.Entry<String, Long>> top = new ArrayList<>(g.sources.entrySet());
        // most sessions first; among equals the address seen first (a stable sort keeps insertion order)
        top.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (int i = 0; i < Math.min(SOURCES_SHOWN, top.size()); i++) {
            sb.append(i == 0 ? "" : ", ").append(top.get(i).getKey()).append(" (").append((long) top.get(i).getValue()).append(')');
        }
        long more = top.size() - Math.min(SOURCES_SHOWN, top.size());
        if (more > 0 || g.otherSources > 0) {
            sb.append(", and ");
            if (g.otherSources > 0) {
                sb.append("more than ").append(more).append(" other addresses");
            } else {
                sb.append(more).append(" other address").append(more == 1 ? "" : "es");
            }
        }
        sb.append('\n');
        sb.append("    ").append(style.dim("findings of the first session (#" + f.id() + "):")).append('\n');
        report.findings(d.findings(), sb);
        sb.append('\n');
        return sb.toBytes();
    }
}
