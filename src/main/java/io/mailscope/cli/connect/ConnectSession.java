package io.mailscope.cli.connect;

import io.mailscope.dissect.PortRole;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Finding;
import io.mailscope.tcp.Direction;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
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

    private final Transcript transcript;
    private final CommandLedger ledger = new CommandLedger();

    private int nextTag = 1;
    private boolean taggingSaid;
    private boolean serverSpoke;
    private boolean startTlsOffered;
    private boolean loginDisabledSaid;
    private boolean serverEnded;
    private boolean weClosed;
    private boolean passwordLiteral;
    private long literalLeft;
    private volatile boolean stopReader;
    private Thread reader;

    ConnectSession(ConnectSettings settings, ConnectOutput out, LineSource input) {
        this.settings = settings;
        this.out = out;
        this.input = input;
        this.tlsFactory = new TlsContextFactory(settings);
        this.transcript = new Transcript(out, lock, this::note, this::hint);
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
        Finding f = ConnectFindings.nameNotResolved(settings.host());
        transcript.tell(f);
        transcript.flush();
        out.summary(new ConnectSummary(settings.host(), null, settings.port(), settings.mode().label, null, null, 0, 0, 0, 0,
                "no-connection", transcript.told(), EXIT_NO_CONNECTION, seconds()));
        return EXIT_NO_CONNECTION;
    }

    /** Connects to the first address that answers; true when one did (the explainer is then that connection's). */
    private boolean connect(InetAddress[] addresses) {
        Connector.Result r = new Connector(settings.port(), settings.timeoutNanos(), this::newExplainer, this::note, lock).connect(addresses);
        synchronized (lock) {
            explainer = r.explainer();
            serverAddress = r.server();
        }
        if (r.server() != null) {
            out.connected(endpoint(r.local()), endpoint(r.server()));
        }
        if (r.socket() == null) {
            return false;
        }
        try {
            wire = new Wire(r.socket(), this);
        } catch (IOException e) {
            note("cannot use the connection: " + e.getMessage());
            return false;
        }
        note("connected to " + endpoint(r.server()) + (settings.host().equals(r.server().getAddress().getHostAddress()) ? "" : " (" + settings.host() + ")"));
        return true;
    }

    private Explainer newExplainer(InetSocketAddress local, InetSocketAddress target) {
        PortRole role = switch (settings.mode()) {
            case TLS -> PortRole.IMAPS;
            case STARTTLS -> PortRole.IMAP;
            default -> settings.port() == 993 ? PortRole.IMAPS : settings.port() == 143 ? PortRole.IMAP : PortRole.OTHER;
        };
        roleIsGuess = role == PortRole.OTHER;
        return new Explainer(local, target, role, !settings.showPasswords(), settings.stallNanos(), transcript::tell);
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
            HiddenTlsFacts.tell(explainer, check, failure, version, wire.lastReceivedFrame(), lastSentFrame);
        }
        transcript.flush();
        if (failure != null) {
            tlsFailed = true;
            handshakeTimedOut = failure.kind == TlsLayer.HandshakeFailure.Kind.TIMEOUT;
            note(check.rejected()
                    ? "TLS failed: mailscope refused the server's certificate (what is wrong with it is above): --cafile FILE to trust its CA, "
                            + "--sni NAME to check it against the name it is for, --insecure to go on anyway"
                    : "TLS failed: " + failure.getMessage());
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
        Finding f = ConnectFindings.handshakeStalled(where, settings.port(), waitedNanos);
        transcript.tell(f);
        transcript.flush();
    }

    /** The version the ServerHello chose, as the JDK names it, when the handshake failed after it. */
    private String handshakeVersion() {
        synchronized (lock) {
            Integer v = explainer.serverHelloVersion();
            return v == null ? null : v == 0x0304 ? "TLSv1.3" : v == 0x0303 ? "TLSv1.2" : null;
        }
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
        String answering;
        synchronized (lock) {
            answering = ledger.continuationFor();
            if (answering != null) {
                ledger.takeContinuation(); // this line answers that "+"; the next needs another
            }
        }
        if (answering != null) {
            // the line answers the server's "+" and gets no tag: a SASL response (a secret), or IDLE's DONE
            boolean secret = answering.equals("AUTHENTICATE") && !settings.showPasswords();
            if (!sendRaw(text, secret ? redactSasl(text) : text)) {
                return false;
            }
            if (!input.interactive()) {
                awaitAnswers();
            }
            return true;
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
        Finding f = ConnectFindings.plaintextLoginStopped(line, caps);
        if (f == null) {
            return false;
        }
        synchronized (lock) {
            ledger.stopped();
        }
        transcript.tell(f);
        transcript.flush();
        return true;
    }

    /**
     * Sends a command line; a synchronizing literal at its end waits for the server's "+". In scripts (and for
     * STARTTLS) the tagged answer is waited for before the next line. Returns false when the connection is gone.
     */
    private boolean send(TypedLine line, boolean waitForAnswer) {
        String tag = line.tag();
        synchronized (lock) {
            if (tag != null && !line.name().isEmpty()) {
                ledger.sent(tag, line.name());
            }
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
            transcript.line(true, display, frame, insideTls);
        }
        transcript.flush();
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
                    if ("OK".equals(ledger.startTlsStatus()) && !insideTls) {
                        return; // what comes next is TLS: the handshake reads it
                    }
                }
            }
        } catch (javax.net.ssl.SSLException e) {
            // a record that does not decrypt, or an alert after the handshake: the TLS session is over
            String alert = TlsLayer.receivedAlert(String.valueOf(e.getMessage()));
            note(alert != null ? "the server ended TLS with a fatal " + alert + " alert" : "TLS failed: " + e.getMessage());
            serverGone(Wire.ReadResult.CLOSED);
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
        transcript.flush();
    }

    /** Decrypted bytes from the server, which crossed in {@code frame}. */
    private void serverPlain(byte[] b, int off, int len, long frame) {
        synchronized (lock) {
            serverSpoke = true;
            explainer.inner(Direction.SERVER_TO_CLIENT, b, off, len, frame, WallClock.now());
            lines(serverLines.feed(b, off, len), frame, true);
            lock.notifyAll();
        }
        transcript.flush();
    }

    private void lines(List<String> lines, long frame, boolean encrypted) {
        for (String raw : lines) {
            String text = printable(raw);
            transcript.line(false, text, frame, encrypted);
            CommandLedger.Meaning m = ledger.read(text);
            if (m == CommandLedger.Meaning.GREETING || m == CommandLedger.Meaning.UNTAGGED) {
                capabilityNotes(text);
            }
        }
    }

    /**
     * Says once what the capabilities announced before TLS mean for the person typing: LOGINDISABLED (no LOGIN
     * until TLS), and in --auto mode that STARTTLS is on offer.
     */
    private void capabilityNotes(String text) {
        if (insideTls) {
            return;
        }
        String upper = text.toUpperCase(Locale.ROOT);
        if (!(upper.startsWith("* OK") || upper.startsWith("* CAPABILITY") || upper.startsWith("* PREAUTH"))) {
            return;
        }
        boolean starttls = upper.contains(" STARTTLS");
        if (upper.contains(" LOGINDISABLED") && !loginDisabledSaid) {
            loginDisabledSaid = true;
            startTlsOffered = true;
            note("the server advertises LOGINDISABLED: it refuses LOGIN until TLS is on"
                    + (starttls ? "; type STARTTLS first (mailscope does the TLS handshake), then log in" : ""));
        } else if (starttls && settings.mode() == Mode.AUTO && !startTlsOffered) {
            startTlsOffered = true;
            note("the server offers STARTTLS: type STARTTLS and mailscope does the TLS handshake, then log in");
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

    private void serverGone(Wire.ReadResult how) {
        synchronized (lock) {
            String rest = serverLines.rest();
            if (rest != null) {
                transcript.line(false, printable(rest) + " [no end of line]", wire.lastReceivedFrame(), insideTls);
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

    // ---- waiting -----------------------------------------------------------------------------------------------

    private boolean awaitGreeting() {
        long deadline = System.nanoTime() + settings.timeoutNanos();
        synchronized (lock) {
            while (!ledger.greeted() && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
            return ledger.greeted() && !serverEnded;
        }
    }

    /** After STARTTLS: on OK, the handshake; on NO/BAD, plaintext goes on (the explanation says why). */
    private boolean awaitStartTls(String tag) {
        awaitAnswer(tag);
        String status;
        synchronized (lock) {
            status = ledger.startTlsStatus();
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
            // a "+" to an AUTHENTICATE or IDLE also ends the wait: the next line answers it
            while (ledger.waitingFor(tag) && ledger.continuationFor() == null && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
        }
    }

    private boolean awaitContinuation(String tag) {
        long deadline = System.nanoTime() + settings.timeoutNanos();
        synchronized (lock) {
            while (!ledger.continuation() && (tag == null || ledger.waitingFor(tag)) && !serverEnded && System.nanoTime() < deadline) {
                waitOnLock(deadline);
            }
            return ledger.takeContinuation();
        }
    }

    private void awaitAnswers() {
        long deadline = System.nanoTime() + settings.timeoutNanos();
        synchronized (lock) {
            while (ledger.anyPending() && ledger.continuationFor() == null && !serverEnded && System.nanoTime() < deadline) {
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
            for (String command : ledger.silentFor(settings.stallNanos())) {
                note("no answer to " + command + " for " + millis(settings.stallNanos())
                        + ": the server is slow, or waits for more (a literal, a CRLF)");
            }
        }
        transcript.flush();
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
        transcript.flush();
        String outcome = !connected ? "no-connection" : s == null ? "incomplete" : s.diagnosis().outcome().label();
        ConnectSummary summary;
        synchronized (lock) {
            int code;
            if (!connected) {
                code = EXIT_NO_CONNECTION;
            } else if (tlsFailed || ledger.refused() > 0 || ledger.unanswered() > 0 || ledger.unexpectedBye()
                    || (serverEnded && !weClosed && !ledger.logoutSent())) {
                code = EXIT_REFUSED;
            } else {
                code = EXIT_OK;
            }
            String mode = tls != null ? (settings.mode() == Mode.STARTTLS || "OK".equals(ledger.startTlsStatus()) ? "starttls" : "tls") : "plain";
            summary = new ConnectSummary(settings.host(), serverAddress == null ? null : serverAddress.getAddress().getHostAddress(),
                    settings.port(), mode, tlsVersion, cipher, ledger.commands(), ledger.ok(), ledger.refused(), ledger.unanswered(),
                    outcome, transcript.told(), code, seconds());
        }
        out.summary(summary);
        return summary.exitCode();
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
}
