package io.mailscope.report;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.Session;
import io.mailscope.dissect.MailEvent;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.proxy.ProxyEvent;
import io.mailscope.dissect.tls.CertificateInfo;
import io.mailscope.dissect.tls.ClientHello;
import io.mailscope.dissect.tls.Grease;
import io.mailscope.dissect.tls.ServerHello;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Diagnosis;
import io.mailscope.explain.Alternative;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Timeline;
import io.mailscope.explain.TimelineEntry;
import io.mailscope.tcp.Endpoint;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.Tunnel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JSON Lines: one object per session, then one summary object. Field names are a contract: docs/json.md.
 * Written with {@link JsonLineWriter} as it goes, so nothing is built in memory but the current object.
 */
public final class JsonReport implements Report {
    private static final String[] END_REASONS = java.util.Arrays.stream(TcpConnection.EndReason.values())
            .map(r -> r.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);
    private final JsonLineWriter g;
    private final OutputStream target;
    private final boolean flushEachLine;

    /** Every line flushed as it is written, as live capture needs. */
    public JsonReport(OutputStream out) {
        this(out, true);
    }

    /**
     * @param flushEachLine false for sessions read from files: lines go out in 64 KiB pieces and the stream is
     *                      flushed only at {@link #close()} (a flush per session was a system call per session)
     */
    public JsonReport(OutputStream out, boolean flushEachLine) {
        this.target = out;
        this.flushEachLine = flushEachLine;
        this.g = new JsonLineWriter(out);
    }

    @Override
    public void session(AnalyzedSession s) {
        try {
            writeSession(s);
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The session's line without its start up to the run-wide number ({@code {"type":"session","id":N}), rendered
     * on any thread with a writer of that thread's own; {@link #deliver} writes the start and these bytes, so the
     * line is byte for byte what {@link #session} writes.
     */
    @Override
    public Object prepare(AnalyzedSession s) {
        return RENDERERS.get().rest(s);
    }

    /**
     * {@link #prepare(AnalyzedSession)} with the rest of the line written into {@code bytes} (the buffer of the batch
     * that takes the session to the merge) rather than into an array of its own: what {@link #deliver(Object, long,
     * byte[], int, int)} then copies out. A scan's 500,000 lines were as many 1.4 KB arrays.
     */
    @Override
    public Object prepare(AnalyzedSession s, OutputStream bytes) {
        RENDERERS.get().into(s, bytes);
        return IN_BYTES;
    }

    /** What {@link #prepare(AnalyzedSession, OutputStream)} returns: the line is in the bytes it was given. */
    private static final Object IN_BYTES = new Object() {
        @Override
        public String toString() {
            return "json line in the batch's bytes";
        }
    };

    @Override
    public void deliver(Object prepared, long id) {
        try {
            writeSessionHead(id);
            g.writeObjectRest((byte[]) prepared);
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void deliver(Object prepared, long id, byte[] bytes, int from, int length) {
        if (prepared != IN_BYTES) {
            deliver(prepared, id);
            return;
        }
        try {
            writeSessionHead(id);
            g.writeObjectRest(bytes, from, length);
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per thread: a report writing into bytes, with its own endpoint spellings and encoded strings. */
    private static final ThreadLocal<Renderer> RENDERERS = ThreadLocal.withInitial(Renderer::new);

    private static final class Renderer {
        /** A buffer that grew past this for a long session is dropped after it, so a worker keeps little. */
        private static final int KEPT = 256 << 10;
        private java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(4096);
        private final JsonReport json = new JsonReport(OutputStream.nullOutputStream(), false);

        /** The rest of {@code s}'s line, into {@code out}. */
        void into(AnalyzedSession s, OutputStream out) {
            json.g.target(out);
            boolean written = false;
            try {
                json.g.resumeObject();
                json.writeSessionRest(s);
                json.g.flush();
                written = true;
            } catch (IOException e) {
                throw new UncheckedIOException(e); // the streams given here write to memory
            } finally {
                if (!written) {
                    json.g.discard(); // the next line starts clean
                }
            }
        }

        /** The rest of {@code s}'s line as an array of its own. */
        byte[] rest(AnalyzedSession s) {
            into(s, bytes);
            byte[] rest = bytes.toByteArray();
            bytes.reset();
            if (rest.length > KEPT) {
                bytes = new java.io.ByteArrayOutputStream(4096);
            }
            return rest;
        }
    }

    @Override
    public void summary(RunSummary summary) {
        line(() -> {
            g.writeStringField("type", "summary");
            g.writeArrayFieldStart("files");
            for (String f : summary.files()) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeNumberField("frames", summary.frames());
            g.writeNumberField("tcp_segments", summary.tcpSegments());
            g.writeNumberField("non_tcp", summary.nonTcp());
            g.writeNumberField("undecodable", summary.undecodable());
            g.writeNumberField("sessions", summary.sessions());
            g.writeNumberField("sessions_shown", summary.shown());
            g.writeNumberField("client_bytes", summary.clientBytes());
            g.writeNumberField("server_bytes", summary.serverBytes());
            g.writeObjectFieldStart("outcomes");
            for (var e : summary.outcomes().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("findings");
            for (var e : summary.findings().entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("dropped");
            g.writeNumberField("out_of_order_bytes", summary.reassembly().droppedOutOfOrderBytes());
            g.writeNumberField("evicted_idle", summary.reassembly().evictedIdle());
            g.writeNumberField("evicted_for_space", summary.reassembly().evictedForSpace());
            g.writeNumberField("late_segments", summary.reassembly().lateSegments());
            g.writeEndObject();
            g.writeArrayFieldStart("errors");
            for (String e : summary.errors()) {
                g.writeString(e);
            }
            g.writeEndArray();
        });
    }

    @Override
    public void liveFinding(Session s, Finding f, long timeNanos) {
        line(() -> {
            liveHeader("finding", s, timeNanos);
            findingFields(g, f);
        });
    }

    @Override
    public void progress(Session s, String text, long timeNanos) {
        line(() -> {
            liveHeader("progress", s, timeNanos);
            g.writeStringField("text", text);
        });
    }

    /** The fields every live object starts with: which session, when. */
    private void liveHeader(String type, Session s, long timeNanos) throws IOException {
        TcpConnection c = s.connection();
        g.writeStringField("type", type);
        g.writeNumberField("session", c.id());
        g.writeStringField("client", clients.of(c.client()));
        g.writeStringField("server", servers.of(c.server()));
        g.writeStringField("time", iso(timeNanos));
    }

    /** Writes the fields of one JSON object on a line of its own. */
    private void line(Fields fields) {
        try {
            g.writeStartObject();
            fields.write();
            g.writeEndObject();
            endLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface Fields {
        void write() throws IOException;
    }

    @Override
    public void captureStats(String interfaceName, long frames, long received, long dropped, long ifDropped) {
        line(() -> {
            g.writeStringField("type", "capture");
            g.writeStringField("interface", interfaceName);
            g.writeNumberField("frames", frames);
            g.writeNumberField("received", received);
            g.writeNumberField("dropped", dropped);
            g.writeNumberField("if_dropped", ifDropped);
        });
    }

    private void endLine() throws IOException {
        g.writeRawByte('\n');
        if (flushEachLine) {
            g.flush();
            target.flush();
        }
    }

    private void writeSession(AnalyzedSession as) throws IOException {
        writeSessionHead(as.session().connection().id());
        writeSessionRest(as);
    }

    /** A session's line up to its number: {@code {"type":"session","id":}, then the number. */
    private static final byte[] SESSION_HEAD = JsonLineWriter.encoded("\"type\":\"session\",\"id\":");

    /** A session's line up to its run-wide number. */
    private void writeSessionHead(long id) throws IOException {
        g.writeStartObject(SESSION_HEAD);
        g.writeNumber(id);
    }

    /** A session's line after its number: everything that depends on the session alone. */
    private void writeSessionRest(AnalyzedSession as) throws IOException {
        if (as.session().connection().synOnly()) {
            writeSynOnlyRest(as);
            return;
        }
        Session s = as.session();
        Diagnosis d = as.diagnosis();
        TcpConnection c = s.connection();
        g.writeFieldName("client");
        g.writeEndpoint(c.client());
        g.writeStringField("server", servers.of(c.server()));
        g.writeStringField("port_role", s.role().label());
        List<Event> events = s.events();
        writeTunnel(c.tunnel());
        writeProxy(events);
        g.writeFieldName("start");
        g.writeInstant(c.startNanos());
        g.writeFieldName("end");
        g.writeInstant(c.endNanos());
        g.writeSecondsField("start_epoch", c.startNanos());
        g.writeSecondsField("end_epoch", c.endNanos());
        g.writeSecondsField("duration", c.endNanos() - c.startNanos());
        writeVerdict(d);
        writeTcp(c);
        writeImap(events);
        writeMail("pop3", Event.Family.POP3, events);
        writeMail("smtp", Event.Family.SMTP, events);
        writeTls(events);
        writeFindings(d.findings());
        writeTimeline(s);
        g.writeNumberField("events_omitted", s.omittedEvents());
        g.writeEndObject();
    }

    /** Verdicts seen line after line (a scan's are all alike), pre-encoded: {@link KeptRuns}. */
    private final KeptRuns verdicts = new KeptRuns();

    /** Who spoke first and was expected to, transport, protocol and outcome: the same for every kind of session. */
    private void writeVerdict(Diagnosis d) throws IOException {
        String first = d.firstSpeaker();
        String expected = d.expectedFirstSpeaker();
        String protocol = d.protocol();
        String path = d.protocolPath();
        byte[][] run = verdicts.get(first, expected, d.transport(), protocol, path, d.outcome());
        if (run == null) {
            if (!verdicts.missedBefore(first, expected, d.transport(), protocol, path, d.outcome())) {
                verdictFields(g, d);
                return;
            }
            run = new byte[][] {encode(w -> {
                w.resumeObject();
                verdictFields(w, d);
            })};
            verdicts.put(first, expected, d.transport(), protocol, path, d.outcome(), run);
        }
        g.writeEncoded(run[0]);
    }

    private static void verdictFields(JsonLineWriter g, Diagnosis d) throws IOException {
        g.writeStringField("first_speaker", d.firstSpeaker());
        if (d.expectedFirstSpeaker() != null) {
            g.writeStringField("expected_first_speaker", d.expectedFirstSpeaker());
        } else {
            g.writeNullField("expected_first_speaker");
        }
        g.writeStringField("transport", d.transport().label());
        g.writeStringField("protocol", d.protocol());
        g.writeStringField("protocol_path", d.protocolPath());
        g.writeStringField("outcome", d.outcome().label());
    }

    @FunctionalInterface
    private interface Writing {
        void write(JsonLineWriter w) throws IOException;
    }

    /** What {@code writing} writes, as bytes for {@link JsonLineWriter#writeEncoded} and its kin. */
    private static byte[] encode(Writing writing) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256);
        JsonLineWriter w = new JsonLineWriter(bytes);
        writing.write(w);
        w.flush();
        return bytes.toByteArray();
    }

    // What writeSession writes for a connection that only ever sent SYNs (TcpConnection.synOnly), in the runs that
    // are the same for every such session: no tunnel, no proxy, no protocol object, no payload, one timeline entry.
    private static final byte[] SYN_ONLY_TUNNEL = JsonLineWriter.encoded(
            ",\"tunnel\":[],\"tunnel_endpoints\":[],\"proxy\":null,\"start\":");
    private static final byte[] SYN_ONLY_END = JsonLineWriter.encoded(",\"end\":");
    private static final byte[] SYN_ONLY_START_EPOCH = JsonLineWriter.encoded(",\"start_epoch\":");
    private static final byte[] SYN_ONLY_END_EPOCH = JsonLineWriter.encoded(",\"end_epoch\":");
    private static final byte[] SYN_ONLY_DURATION = JsonLineWriter.encoded(",\"duration\":");
    private static final byte[] SYN_ONLY_HISTORY = JsonLineWriter.encoded(",\"tcp\":{\"history\":");
    private static final byte[] SYN_ONLY_STATE = JsonLineWriter.encoded(",\"state\":");
    private static final byte[] SYN_ONLY_PACKETS = JsonLineWriter.encoded(
            ",\"client_bytes\":0,\"server_bytes\":0,\"client_packets\":");
    private static final byte[] SYN_ONLY_FIRST_FRAME = JsonLineWriter.encoded(
            ",\"server_packets\":0,\"gaps\":0,\"gap_bytes\":0,\"first_frame\":");
    private static final byte[] SYN_ONLY_LAST_FRAME = JsonLineWriter.encoded(",\"last_frame\":");
    private static final byte[] SYN_ONLY_END_REASON = JsonLineWriter.encoded(
            ",\"midstream\":false,\"truncated_segments\":0,\"conflicting_overlaps\":0,\"end_reason\":");
    private static final byte[] SYN_ONLY_PROTOCOLS = JsonLineWriter.encoded(
            ",\"closed_by\":null},\"imap\":null,\"pop3\":null,\"smtp\":null,\"tls\":null");
    private static final byte[] SYN_ONLY_TIMELINE = JsonLineWriter.encoded(",\"timeline\":[{\"frame\":");
    private static final byte[] SYN_ONLY_TIME = JsonLineWriter.encoded(",\"time\":");
    private static final byte[] SYN_ONLY_SYN = JsonLineWriter.encoded(
            ",\"from\":\"client\",\"kind\":\"tcp\",\"text\":\"SYN\",\"inside_tls\":false}]");

    /**
     * {@link #writeSession} for a connection that only ever sent SYNs, byte for byte (CompactSynOnlyTest renders
     * such sessions both ways): the fixed runs are copied pre-encoded, the event lists are not searched for what
     * cannot be there, and start and end are written by {@link JsonLineWriter#writeInstant}. A scan writes 500,000 of these.
     */
    private void writeSynOnlyRest(AnalyzedSession as) throws IOException {
        Session s = as.session();
        Diagnosis d = as.diagnosis();
        TcpConnection c = s.connection();
        g.writeFieldName("client");
        g.writeEndpoint(c.client()); // a new endpoint in every session of a scan: spelled into the buffer
        g.writeStringField("server", servers.of(c.server()));
        g.writeStringField("port_role", s.role().label());
        g.writeEncoded(SYN_ONLY_TUNNEL);
        g.writeInstant(c.startNanos());
        g.writeEncoded(SYN_ONLY_END);
        g.writeInstant(c.endNanos());
        g.writeEncoded(SYN_ONLY_START_EPOCH);
        g.writeSeconds(c.startNanos());
        g.writeEncoded(SYN_ONLY_END_EPOCH);
        g.writeSeconds(c.endNanos());
        g.writeEncoded(SYN_ONLY_DURATION);
        g.writeSeconds(c.endNanos() - c.startNanos());
        writeVerdict(d);
        g.writeEncoded(SYN_ONLY_HISTORY);
        g.writeString(SYN_ONLY_HISTORY_TEXT);
        g.writeEncoded(SYN_ONLY_STATE);
        g.writeString(c.state().name());
        g.writeEncoded(SYN_ONLY_PACKETS);
        g.writeNumber(c.clientPackets());
        g.writeEncoded(SYN_ONLY_FIRST_FRAME);
        g.writeNumber(c.firstFrame());
        g.writeEncoded(SYN_ONLY_LAST_FRAME);
        g.writeNumber(c.lastFrame());
        g.writeEncoded(SYN_ONLY_END_REASON);
        g.writeString(c.endReason() == null ? "capture_end" : END_REASONS[c.endReason().ordinal()]);
        g.writeEncoded(SYN_ONLY_PROTOCOLS);
        writeFindings(d.findings());
        g.writeEncoded(SYN_ONLY_TIMELINE);
        g.writeNumber(c.synFrame());
        g.writeEncoded(SYN_ONLY_TIME);
        g.writeSeconds(c.synNanos() - s.captureStartNanos());
        g.writeEncoded(SYN_ONLY_SYN);
        g.writeNumberField("events_omitted", s.omittedEvents());
        g.writeEndObject();
    }

    /** A SYN-only connection's Zeek history, one String so it is encoded once. */
    private static final String SYN_ONLY_HISTORY_TEXT = "S";

    private static final byte[] NO_TUNNEL = JsonLineWriter.encoded(",\"tunnel\":[],\"tunnel_endpoints\":[]");

    private void writeTunnel(Tunnel t) throws IOException {
        if (t.isEmpty()) { // most connections: no lists made (names() and endpoints() build them on each call)
            g.writeEncoded(NO_TUNNEL);
            return;
        }
        g.writeArrayFieldStart("tunnel");
        for (String name : t.names()) {
            g.writeString(name);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("tunnel_endpoints");
        for (String e : t.endpoints()) {
            g.writeString(e);
        }
        g.writeEndArray();
    }

    /** {@code proxy}: null, or the proxy handshake's type, the last target asked for and the proxy's last answer. */
    private void writeProxy(List<Event> events) throws IOException {
        ProxyEvent.Hop hop = ProxyEvent.Hop.of(events);
        if (hop == null) {
            g.writeNullField("proxy");
            return;
        }
        g.writeObjectFieldStart("proxy");
        g.writeStringField("type", hop.type());
        g.writeStringField("target", hop.target());
        g.writeStringField("result", hop.result());
        g.writeEndObject();
    }

    private void writeTcp(TcpConnection c) throws IOException {
        g.writeObjectFieldStart("tcp");
        g.writeStringField("history", c.history());
        g.writeStringField("state", c.state().name());
        g.writeNumberField("client_bytes", c.clientBytes());
        g.writeNumberField("server_bytes", c.serverBytes());
        g.writeNumberField("client_packets", c.clientPackets());
        g.writeNumberField("server_packets", c.serverPackets());
        g.writeNumberField("gaps", c.gaps());
        g.writeNumberField("gap_bytes", c.gapBytes());
        g.writeNumberField("first_frame", c.firstFrame());
        g.writeNumberField("last_frame", c.lastFrame());
        g.writeBooleanField("midstream", c.midstream());
        g.writeNumberField("truncated_segments", c.truncatedSegments());
        g.writeNumberField("conflicting_overlaps", c.conflictingOverlaps());
        g.writeStringField("end_reason", c.endReason() == null ? "capture_end" : END_REASONS[c.endReason().ordinal()]);
        if (c.closedBy() != null) {
            g.writeStringField("closed_by", c.closedBy().sender());
        } else {
            g.writeNullField("closed_by");
        }
        g.writeEndObject();
    }

    private void writeImap(List<Event> events) throws IOException {
        ImapEvent.Response greeting = null;
        java.util.Set<String> caps = null;
        boolean any = false;
        for (Event e : events) {
            if (e.family() == Event.Family.IMAP) { // not instanceof ImapEvent: see Event#family()
                any = true;
            }
            if (e instanceof ImapEvent.Response r && r.greeting() && greeting == null) {
                greeting = r;
            }
            if (e instanceof ImapEvent.Capabilities cap) {
                caps = cap.capabilities();
            }
        }
        if (!any) {
            g.writeNullField("imap");
            return;
        }
        startProtocol("imap", greeting == null ? null : greeting.display(), caps);
        for (Event e : events) {
            String line = null;
            if (e instanceof ImapEvent.Command c) {
                line = c.display();
            } else if (e instanceof ImapEvent.Response r) {
                line = r.display();
            } else if (e instanceof ImapEvent.AuthenticateData a) {
                line = a.display();
            } else if (e instanceof ImapEvent.Done) {
                line = "DONE";
            }
            if (line != null) {
                transcriptLine(e, line);
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * A line-based mail protocol's object (pop3, smtp), shaped as imap's: greeting, capabilities (the last list
     * the server gave) and transcript; null when the session did not speak it.
     */
    private void writeMail(String name, Event.Family family, List<Event> events) throws IOException {
        MailEvent.Reply greeting = null;
        java.util.Set<String> caps = null;
        boolean any = false;
        for (Event e : events) {
            if (e.family() != family) { // not a test of the protocol's interface: see Event#family()
                continue;
            }
            any = true;
            if (e instanceof MailEvent.Reply r && r.greeting() && greeting == null) {
                greeting = r;
            } else if (e instanceof MailEvent.Capabilities cap) {
                caps = cap.capabilities();
            }
        }
        if (!any) {
            g.writeNullField(name);
            return;
        }
        startProtocol(name, greeting == null ? null : greeting.display(), caps);
        for (Event e : events) {
            if (e.family() == family && !(e instanceof MailEvent.Problem) && !(e instanceof MailEvent.Capabilities)
                    && !(e instanceof MailEvent.UpgradeAccepted) && !(e instanceof MailEvent.UpgradeRefused)) {
                String line = io.mailscope.explain.Timeline.text(e);
                if (line != null) {
                    transcriptLine(e, line);
                }
            }
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * Opens a mail protocol's object (imap, pop3, smtp share one shape): greeting (or null), capabilities, and the
     * transcript array the caller fills with {@link #transcriptLine} and closes (array, then object).
     */
    private void startProtocol(String name, String greeting, java.util.Collection<String> caps) throws IOException {
        g.writeObjectFieldStart(name);
        if (greeting != null) {
            g.writeStringField("greeting", greeting);
        } else {
            g.writeNullField("greeting");
        }
        g.writeArrayFieldStart("capabilities");
        if (caps != null) {
            for (String cap : caps) {
                g.writeString(cap);
            }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("transcript");
    }

    private void transcriptLine(Event e, String line) throws IOException {
        g.writeStartObject();
        g.writeStringField("from", e.at().direction().sender());
        g.writeNumberField("frame", e.at().frame());
        g.writeSecondsField("time", e.at().timeNanos());
        g.writeStringField("line", line);
        g.writeEndObject();
    }

    private void writeTls(List<Event> events) throws IOException {
        List<TlsEvent.ClientHelloSeen> chs = new ArrayList<>();
        List<TlsEvent.ServerHelloSeen> shs = new ArrayList<>();
        List<TlsEvent.Alert> alerts = new ArrayList<>();
        TlsEvent.CertificatesSeen certs = null;
        boolean decrypted = false;
        String decryptionError = null;
        for (Event e : events) {
            if (e instanceof TlsEvent.Decrypted) {
                decrypted = true;
            } else if (e instanceof TlsEvent.DecryptionFailed f && decryptionError == null) {
                decryptionError = f.reason();
            }
            if (e instanceof TlsEvent.ClientHelloSeen c) {
                chs.add(c);
            } else if (e instanceof TlsEvent.ServerHelloSeen s) {
                shs.add(s);
            } else if (e instanceof TlsEvent.Alert a) {
                alerts.add(a);
            } else if (e instanceof TlsEvent.CertificatesSeen c && certs == null && !c.at().fromClient()) {
                certs = c;
            }
        }
        if (chs.isEmpty() && shs.isEmpty() && alerts.isEmpty()) {
            g.writeNullField("tls");
            return;
        }
        g.writeObjectFieldStart("tls");
        g.writeBooleanField("decrypted", decrypted);
        if (decryptionError != null) {
            g.writeStringField("decryption_error", decryptionError);
        } else {
            g.writeNullField("decryption_error");
        }
        g.writeFieldName("client_hello");
        if (chs.isEmpty()) {
            g.writeNull();
        } else {
            writeClientHello(chs.get(0));
        }
        g.writeFieldName("server_hello");
        if (shs.isEmpty()) {
            g.writeNull();
        } else {
            // After a HelloRetryRequest the negotiated parameters are in the real ServerHello that follows.
            writeServerHello(io.mailscope.dissect.tls.NegotiatedHello.of(shs));
        }
        g.writeArrayFieldStart("certificates");
        if (certs != null) {
            for (CertificateInfo ci : certs.chain()) {
                writeCertificate(ci);
            }
        }
        g.writeEndArray();
        // a Certificate message the capture cut: the array holds the certificates that arrived whole
        g.writeBooleanField("certificates_partial", certs != null && certs.partial());
        g.writeArrayFieldStart("alerts");
        for (TlsEvent.Alert a : alerts) {
            g.writeStartObject();
            g.writeStringField("from", a.at().direction().sender());
            g.writeStringField("level", a.levelName());
            g.writeStringField("description", a.descriptionName());
            g.writeNumberField("frame", a.at().frame());
            g.writeSecondsField("time", a.at().timeNanos());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("handshakes");
        int n = Math.max(chs.size(), shs.size());
        for (int i = 0; i < n; i++) {
            g.writeStartObject();
            g.writeFieldName("client_hello");
            if (i < chs.size()) {
                writeClientHello(chs.get(i));
            } else {
                g.writeNull();
            }
            g.writeFieldName("server_hello");
            if (i < shs.size()) {
                writeServerHello(shs.get(i));
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void writeClientHello(TlsEvent.ClientHelloSeen seen) throws IOException {
        ClientHello h = seen.hello();
        g.writeStartObject();
        g.writeNumberField("frame", seen.at().frame());
        g.writeStringField("version", h.legacyVersion() < 0 ? null : TlsNames.version(h.legacyVersion()));
        if (h.sni() != null) {
            g.writeStringField("sni", h.sni());
        } else {
            g.writeNullField("sni");
        }
        stringArray("alpn", h.alpn());
        namedList("supported_versions", h.supportedVersions(), TlsNames::version);
        namedList("cipher_suites", h.cipherSuites(), TlsNames::cipherSuite);
        namedList("extensions", h.extensions(), TlsNames::extension);
        namedList("supported_groups", h.supportedGroups(), TlsNames::group);
        namedList("signature_algorithms", h.signatureAlgorithms(), TlsNames::signatureScheme);
        g.writeStringField("ja3", h.ja3());
        g.writeStringField("ja3_string", h.ja3String());
        g.writeStringField("ja4", h.ja4());
        writeCut(h.cut());
        g.writeEndObject();
    }

    /**
     * {@code partial} (always) and {@code cut}: where the capture cut a hello, so that what is listed is only what
     * arrived and the fingerprints are null.
     */
    private void writeCut(io.mailscope.dissect.tls.Cut cut) throws IOException {
        g.writeBooleanField("partial", cut != null);
        if (cut == null) {
            g.writeNullField("cut");
            return;
        }
        g.writeObjectFieldStart("cut");
        g.writeNumberField("captured_bytes", cut.captured());
        g.writeNumberField("length", cut.length());
        g.writeStringField("in", cut.in());
        g.writeEndObject();
    }

    /** A list of TLS code points as their IANA names, GREASE left out. */
    private void namedList(String field, List<Integer> values, java.util.function.IntFunction<String> name) throws IOException {
        g.writeArrayFieldStart(field);
        for (int v : values) {
            if (!Grease.is(v)) {
                g.writeString(name.apply(v));
            }
        }
        g.writeEndArray();
    }

    private void writeServerHello(TlsEvent.ServerHelloSeen seen) throws IOException {
        ServerHello h = seen.hello();
        g.writeStartObject();
        g.writeNumberField("frame", seen.at().frame());
        // -1: a hello the capture cut before that field
        g.writeStringField("version", h.selectedVersion() < 0 ? null : TlsNames.version(h.selectedVersion()));
        g.writeStringField("legacy_version", h.legacyVersion() < 0 ? null : TlsNames.version(h.legacyVersion()));
        g.writeStringField("cipher_suite", h.cipherSuite() < 0 ? null : TlsNames.cipherSuite(h.cipherSuite()));
        if (h.alpn() != null) {
            g.writeStringField("alpn", h.alpn());
        } else {
            g.writeNullField("alpn");
        }
        g.writeBooleanField("hello_retry_request", h.helloRetryRequest());
        g.writeStringField("ja3s", h.ja3s());
        g.writeStringField("ja3s_string", h.ja3sString());
        writeCut(h.cut());
        g.writeEndObject();
    }

    private void writeCertificate(CertificateInfo c) throws IOException {
        g.writeStartObject();
        g.writeStringField("subject", c.subject());
        g.writeStringField("issuer", c.issuer());
        stringArray("dns_names", c.dnsNames() == null ? List.of() : c.dnsNames());
        g.writeStringField("not_before", c.notBefore() == null ? null : c.notBefore().toString());
        g.writeStringField("not_after", c.notAfter() == null ? null : c.notAfter().toString());
        g.writeStringField("key", c.key());
        g.writeStringField("sha256", c.sha256());
        if (c.error() != null) {
            g.writeStringField("error", c.error());
        }
        g.writeEndObject();
    }

    private void writeFindings(List<Finding> findings) throws IOException {
        g.writeArrayFieldStart("findings");
        for (int i = 0; i < findings.size(); i++) {
            writeKeptFinding(findings.get(i));
        }
        g.writeEndArray();
    }

    /** Findings of the same kind, words and fix line after line (a scan's no-answer), pre-encoded: {@link KeptRuns}. */
    private final KeptRuns findingRuns = new KeptRuns();

    /**
     * {@link #writeFinding} with what a finding shares with others of its kind (code, severity, summary, fix,
     * confidence, no alternatives) copied from runs kept for it: its explanation and frames are written as they
     * come. The same bytes.
     */
    private void writeKeptFinding(Finding f) throws IOException {
        Boolean noAlternatives = f.alternatives().isEmpty() ? Boolean.TRUE : Boolean.FALSE;
        byte[][] run = findingRuns.get(f.kind(), f.severity(), f.summary(), f.fix(), f.confidence(), noAlternatives);
        if (run == null) {
            if (!findingRuns.missedBefore(f.kind(), f.severity(), f.summary(), f.fix(), f.confidence(), noAlternatives)) {
                writeFinding(g, f);
                return;
            }
            byte[] head = encode(w -> {
                w.writeStartObject();
                w.writeStringField("code", f.code());
                w.writeStringField("severity", f.severity().label());
                w.writeStringField("summary", f.summary());
                w.writeFieldName("explanation");
            });
            run = new byte[][] {
                    java.util.Arrays.copyOfRange(head, 1, head.length), // after the brace
                    encode(w -> {
                        w.resumeObject();
                        w.writeStringField("fix", f.fix());
                        w.writeFieldName("frames");
                    }),
                    encode(w -> {
                        w.resumeObject();
                        w.writeStringField("confidence", f.confidence().label());
                        w.writeFieldName("alternatives");
                        if (noAlternatives) {
                            w.writeStartArray();
                            w.writeEndArray();
                        }
                    })};
            findingRuns.put(f.kind(), f.severity(), f.summary(), f.fix(), f.confidence(), noAlternatives, run);
        }
        g.writeStartObject(run[0]);
        g.writeExplanation(f.wording());
        g.writeEncoded(run[1]);
        g.writeStartArray();
        List<Long> frames = f.frames();
        for (int i = 0; i < frames.size(); i++) {
            g.writeNumber(frames.get(i));
        }
        g.writeEndArray();
        g.writeEncoded(run[2]);
        if (!noAlternatives) {
            alternatives(g, f);
        }
        g.writeEndObject();
    }

    static void writeFinding(JsonLineWriter g, Finding f) throws IOException {
        g.writeStartObject();
        findingFields(g, f);
        g.writeEndObject();
    }

    static void findingFields(JsonLineWriter g, Finding f) throws IOException {
        g.writeStringField("code", f.code());
        g.writeStringField("severity", f.severity().label());
        g.writeStringField("summary", f.summary());
        g.writeFieldName("explanation");
        g.writeExplanation(f.wording());
        g.writeStringField("fix", f.fix());
        g.writeArrayFieldStart("frames");
        for (long fr : f.frames()) {
            g.writeNumber(fr);
        }
        g.writeEndArray();
        g.writeStringField("confidence", f.confidence().label());
        g.writeFieldName("alternatives");
        alternatives(g, f);
    }

    private static void alternatives(JsonLineWriter g, Finding f) throws IOException {
        g.writeStartArray();
        for (Alternative a : f.alternatives()) {
            g.writeStartObject();
            g.writeStringField("code", a.code());
            g.writeStringField("summary", a.summary());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeTimeline(Session s) throws IOException {
        g.writeArrayFieldStart("timeline");
        for (TimelineEntry t : Timeline.of(s)) {
            g.writeStartObject();
            g.writeNumberField("frame", t.frame());
            g.writeSecondsField("time", t.timeNanos() - s.captureStartNanos());
            g.writeStringField("from", t.from());
            g.writeStringField("kind", t.kind());
            g.writeStringField("text", t.text());
            g.writeBooleanField("inside_tls", t.insideTls());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void stringArray(String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    /**
     * The last endpoint spelled and its spelling, one for clients and one for servers: endpoints are shared between
     * connections (a server's by all its clients), so consecutive sessions mostly give the same object.
     */
    private static final class Spelled {
        private Endpoint endpoint;
        private String text;

        String of(Endpoint e) {
            if (e != endpoint) {
                text = e.toString();
                endpoint = e;
            }
            return text;
        }
    }

    private final Spelled clients = new Spelled();
    private final Spelled servers = new Spelled();

    /** The second last spelled by {@link #iso} and its spelling ("2025-11-26T00:00:00"), shared by all threads. */
    private static volatile IsoSecond lastSecond = new IsoSecond(Long.MIN_VALUE, "");

    private record IsoSecond(long epochSecond, String text) {}

    /**
     * {@code Instant.toString()} (ISO-8601, UTC, the fraction in 0, 3, 6 or 9 digits as needed) with the date and
     * time of day spelled once per second: sessions end in the same second by the thousand.
     */
    static String iso(long nanos) {
        long second = Math.floorDiv(nanos, 1_000_000_000L);
        int nano = (int) Math.floorMod(nanos, 1_000_000_000L);
        IsoSecond cached = lastSecond;
        if (cached.epochSecond() != second) {
            String whole = Instant.ofEpochSecond(second).toString();
            if (whole.length() < 2 || whole.charAt(whole.length() - 1) != 'Z' || whole.contains(".")) {
                return Instant.ofEpochSecond(second, nano).toString();
            }
            cached = new IsoSecond(second, whole.substring(0, whole.length() - 1));
            lastSecond = cached;
        }
        if (nano == 0) {
            return cached.text() + "Z";
        }
        StringBuilder sb = new StringBuilder(cached.text().length() + 11).append(cached.text()).append('.');
        int digits = JsonLineWriter.fractionDigits(nano);
        String v = Integer.toString(JsonLineWriter.fractionValue(nano, digits));
        for (int i = v.length(); i < digits; i++) {
            sb.append('0');
        }
        return sb.append(v).append('Z').toString();
    }

    @Override
    public void close() {
        try {
            g.flush();
            target.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
