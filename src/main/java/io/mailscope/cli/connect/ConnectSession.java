package io.mailscope.cli.connect;

import io.mailscope.dissect.At;
import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.tls.CertificateInfo;
import io.mailscope.dissect.tls.CertificateParser;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.dissect.tls.TlsNames;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.explain.Severity;
import io.mailscope.tcp.Direction;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One {@code mailscope connect} run: connects, does the TLS a person cannot type, sends what the user types (with
 * tags, CRLF, literals that wait for "+"), shows what the server says, and explains it with the finding catalog
 * through an {@link Explainer}.
 *
 * <p>Threads: the caller's thread reads the user's lines and sends them (and runs TLS handshakes); a reader thread
 * shows what the server sends; a clock ticks silences into findings. One lock serialises everything that touches
 * the explainer, the transcript and the counters.
 */
final class ConnectSession implements Wire.Listener {
    /** Exit codes (docs/connect.md). */
    static final int EXIT_OK = 0;
    static final int EXIT_REFUSED = 1;
    static final int EXIT_NO_CONNECTION = 2;

    private final ConnectSettings settings;
    private final ConnectOutput out;
    private final LineSource input;
    private final TlsContextFactory tlsFactory;
    private final Object lock = new Object();
    private final long startNanos = WallClock.now();

    private Explainer explainer;
    private Wire wire;
    private Socket socket;
    private InetSocketAddress serverAddress;
    private boolean roleIsGuess;

    private TlsLayer tls;
    private String tlsVersion;
    private String cipher;
    private boolean tlsFailed;
    private boolean handshakeTimedOut;
    private boolean insideTls;
    private LineSplitter serverLines = new LineSplitter();
    private long lastSentFrame;

    private int lineNumber;
    private final Map<Long, List<Integer>> linesOfFrame = new HashMap<>();
    private final List<String> told = new ArrayList<>();
    private final List<Finding> queued = new ArrayList<>();

    private int nextTag = 1;
    private boolean taggingSaid;
    private final Map<String, String> pending = new LinkedHashMap<>();
    private final Map<String, Long> pendingSince = new HashMap<>();
    private final Map<String, Boolean> silenceSaid = new HashMap<>();
    private int commands;
    private int ok;
    private int refused;
    private boolean serverSpoke;
    private boolean greeted;
    private boolean startTlsOffered;
    private boolean unexpectedBye;
    private boolean logoutSent;
    private boolean serverEnded;
    private boolean weClosed;
    private String startTlsTag;
    private String startTlsStatus;
    private boolean continuation;
    private boolean passwordLiteral;
    private long literalLeft;
    private volatile boolean stopReader;
    private Thread reader;

    ConnectSession(ConnectSettings settings, ConnectOutput out, LineSource input) {
        this.settings = settings;
        this.out = out;
        this.input = input;
        this.tlsFactory = new TlsContextFactory(settings);
    }

    /** Runs the whole session; returns the exit code. */
    int run() {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(settings.host());
        } catch (IOException e) {
            return noSuchHost();
        }
        if (!connect(addresses)) {
            return finish();
        }
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailscope-connect-clock");
            t.setDaemon(true);
            return t;
        });
        clock.scheduleAtFixedRate(this::tick, 250, 250, TimeUnit.MILLISECONDS);
        try {
            if (start()) {
                converse();
            }
        } finally {
            clock.shutdownNow();
        }
        return finish();
    }

    // ---- connecting --------------------------------------------------------------------------------------------

    private int noSuchHost() {
        long now = WallClock.now();
        Finding f = new Finding("name-not-resolved", Severity.ERROR, "The server's name does not resolve.",
                "The name " + settings.host() + " has no address: the resolver (DNS, /etc/hosts) knows no such host. Nothing was sent.",
                "Check the spelling, or give the server's IP address (IPv6 as it is, e.g. ::1).", List.of());
        tell(f, now);
        flushFindings();
        out.summary(new ConnectSummary(settings.host(), null, settings.port(), settings.mode().label, null, null, 0, 0, 0, 0,
                "no-connection", List.copyOf(told), EXIT_NO_CONNECTION, seconds()));
        return EXIT_NO_CONNECTION;
    }

    /** Tries each address of the host in turn; true once one connects (the explainer is then that connection's). */
    private boolean connect(InetAddress[] addresses) {
        for (int i = 0; i < addresses.length; i++) {
            InetSocketAddress target = new InetSocketAddress(addresses[i], settings.port());
            boolean last = i == addresses.length - 1;
            Socket s = new Socket();
            long t0 = WallClock.now();
            try {
                s.connect(target, (int) Math.max(1, settings.timeoutNanos() / 1_000_000));
                InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress();
                synchronized (lock) {
                    serverAddress = target;
                    explainer = newExplainer(local, target);
                    explainer.tcp().syn(t0);
                    explainer.tcp().established(WallClock.now());
                }
                socket = s;
                wire = new Wire(s, this);
                out.connected(endpoint(local), endpoint(target));
                note("connected to " + endpoint(target) + (settings.host().equals(target.getAddress().getHostAddress()) ? "" : " (" + settings.host() + ")")
                        + " in " + millis(WallClock.now() - t0));
                return true;
            } catch (ConnectException e) {
                boolean refused = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("refused");
                attempt(target, t0, refused);
                closeQuietly(s);
                if (!last) {
                    note(endpoint(target) + ": " + (refused ? "connection refused" : e.getMessage()) + "; trying the next address");
                } else if (!refused) {
                    note("cannot connect to " + endpoint(target) + ": " + e.getMessage());
                }
            } catch (SocketTimeoutException e) {
                attempt(target, t0, false);
                closeQuietly(s);
                if (!last) {
                    note(endpoint(target) + ": no answer in " + millis(settings.timeoutNanos()) + "; trying the next address");
                }
            } catch (NoRouteToHostException e) {
                closeQuietly(s);
                note("no route to " + endpoint(target) + ": this machine has no way to reach that address (network down, or a firewall rejects it)");
            } catch (IOException e) {
                closeQuietly(s);
                note("cannot connect to " + endpoint(target) + ": " + e.getMessage());
            }
        }
        return false;
    }

    /**
     * A connection attempt that failed, for the explanation: a SYN, and the RST-ACK of a refusal (or nothing: no
     * answer). The local port is not known any more; a placeholder of the server's address family stands for it.
     */
    private void attempt(InetSocketAddress target, long synAt, boolean refused) {
        InetAddress any;
        try {
            any = InetAddress.getByAddress(new byte[target.getAddress().getAddress().length]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        synchronized (lock) {
            serverAddress = target;
            explainer = newExplainer(new InetSocketAddress(any, 0), target);
            explainer.tcp().syn(synAt);
            if (refused) {
                explainer.tcp().rst(Direction.SERVER_TO_CLIENT, true, WallClock.now());
            }
        }
    }

    private Explainer newExplainer(InetSocketAddress local, InetSocketAddress target) {
        PortRole role = switch (settings.mode()) {
            case TLS -> PortRole.IMAPS;
            case STARTTLS -> PortRole.IMAP;
            default -> settings.port() == 993 ? PortRole.IMAPS : settings.port() == 143 ? PortRole.IMAP : PortRole.OTHER;
        };
        roleIsGuess = role == PortRole.OTHER;
        return new Explainer(local, target, role, !settings.showPasswords(), settings.stallNanos(), f -> tell(f, WallClock.now()));
    }

    /** How the session begins, by mode. Returns false when it is already over (a failed handshake). */
    private boolean start() {
        Mode mode = settings.mode();
        if (mode == Mode.AUTO) {
            mode = settings.port() == 993 ? Mode.TLS : settings.port() == 143 ? Mode.PLAIN : detect();
        }
        switch (mode) {
            case TLS -> {
                note("TLS from the first byte (implicit TLS)");
                return handshake();
            }
            case STARTTLS -> {
                startReader();
                if (!awaitGreeting()) {
                    return true;
                }
                String tag = tag();
                if (!send(new TypedLine(tag + " STARTTLS", tag, "STARTTLS", -1, false), true)) {
                    return false;
                }
                return awaitStartTls(tag);
            }
            default -> {
                if (reader == null) {
                    startReader();
                }
                return true;
            }
        }
    }

    /** --auto on an unusual port: a greeting within the window means plaintext, silence means the server waits for TLS. */
    private Mode detect() {
        startReader();
        long deadline = System.nanoTime() + settings.autoWindowNanos();
        synchronized (lock) {
            while (!serverSpoke && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
            if (serverSpoke || serverEnded) {
                return Mode.PLAIN;
            }
        }
        stopReader();
        note("the server has said nothing for " + millis(settings.autoWindowNanos()) + " after the connection opened: an IMAP server greets at once, "
                + "a server on an implicit TLS port waits for the client's TLS ClientHello. Starting TLS (--plain to stay in plaintext).");
        synchronized (lock) {
            explainer.reconsider(PortRole.IMAPS);
            roleIsGuess = false;
        }
        return Mode.TLS;
    }

    // ---- TLS ---------------------------------------------------------------------------------------------------

    private boolean handshake() {
        SSLEngine engine;
        CertificateCheck check;
        try {
            check = tlsFactory.check(() -> wire.lastReceivedFrame());
            engine = tlsFactory.engine(check);
        } catch (IllegalArgumentException e) {
            note("cannot start TLS: " + e.getMessage());
            tlsFailed = true;
            return false;
        }
        TlsSecrets secrets = new TlsSecrets();
        if (settings.keylog() != null && TlsSecrets.unavailable() != null) {
            note("no key log: " + TlsSecrets.unavailable());
        }
        TlsLayer layer = new TlsLayer(engine, wire, secrets, lock);
        serverLines = new LineSplitter();
        SSLSession session = null;
        TlsLayer.HandshakeFailure failure = null;
        try {
            session = layer.handshake(settings.timeoutNanos(), settings.stallNanos(), this::handshakeStalled, this::serverPlain);
        } catch (TlsLayer.HandshakeFailure f) {
            failure = f;
        }
        String version = session != null ? session.getProtocol() : handshakeVersion();
        writeKeylog(secrets, version, session != null ? session : engine.getHandshakeSession());
        synchronized (lock) {
            tls = layer;
            if (session != null) {
                tlsVersion = session.getProtocol();
                cipher = session.getCipherSuite();
            }
        }
        out.tls(new TlsFacts(session != null ? tlsVersion : null, session != null ? cipher : null, tlsFactory.sni(),
                check.chain(), check.problems(), session != null), WallClock.now());
        synchronized (lock) {
            injectHiddenFacts(check, failure, version);
        }
        flushFindings();
        if (failure != null) {
            tlsFailed = true;
            handshakeTimedOut = failure.kind == TlsLayer.HandshakeFailure.Kind.TIMEOUT;
            note("TLS failed: " + failure.getMessage() + (failure.kind == TlsLayer.HandshakeFailure.Kind.CLIENT_REJECTED || check.rejected()
                    ? " (mailscope refused the certificate: --insecure to go on anyway, --cafile FILE to trust its CA)" : ""));
            return false;
        }
        synchronized (lock) {
            insideTls = true;
            explainer.innerStarts();
        }
        note("TLS is on: everything below crosses encrypted");
        startReader();
        return true;
    }

    private void handshakeStalled(long waitedNanos) {
        long now = WallClock.now();
        String where = endpoint(serverAddress);
        Finding f = new Finding("tls-handshake-stalled", Severity.ERROR, "The server has not answered the TLS ClientHello.",
                "mailscope sent its ClientHello to " + where + " and nothing has come back for " + millis(waitedNanos)
                        + ". A TLS server answers at once with its ServerHello; a server that stays silent is not speaking TLS on this port "
                        + "(it may wait for a line of text that a ClientHello never ends), or a firewall or proxy on the way holds the connection.",
                "Check that port " + settings.port() + " is implicit TLS (993); for plaintext IMAP with STARTTLS use --starttls (143), "
                        + "and try --plain to see whether the server speaks first.",
                List.of());
        tell(f, now);
        flushFindings();
    }

    /** The version the ServerHello chose, as the JDK names it, when the handshake failed after it. */
    private String handshakeVersion() {
        synchronized (lock) {
            Integer v = explainer.serverHelloVersion();
            return v == null ? null : v == 0x0304 ? "TLSv1.3" : v == 0x0303 ? "TLSv1.2" : null;
        }
    }

    /**
     * TLS 1.3 encrypts the server's certificates and every alert after the ServerHello: a capture cannot show them,
     * the client can. They are given to the explanation as if seen, so the catalog names them (certificate-expired,
     * certificate-name-mismatch, tls-alert, certificate-rejected).
     */
    private void injectHiddenFacts(CertificateCheck check, TlsLayer.HandshakeFailure failure, String version) {
        if (!"TLSv1.3".equals(version)) {
            return;
        }
        if (!check.chain().isEmpty()) {
            List<CertificateInfo> infos = new ArrayList<>();
            for (X509Certificate c : check.chain()) {
                try {
                    byte[] der = c.getEncoded();
                    infos.add(CertificateParser.parse(der, 0, der.length));
                } catch (CertificateEncodingException e) {
                    // a certificate the JDK parsed always encodes
                }
            }
            explainer.inject(new TlsEvent.CertificatesSeen(new At(Direction.SERVER_TO_CLIENT, check.seenInFrame(), check.seenAt()), infos));
        }
        if (failure == null) {
            return;
        }
        if (failure.kind == TlsLayer.HandshakeFailure.Kind.SERVER_ALERT) {
            int code = alertCode(failure.alert);
            if (code >= 0) {
                explainer.inject(new TlsEvent.Alert(new At(Direction.SERVER_TO_CLIENT, wire.lastReceivedFrame(), WallClock.now()), 2, code, false));
            }
        } else if (check.rejected()) {
            // the JDK answers a certificate its trust manager refused with certificate_unknown
            explainer.inject(new TlsEvent.Alert(new At(Direction.CLIENT_TO_SERVER, lastSentFrame, WallClock.now()), 2, 46, false));
        }
    }

    static int alertCode(String name) {
        for (int i = 0; i < 256; i++) {
            if (TlsNames.alert(i).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private void writeKeylog(TlsSecrets secrets, String version, SSLSession session) {
        if (settings.keylog() == null) {
            return;
        }
        List<String> lines = secrets.lines(version, session);
        if (lines.isEmpty()) {
            return;
        }
        try {
            Files.write(settings.keylog(), lines, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            note("TLS secrets appended to " + settings.keylog() + " (" + lines.size() + " lines, NSS key log format)");
        } catch (IOException e) {
            note("cannot write the key log " + settings.keylog() + ": " + e.getMessage());
        }
    }

    // ---- the conversation --------------------------------------------------------------------------------------

    /** Reads the user's lines until the input ends or the connection does. */
    private void converse() {
        if (!input.interactive()) {
            // a script waits for the greeting as a person would, and explains a silence meanwhile
            awaitGreeting();
        }
        while (true) {
            String line;
            try {
                line = input.next();
            } catch (IOException e) {
                break;
            }
            if (line == null) {
                break;
            }
            if (input.interactive()) {
                // what was typed (a password, perhaps) leaves the screen; the transcript shows the line as sent
                input.eraseTyped();
            }
            if (serverEnded()) {
                if (input.interactive()) {
                    break;
                }
                note("not sent, the connection is closed: " + line);
                continue;
            }
            if (line.isBlank() && literalLeft == 0) {
                continue;
            }
            if (!typed(line)) {
                break;
            }
        }
        if (!input.interactive()) {
            awaitAnswers();
        }
    }

    /** One line the user typed. Returns false when the session cannot go on. */
    private boolean typed(String text) {
        if (literalLeft > 0) {
            return literalData(text);
        }
        if (continuationExpected()) {
            // an AUTHENTICATE exchange or IDLE: the line answers the server and gets no tag
            return sendRaw(text, settings.showPasswords() ? text : "***".equals(text) ? text : redactSasl(text));
        }
        TypedLine line = TypedLine.parse(text);
        if (!line.hasTag() && !line.name().isEmpty()) {
            line = line.withTag(tag());
            if (!taggingSaid) {
                taggingSaid = true;
                note("commands typed without a tag get one: " + line.tag() + ", then a" + nextTag + ", a" + (nextTag + 1) + "...");
            }
        } else if (line.hasTag()) {
            noteTagUsed(line.tag());
        }
        if (stopPlaintextLogin(line)) {
            return true;
        }
        if (!send(line, !input.interactive() || "STARTTLS".equals(line.name()))) {
            return false;
        }
        if ("STARTTLS".equals(line.name()) && !insideTls) {
            return awaitStartTls(line.tag());
        }
        return true;
    }

    /** An AUTHENTICATE response line is a secret (base64 of the password for PLAIN), except the "*" that cancels. */
    private static String redactSasl(String text) {
        return text.strip().equals("*") ? text : "***";
    }

    /** Keeps a hand-typed tag like "a7" from colliding with the next automatic one. */
    private void noteTagUsed(String tag) {
        if (tag.length() > 1 && (tag.charAt(0) == 'a' || tag.charAt(0) == 'A')) {
            try {
                int n = Integer.parseInt(tag.substring(1));
                if (n >= nextTag) {
                    nextTag = n + 1;
                }
            } catch (NumberFormatException e) {
                // not one of ours
            }
        }
    }

    private String tag() {
        return "a" + nextTag++;
    }

    /**
     * A LOGIN (or AUTHENTICATE PLAIN/LOGIN) typed before TLS, to a server that said LOGINDISABLED, would send the
     * password in the clear for nothing: it is not sent, and the user is told what to type instead.
     */
    private boolean stopPlaintextLogin(TypedLine line) {
        if (insideTls || !line.sendsPassword() || settings.allowPlaintextLogin()) {
            return false;
        }
        java.util.Set<String> caps;
        synchronized (lock) {
            caps = explainer.capabilitiesBeforeTls();
        }
        if (!caps.contains("LOGINDISABLED")) {
            return false;
        }
        String shown = TypedLine.parse(line.text()).name().equals("LOGIN") ? line.tag() + " LOGIN " + loginUser(line.text()) + " ***" : line.tag() + " " + line.name() + " ...";
        Finding f = new Finding("login-before-starttls", Severity.ERROR, "The server refuses logins before TLS: mailscope did not send this one.",
                "The server advertised LOGINDISABLED in its capabilities (" + String.join(" ", caps) + "): it accepts no LOGIN until TLS is on. "
                        + "Sending \"" + shown + "\" now would only put the password on the network in the clear, so it stayed on this machine.",
                caps.contains("STARTTLS") ? "Type STARTTLS first (mailscope does the TLS handshake), then the same LOGIN; or reconnect with --tls to port 993. "
                        + "(--allow-plaintext-login sends it anyway.)"
                        : "Reconnect with --tls to the implicit TLS port (993). (--allow-plaintext-login sends it anyway.)",
                List.of());
        synchronized (lock) {
            refused++;
        }
        tell(f, WallClock.now());
        flushFindings();
        return true;
    }

    private static String loginUser(String text) {
        String[] w = text.strip().split(" +");
        return w.length > 2 ? w[2] : "";
    }

    /**
     * Sends a command line; a synchronizing literal at its end waits for the server's "+". In scripts (and for
     * STARTTLS) the tagged answer is waited for before the next line. Returns false when the connection is gone.
     */
    private boolean send(TypedLine line, boolean waitForAnswer) {
        String tag = line.tag();
        synchronized (lock) {
            if (tag != null && !line.name().isEmpty()) {
                pending.put(tag, line.name());
                pendingSince.put(tag, System.nanoTime());
                commands++;
                if ("LOGOUT".equals(line.name())) {
                    logoutSent = true;
                }
                if ("STARTTLS".equals(line.name())) {
                    startTlsTag = tag;
                    startTlsStatus = null;
                }
            }
            continuation = false;
        }
        if (!sendRaw(line.text(), null)) {
            return false;
        }
        if (line.literal() >= 0) {
            synchronized (lock) {
                literalLeft = line.literal() + 2; // the literal, then the CRLF that ends the line it belongs to
                passwordLiteral = line.sendsPassword();
            }
            if (!line.literalPlus() && !awaitContinuation(tag)) {
                synchronized (lock) {
                    literalLeft = 0;
                }
                note("the server did not accept the literal: it is not sent");
                return true;
            }
            return true;
        }
        if (waitForAnswer && tag != null) {
            awaitAnswer(tag);
        }
        return true;
    }

    /** A line of literal data: counted against the announced size; a new literal at its end waits for "+" again. */
    private boolean literalData(String text) {
        byte[] bytes = (text + "\r\n").getBytes(StandardCharsets.UTF_8);
        boolean secret;
        synchronized (lock) {
            secret = passwordLiteral && !settings.showPasswords();
        }
        long left;
        synchronized (lock) {
            literalLeft -= bytes.length;
            left = literalLeft;
        }
        if (!sendRaw(text, secret ? "***" : text)) {
            return false;
        }
        if (left <= 0) {
            synchronized (lock) {
                literalLeft = 0;
            }
            TypedLine rest = TypedLine.parse(text);
            if (rest.literal() >= 0) {
                synchronized (lock) {
                    literalLeft = rest.literal() + 2;
                }
                if (!rest.literalPlus() && !awaitContinuation(null)) {
                    synchronized (lock) {
                        literalLeft = 0;
                    }
                }
            } else if (!input.interactive()) {
                awaitAnswers();
            }
        }
        return true;
    }

    /**
     * Sends one line with CRLF and shows it. {@code shown} overrides the display (literal data); otherwise it is the
     * dissector's own display of the command, with its password redacted.
     */
    private boolean sendRaw(String text, String shown) {
        byte[] bytes = (text + "\r\n").getBytes(StandardCharsets.UTF_8);
        // under the lock: the line takes its place in the transcript before any answer to it can
        synchronized (lock) {
            try {
                if (tls != null && insideTls) {
                    tls.write(bytes, 0, bytes.length);
                } else {
                    wire.send(bytes, 0, bytes.length);
                }
            } catch (IOException e) {
                note("could not send: " + e.getMessage());
                serverEnded = true;
                return false;
            }
            long frame = lastSentFrame;
            if (insideTls) {
                explainer.inner(Direction.CLIENT_TO_SERVER, bytes, 0, bytes.length, frame, WallClock.now());
            }
            String display = shown;
            if (display == null) {
                List<String> dissected = explainer.clientLinesIn(frame);
                display = dissected.isEmpty() ? text : dissected.get(0);
            }
            TranscriptLine l = new TranscriptLine(++lineNumber, true, WallClock.now(), display, insideTls);
            linesOfFrame.computeIfAbsent(frame, k -> new ArrayList<>(1)).add(l.number());
            out.line(l);
        }
        flushFindings();
        return true;
    }

    // ---- the server --------------------------------------------------------------------------------------------

    private void startReader() {
        stopReader = false;
        reader = new Thread(this::readServer, "mailscope-connect-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Stops the reader thread (it notices within one read slice) and waits for it. */
    private void stopReader() {
        stopReader = true;
        Thread t = reader;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reader = null;
    }

    private void readServer() {
        byte[] buf = new byte[16 * 1024];
        try {
            while (!stopReader) {
                Wire.ReadResult r = tls != null && insideTls ? tls.read(this::serverPlain, 200) : wire.read(buf, 0, buf.length, 200);
                if (r == Wire.ReadResult.DATA && (tls == null || !insideTls)) {
                    serverPlaintext(buf, wire.lastRead());
                }
                if (r == Wire.ReadResult.CLOSED || r == Wire.ReadResult.RESET) {
                    serverGone(r);
                    return;
                }
                synchronized (lock) {
                    if (startTlsTag == null && "OK".equals(startTlsStatus) && !insideTls) {
                        return; // what comes next is TLS: the handshake reads it
                    }
                }
            }
        } catch (IOException e) {
            serverGone(Wire.ReadResult.RESET);
        }
    }

    /** Plaintext bytes from the server (already seen by the explainer as packets). */
    private void serverPlaintext(byte[] buf, int n) {
        synchronized (lock) {
            if (!serverSpoke && roleIsGuess) {
                // it greets: a plaintext port after all, whatever the silence suggested
                explainer.reconsider(PortRole.IMAP);
                roleIsGuess = false;
            }
            serverSpoke = true;
            lines(serverLines.feed(buf, 0, n), wire.lastReceivedFrame(), false);
            lock.notifyAll();
        }
        flushFindings();
    }

    /** Decrypted bytes from the server, which crossed in {@code frame}. */
    private void serverPlain(byte[] b, int off, int len, long frame) {
        synchronized (lock) {
            serverSpoke = true;
            explainer.inner(Direction.SERVER_TO_CLIENT, b, off, len, frame, WallClock.now());
            lines(serverLines.feed(b, off, len), frame, true);
            lock.notifyAll();
        }
        flushFindings();
    }

    private void lines(List<String> lines, long frame, boolean encrypted) {
        for (String raw : lines) {
            String text = printable(raw);
            TranscriptLine l = new TranscriptLine(++lineNumber, false, WallClock.now(), text, encrypted);
            linesOfFrame.computeIfAbsent(frame, k -> new ArrayList<>(1)).add(l.number());
            out.line(l);
            response(text);
        }
    }

    /** Control characters (a TLS record read as text) are shown escaped, never sent to the terminal as they are. */
    static String printable(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** What a server line means for the conversation: answers, continuations, the greeting, BYE. */
    private void response(String text) {
        String[] w = text.split(" ", 3);
        String first = w[0];
        String status = w.length > 1 ? w[1].toUpperCase(Locale.ROOT) : "";
        if (first.equals("+")) {
            continuation = true;
            return;
        }
        if (first.equals("*")) {
            if (!greeted) {
                greeted = true;
                if (status.equals("BYE")) {
                    unexpectedBye = true;
                }
            } else if (status.equals("BYE") && !logoutSent) {
                unexpectedBye = true;
            }
            if (!insideTls && !startTlsOffered && text.toUpperCase(Locale.ROOT).contains("STARTTLS")
                    && settings.mode() == Mode.AUTO && (status.equals("OK") || status.equals("CAPABILITY"))) {
                startTlsOffered = true;
                note("the server offers STARTTLS: type STARTTLS and mailscope does the TLS handshake, then log in");
            }
            return;
        }
        String name = pending.remove(first);
        if (name == null) {
            return;
        }
        pendingSince.remove(first);
        if (status.equals("OK")) {
            ok++;
        } else {
            refused++;
        }
        if (first.equals(startTlsTag)) {
            startTlsStatus = status;
            startTlsTag = null;
        }
    }

    private void serverGone(Wire.ReadResult how) {
        synchronized (lock) {
            String rest = serverLines.rest();
            if (rest != null) {
                TranscriptLine l = new TranscriptLine(++lineNumber, false, WallClock.now(), rest + " [no end of line]", insideTls);
                out.line(l);
            }
            serverEnded = true;
            lock.notifyAll();
        }
        if (!weClosed) {
            note(how == Wire.ReadResult.RESET ? "the server reset the connection" : "the server closed the connection");
            if (input.interactive()) {
                input.interrupt(); // a script goes on, saying what it could not send
            }
        }
    }

    private boolean serverEnded() {
        synchronized (lock) {
            return serverEnded;
        }
    }

    private boolean continuationExpected() {
        synchronized (lock) {
            if (!continuation) {
                return false;
            }
            for (String name : pending.values()) {
                if (name.equals("AUTHENTICATE") || name.equals("IDLE")) {
                    return true;
                }
            }
            return false;
        }
    }

    // ---- waiting -----------------------------------------------------------------------------------------------

    private boolean awaitGreeting() {
        long deadline = System.nanoTime() + settings.timeoutNanos();
        synchronized (lock) {
            while (!greeted && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
            return greeted && !serverEnded;
        }
    }

    /** After STARTTLS: on OK, the handshake; on NO/BAD, plaintext goes on (the explanation says why). */
    private boolean awaitStartTls(String tag) {
        awaitAnswer(tag);
        String status;
        synchronized (lock) {
            status = startTlsStatus;
        }
        if (!"OK".equals(status)) {
            return !serverEnded();
        }
        stopReader();
        return handshake();
    }

    private void awaitAnswer(String tag) {
        long deadline = System.nanoTime() + settings.timeoutNanos();
        synchronized (lock) {
            while (pending.containsKey(tag) && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
        }
    }

    private boolean awaitContinuation(String tag) {
        long deadline = System.nanoTime() + settings.timeoutNanos();
        synchronized (lock) {
            while (!continuation && (tag == null || pending.containsKey(tag)) && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
            boolean go = continuation;
            continuation = false;
            return go;
        }
    }

    private void awaitAnswers() {
        long deadline = System.nanoTime() + settings.timeoutNanos();
        synchronized (lock) {
            while (!pending.isEmpty() && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
        }
    }

    private void waitOnLock(long deadlineNanos) {
        long ms = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        try {
            lock.wait(Math.min(ms, 100));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The clock: silences become findings; a command long unanswered is pointed out once. */
    private void tick() {
        synchronized (lock) {
            if (explainer == null || serverEnded) {
                return;
            }
            long now = WallClock.now();
            if (roleIsGuess && !serverSpoke && tls == null && now - startNanos >= settings.stallNanos()) {
                // a silent server on an unusual port behaves as an implicit TLS port: say what that means
                explainer.reconsider(PortRole.IMAPS);
            }
            explainer.tick(now);
            for (Map.Entry<String, Long> e : pendingSince.entrySet()) {
                long waited = System.nanoTime() - e.getValue();
                if (waited >= settings.stallNanos() && silenceSaid.putIfAbsent(e.getKey(), true) == null) {
                    note("no answer to " + e.getKey() + " " + pending.get(e.getKey()) + " for " + millis(waited)
                            + ": the server is slow, or waits for more (a literal, a CRLF)");
                }
            }
        }
        flushFindings();
    }

    // ---- the end -----------------------------------------------------------------------------------------------

    private int finish() {
        boolean connected = wire != null;
        if (connected) {
            weClosed = !serverEnded();
            stopReader = true;
            if (tls != null && !tlsFailed) {
                tls.close();
            }
            synchronized (lock) {
                explainer.tcp().fin(Direction.CLIENT_TO_SERVER, WallClock.now());
            }
            wire.shutdownOutput();
            Thread t = reader;
            if (t != null) {
                try {
                    t.join(1_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!serverEnded() && !handshakeTimedOut) {
                // the server's answer to our FIN, as a capture would show it (a server that ignores it shows nothing)
                awaitServerClose(500);
            }
            wire.close();
        }
        AnalyzedSession s;
        synchronized (lock) {
            s = explainer == null ? null : explainer.finish();
        }
        flushFindings();
        String outcome = !connected ? "no-connection" : s == null ? "incomplete" : s.diagnosis().outcome().label();
        int unanswered;
        synchronized (lock) {
            unanswered = pending.size();
        }
        int code;
        if (!connected) {
            code = EXIT_NO_CONNECTION;
        } else if (tlsFailed || refused > 0 || unanswered > 0 || unexpectedBye || (serverEnded && !weClosed && !logoutSent)) {
            code = EXIT_REFUSED;
        } else {
            code = EXIT_OK;
        }
        String mode = tls != null ? (settings.mode() == Mode.STARTTLS || startTlsSeen() ? "starttls" : "tls") : "plain";
        out.summary(new ConnectSummary(settings.host(), serverAddress == null ? null : serverAddress.getAddress().getHostAddress(),
                settings.port(), mode, tlsVersion, cipher, commands, ok, refused, unanswered, outcome, List.copyOf(told), code, seconds()));
        return code;
    }

    /** Reads (and discards, the explainer sees it) until the server closes or {@code millis} pass. */
    private void awaitServerClose(int millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        byte[] buf = new byte[4096];
        try {
            while (System.nanoTime() < deadline) {
                Wire.ReadResult r = wire.read(buf, 0, buf.length, (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (r != Wire.ReadResult.DATA) {
                    return;
                }
            }
        } catch (IOException e) {
            // gone
        }
    }

    private boolean startTlsSeen() {
        return "OK".equals(startTlsStatus);
    }

    // ---- wire events ---------------------------------------------------------------------------------------------

    @Override
    public long sent(byte[] b, int off, int len) {
        synchronized (lock) {
            lastSentFrame = explainer.tcp().data(Direction.CLIENT_TO_SERVER, b, off, len, WallClock.now());
            return lastSentFrame;
        }
    }

    @Override
    public long received(byte[] b, int off, int len) {
        synchronized (lock) {
            return explainer.tcp().data(Direction.SERVER_TO_CLIENT, b, off, len, WallClock.now());
        }
    }

    @Override
    public void serverClosed() {
        synchronized (lock) {
            explainer.tcp().fin(Direction.SERVER_TO_CLIENT, WallClock.now());
        }
    }

    @Override
    public void reset() {
        synchronized (lock) {
            explainer.tcp().rst(Direction.SERVER_TO_CLIENT, false, WallClock.now());
        }
    }

    // ---- output helpers ----------------------------------------------------------------------------------------

    /**
     * A finding from the explanation (or connect's own), told once per code. It waits in a queue until the lines
     * that prove it are on the screen ({@link #flushFindings}): the explanation may know of a line before the
     * transcript shows it.
     */
    private void tell(Finding f, long now) {
        synchronized (lock) {
            if (told.contains(f.code())) {
                return;
            }
            told.add(f.code());
            queued.add(f);
        }
    }

    /** Prints the queued findings, naming transcript lines where the explanation names frames. */
    private void flushFindings() {
        List<Finding> ready;
        synchronized (lock) {
            if (queued.isEmpty()) {
                return;
            }
            ready = new ArrayList<>(queued);
            queued.clear();
        }
        for (Finding f : ready) {
            List<Integer> lines = new ArrayList<>();
            for (long frame : f.frames()) {
                for (int n : linesOf(frame)) {
                    if (!lines.contains(n)) {
                        lines.add(n);
                    }
                }
            }
            lines.sort(null);
            out.finding(new Finding(f.code(), f.severity(), f.summary(), linesForFrames(f.explanation()), linesForFrames(f.fix()), f.frames()),
                    lines, WallClock.now());
            String hint = hint(f.code());
            if (hint != null) {
                note(hint);
            }
        }
    }

    /** What to do about a finding with this very tool, where the catalog's fix names another. */
    private String hint(String code) {
        String target = (settings.host().indexOf(':') >= 0 ? "[" + settings.host() + "]" : settings.host()) + " " + settings.port();
        return switch (code) {
            case "implicit-tls-mutual-wait", "plaintext-to-tls-port" ->
                    "mailscope does the TLS for you: mailscope connect --tls " + target;
            case "tls-to-plaintext-port" -> "mailscope does STARTTLS for you: mailscope connect --starttls " + target;
            default -> null;
        };
    }

    private List<Integer> linesOf(long frame) {
        synchronized (lock) {
            return List.copyOf(linesOfFrame.getOrDefault(frame, List.of()));
        }
    }

    private static final java.util.regex.Pattern FRAME = java.util.regex.Pattern.compile("\\bframe (\\d+)");

    /**
     * The explanations name packets by frame ("frame 7 at 0.012 s"), as in a capture; here the packets are the
     * transcript's lines, so a frame that carried lines is named by its first line (the others keep their frame
     * number, which is the packet's number in --write-pcap's file).
     */
    String linesForFrames(String text) {
        java.util.regex.Matcher m = FRAME.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            List<Integer> lines = linesOf(Long.parseLong(m.group(1)));
            m.appendReplacement(sb, lines.isEmpty() ? "$0" : "line " + lines.get(0));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private void note(String text) {
        out.note(text, WallClock.now());
    }

    private double seconds() {
        return (WallClock.now() - startNanos) / 1e9;
    }

    static String endpoint(InetSocketAddress a) {
        String ip = a.getAddress().getHostAddress();
        int pct = ip.indexOf('%');
        if (pct >= 0) {
            ip = ip.substring(0, pct);
        }
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    static String millis(long nanos) {
        double s = nanos / 1e9;
        return s >= 10 ? String.format(Locale.ROOT, "%.0f s", s) : s >= 1 ? String.format(Locale.ROOT, "%.1f s", s)
                : String.format(Locale.ROOT, "%d ms", Math.round(nanos / 1e6));
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
