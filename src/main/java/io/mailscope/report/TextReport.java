package io.mailscope.report;

import io.mailscope.dissect.Session;
import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Timeline;
import io.mailscope.explain.TimelineEntry;
import io.mailscope.tcp.TcpConnection;

import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The terminal report: a header line per session, its ladder diagram, its findings with explanation and fix,
 * then a summary. {@code findingsOnly} is the short form of {@code mailscope explain}.
 */
public final class TextReport implements Report {
    /** How much to print per session. */
    public enum Detail { FULL, FINDINGS, NONE }

    /** Text is handed to the stream in pieces of about this many bytes when not flushed per session. */
    private static final int PENDING_LIMIT = 64 * 1024;
    /** Room for a paragraph: most are under 4 KiB. */
    private static final int PARAGRAPH_CAPACITY = 8 * 1024;

    private final PrintStream out;
    private final Style style;
    private final Detail detail;
    private final Ladder ladder;
    /** Null when every session gets its own paragraph (live capture, where nothing may wait). */
    private final SessionGroups groups;
    private final boolean flushEachSession;
    /** Whole paragraphs (UTF-8) not yet handed to the stream. */
    private final TextBytes pending = new TextBytes(PENDING_LIMIT + PARAGRAPH_CAPACITY);
    /**
     * The stream writes UTF-8, so rendered bytes go to it as they are; otherwise they are decoded again and the
     * stream encodes them in its charset, as it always did.
     */
    private final boolean utf8Out;
    /** Each thread renders into its own buffer (paragraphs are prepared on the workers), copied out exactly. */
    private static final ThreadLocal<TextBytes> SCRATCH = ThreadLocal.withInitial(() -> new TextBytes(PARAGRAPH_CAPACITY));

    /** Every session printed and flushed at once, as live capture needs. */
    public TextReport(PrintStream out, Style style, Detail detail) {
        this(out, style, detail, false);
    }

    /**
     * @param forFiles sessions read from files: alike sessions grouped ({@link SessionGroups}) and output written
     *                 in large pieces, flushed at the summary, instead of a flush per session
     */
    public TextReport(PrintStream out, Style style, Detail detail, boolean forFiles) {
        this.out = out;
        this.style = style;
        this.detail = detail;
        this.ladder = new Ladder(style);
        this.flushEachSession = !forFiles;
        this.groups = forFiles ? new SessionGroups(this::write) : null;
        this.utf8Out = out == System.out && StandardCharsets.UTF_8.equals(stdoutCharset());
    }

    /**
     * The charset {@code System.out} was made with: {@code stdout.encoding} (Java 19+) or {@code sun.stdout.encoding}
     * (a terminal) when set, else the default charset, as {@code System} itself chooses.
     */
    static Charset stdoutCharset() {
        String enc = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
        try {
            if (enc != null && Charset.isSupported(enc)) {
                return Charset.forName(enc);
            }
        } catch (IllegalArgumentException e) {
            // an illegal name: System fell back to the default too
        }
        return Charset.defaultCharset();
    }

    Style style() {
        return style;
    }

    private void write(byte[] text) {
        pending.append(text, 0, text.length);
        if (flushEachSession) {
            drain();
        } else if (pending.length() >= PENDING_LIMIT) {
            emit();
        }
    }

    /** Hands the pending paragraphs to the stream (always whole paragraphs, so never half a character). */
    private void emit() {
        if (pending.length() > 0) {
            if (utf8Out) {
                out.write(pending.array(), 0, pending.length());
            } else {
                out.print(pending.toString());
            }
            pending.setLength(0);
        }
    }

    private void drain() {
        emit();
        out.flush();
    }

    @Override
    public void session(AnalyzedSession as) {
        if (detail == Detail.NONE) {
            return;
        }
        SessionGroups.Key key = null;
        if (groups != null) {
            key = SessionGroups.keyOf(as);
            if (groups.joined(as, key)) {
                return; // counted in its group: no paragraph to render
            }
        }
        byte[] paragraph = paragraph(as, Long.toString(as.session().connection().id()));
        if (groups != null) {
            groups.add(as, key, paragraph);
        } else {
            write(paragraph);
        }
    }

    /**
     * Stands for the run-wide number in a paragraph rendered before it is known. The first one in the paragraph is
     * always this: it is in the header, before any text from the wire (which could hold a NUL of its own).
     */
    private static final char NUMBER_MARK = '\0';

    /**
     * What {@link #prepare} makes of a session: its paragraph with {@link #NUMBER_MARK} for its number (null when
     * its group had formed), its group key and what the group keeps of it (null when it cannot be grouped).
     */
    private record Paragraph(byte[] text, SessionGroups.Key key, SessionGroups.Member member) {
    }

    private static final Paragraph NOTHING = new Paragraph(null, null, null);

    /**
     * The paragraph, rendered on any thread (a worker): nothing in it depends on another session but the number,
     * which {@link #deliver} fills in, and whether the session joins a group, which {@code deliver} decides (a
     * session whose group has already formed gets no paragraph here).
     */
    @Override
    public Object prepare(AnalyzedSession as) {
        if (detail == Detail.NONE) {
            return NOTHING;
        }
        if (groups == null) {
            return new Paragraph(paragraph(as, String.valueOf(NUMBER_MARK)), null, null);
        }
        SessionGroups.Key key = SessionGroups.keyOf(as);
        byte[] text = groups.formed(key) ? null : paragraph(as, String.valueOf(NUMBER_MARK));
        return new Paragraph(text, key, key == null ? null : SessionGroups.Member.of(as, 0));
    }

    @Override
    public void deliver(Object prepared, long id) {
        Paragraph p = (Paragraph) prepared;
        if (p == NOTHING) {
            return;
        }
        SessionGroups.Member member = p.member() == null ? null : p.member().withId(id);
        if (groups != null && groups.joined(p.key(), member)) {
            return;
        }
        if (p.text() == null) {
            throw new IllegalStateException("a session without a paragraph joined no group");
        }
        byte[] text = withNumber(p.text(), id);
        if (groups != null) {
            groups.add(p.key(), text, member);
        } else {
            write(text);
        }
    }

    /** {@code paragraph} with {@code id} in place of its first {@link #NUMBER_MARK}. */
    private static byte[] withNumber(byte[] paragraph, long id) {
        int at = 0;
        while (paragraph[at] != NUMBER_MARK) {
            at++;
        }
        TextBytes t = new TextBytes(paragraph.length + 19);
        t.append(paragraph, 0, at).append(id).append(paragraph, at + 1, paragraph.length - at - 1);
        return t.length() == t.array().length ? t.array() : t.toBytes();
    }

    /** A session's paragraph in UTF-8, {@code id} standing for its number. */
    private byte[] paragraph(AnalyzedSession as, String id) {
        TextBytes sb = SCRATCH.get();
        sb.setLength(0);
        Session s = as.session();
        Diagnosis d = as.diagnosis();
        header(s, d, id, sb);
        if (detail == Detail.FULL) {
            List<TimelineEntry> entries = Timeline.of(s);
            ladder.draw(s, entries, sb);
            if (s.omittedEvents() > 0) {
                sb.append("    ").append(style.dim("(" + s.omittedEvents() + " events not kept in the middle of this long session)")).append('\n');
            }
        }
        findings(d.findings(), sb);
        sb.append('\n');
        return sb.toBytes();
    }

    private void header(Session s, Diagnosis d, String id, TextBytes sb) {
        TcpConnection c = s.connection();
        if (style.colored()) {
            sb.append(style.bold("#" + id + " " + c.client() + " -> " + c.server()));
        } else {
            sb.append('#').append(id).append(' ').append(c.client().toString()).append(" -> ").append(c.server().toString());
        }
        sb.append("  ");
        if (s.role() != io.mailscope.dissect.PortRole.OTHER) {
            sb.append(s.role().label()).append("  ");
        }
        sb.append(Decimals.fixed3(c.endNanos() - c.startNanos())).append(" s  ")
                .append(style.outcome(d.outcome())).append("  ").append(d.protocolPath()).append('\n');
        if (!c.tunnel().isEmpty()) {
            sb.append("    ").append(style.dim("tunnel: ")).append(String.valueOf(c.tunnel())).append('\n');
        }
        String proxy = ProxyEvent.summary(s.events());
        if (proxy != null) {
            sb.append("    ").append(style.dim("proxy: ")).append(proxy).append('\n');
        }
        sb.append("    ").append(style.dim("first speaker: ")).append(d.firstSpeaker());
        if (d.expectedFirstSpeaker() != null) {
            sb.append(d.firstSpeakerAsExpected() ? style.dim(" (as expected)") : style.warn(" (expected: " + d.expectedFirstSpeaker() + ")"));
        }
        sb.append(style.dim("   tcp: ")).append(String.valueOf(c.state())).append(' ').append(c.history());
        if (style.colored()) {
            sb.append(style.dim("   bytes: " + c.clientBytes() + " / " + c.serverBytes()));
        } else {
            sb.append("   bytes: ").append(c.clientBytes()).append(" / ").append(c.serverBytes());
        }
        sb.append('\n');
        tls(s, sb);
    }

    /** One line on the TLS handshake: what was offered and chosen, and the fingerprints. */
    private void tls(Session s, TextBytes sb) {
        io.mailscope.dissect.tls.ClientHello ch = null;
        java.util.List<io.mailscope.dissect.tls.TlsEvent.ServerHelloSeen> shs = new java.util.ArrayList<>();
        for (var e : s.events()) {
            if (ch == null && e instanceof io.mailscope.dissect.tls.TlsEvent.ClientHelloSeen c) {
                ch = c.hello();
            } else if (e instanceof io.mailscope.dissect.tls.TlsEvent.ServerHelloSeen h) {
                shs.add(h);
            }
        }
        String decryption = DecryptionStatus.of(s);
        var chosen = io.mailscope.dissect.tls.NegotiatedHello.of(shs);
        io.mailscope.dissect.tls.ServerHello sh = chosen == null ? null : chosen.hello();
        if (ch == null && sh == null) {
            return;
        }
        TextBytes t = sb.append("    ").append(style.dim("tls: ")); // written straight in (String.valueOf: "null" as before)
        if (ch != null) {
            boolean sniUnknown = ch.sni() == null && ch.partial() && !ch.extensions().contains(0);
            t.append("SNI ").append(sniUnknown ? "not captured" : ch.sni() == null ? "-" : ch.sni()).append(", offered ")
                    .append(String.valueOf(io.mailscope.explain.Timeline.offeredVersions(ch)));
        }
        if (sh != null) {
            t.append(ch != null ? ", " : "");
            if (sh.cipherSuite() < 0) {
                t.append("ServerHello cut before its cipher suite");
            } else {
                t.append("chose ").append(String.valueOf(io.mailscope.dissect.tls.TlsNames.version(sh.selectedVersion())))
                        .append(' ').append(String.valueOf(io.mailscope.dissect.tls.TlsNames.cipherSuite(sh.cipherSuite())));
            }
            if (sh.alpn() != null) {
                t.append(", ALPN ").append(sh.alpn());
            }
        }
        if (ch != null && ch.partial()) {
            // a fingerprint of part of a hello would name another client
            t.append(", JA3/JA4 not computed: ClientHello ").append(String.valueOf(ch.cut().describe()));
        } else if (ch != null) {
            t.append(", JA3 ").append(String.valueOf(ch.ja3())).append(", JA4 ").append(String.valueOf(ch.ja4()));
        }
        if (decryption != null) {
            t.append(", ").append(decryption);
        }
        t.append('\n');
    }

    void findings(List<Finding> findings, TextBytes sb) {
        for (Finding f : findings) {
            sb.append("  ").append(style.severity(f.severity())).append(' ').append(style.bold(f.code()))
                    .append(f.certain() ? "" : " (likely)").append(": ").append(f.summary()).append('\n');
            wrap(f.explanation(), "      ", sb);
            if (!f.certain()) {
                wrap("Or: " + alternatives(f), "      ", sb);
            }
            wrap("Fix: " + f.fix(), "      ", sb);
        }
    }

    /** "a (code); b (code)": the other causes a likely finding names, most likely first. */
    static String alternatives(Finding f) {
        StringBuilder sb = new StringBuilder();
        for (var a : f.alternatives()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(a.summary().endsWith(".") ? a.summary().substring(0, a.summary().length() - 1) : a.summary())
                    .append(" (").append(a.code()).append(')');
        }
        return sb.append('.').toString();
    }

    /**
     * {@code text}'s words ({@code text.split(" ")}: empty words between two spaces kept, trailing ones dropped) in
     * lines of at most 100 columns, each after {@code indent}.
     */
    static void wrap(String text, String indent, TextBytes sb) {
        int width = 100 - indent.length();
        int col = 0;
        sb.append(indent);
        int end = text.length();
        if (text.indexOf(' ') >= 0) {
            while (end > 0 && text.charAt(end - 1) == ' ') {
                end--; // split drops the empty words at the end
            }
        }
        int from = 0;
        while (from < end || (from == 0 && end == text.length() && end == 0)) {
            int to = text.indexOf(' ', from);
            if (to < 0 || to > end) {
                to = end;
            }
            int length = to - from;
            if (col > 0 && col + 1 + length > width) {
                sb.append('\n').append(indent);
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(text, from, to);
            col += length;
            from = to + 1;
            if (to == end) {
                break;
            }
        }
        sb.append('\n');
    }

    @Override
    public void opened(Session s) {
        TcpConnection c = s.connection();
        out.println(style.dim(clock(c.startNanos())) + "  " + style.bold("#" + c.id() + " " + c.client() + " -> " + c.server())
                + (s.role() == io.mailscope.dissect.PortRole.OTHER ? "" : " (" + s.role().label() + ")") + " connection opened");
        out.flush();
    }

    @Override
    public void progress(Session s, String line, long timeNanos) {
        out.println(style.dim(clock(timeNanos)) + "  " + style.bold("#" + s.connection().id()) + " " + line);
        out.flush();
    }

    @Override
    public void liveFinding(Session s, Finding f, long timeNanos) {
        TextBytes sb = new TextBytes(512);
        sb.append(style.dim(clock(timeNanos))).append("  ").append(style.bold("#" + s.connection().id())).append(' ')
                .append(style.severity(f.severity())).append(' ').append(style.bold(f.code())).append(": ").append(f.summary()).append('\n');
        wrap(f.explanation(), "      ", sb);
        wrap("Fix: " + f.fix(), "      ", sb);
        out.print(sb.toString());
        out.flush();
    }

    @Override
    public void captureStats(String interfaceName, long frames, long received, long dropped, long ifDropped) {
        String line = String.format(Locale.ROOT, "Capture on %s: %d frames; libpcap received %d, dropped %d (interface dropped %d)%n",
                interfaceName, frames, received, dropped, ifDropped);
        out.print(dropped + ifDropped > 0 ? style.warn(line) : line);
        out.flush();
    }

    private static String clock(long nanos) {
        return java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneId.systemDefault())
                .format(java.time.Instant.ofEpochSecond(0, nanos));
    }

    @Override
    public void summary(RunSummary r) {
        if (groups != null) {
            groups.finish(this);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(style.bold("Summary")).append(": ").append(r.sessions()).append(" session").append(r.sessions() == 1 ? "" : "s")
                .append(" in ").append(r.frames()).append(" frames (").append(r.tcpSegments()).append(" TCP, ")
                .append(r.nonTcp()).append(" other");
        if (r.undecodable() > 0) {
            sb.append(", ").append(r.undecodable()).append(" undecodable");
        }
        sb.append(String.format(Locale.ROOT, "), %d bytes from clients, %d from servers%n", r.clientBytes(), r.serverBytes()));
        if (!r.outcomes().isEmpty()) {
            sb.append("  outcomes: ");
            boolean first = true;
            for (Map.Entry<String, Long> e : r.outcomes().entrySet()) {
                sb.append(first ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
                first = false;
            }
            sb.append('\n');
        }
        if (!r.findings().isEmpty()) {
            sb.append("  most frequent findings: ");
            int n = 0;
            for (Map.Entry<String, Long> e : r.findings().entrySet()) {
                if (n++ == 8) {
                    break;
                }
                sb.append(n > 1 ? ", " : "").append(e.getKey()).append(" (").append(e.getValue()).append(')');
            }
            sb.append('\n');
        }
        var ra = r.reassembly();
        if (ra.droppedOutOfOrderBytes() + ra.evictedIdle() + ra.evictedForSpace() > 0) {
            sb.append(style.warn(String.format(Locale.ROOT,
                    "  memory limits: %d out-of-order bytes dropped, %d connections closed idle, %d evicted for space%n",
                    ra.droppedOutOfOrderBytes(), ra.evictedIdle(), ra.evictedForSpace())));
        }
        for (String e : r.errors()) {
            sb.append(style.warn("  error: " + e)).append('\n');
        }
        pending.append(sb.toString());
        drain();
    }

    @Override
    public void close() {
        drain();
    }
}
