package io.mailscope.cli.connect;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code mailscope connect HOST [PORT]}: the telnet that speaks TLS and explains what the server is doing. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Connect to an IMAP server, type IMAP into it, and have each reply explained (docs/connect.md). "
                + "mailscope does the TLS a person cannot type (implicit TLS, or STARTTLS typed as a command), tags bare commands, "
                + "waits for '+' before literals, and keeps a password from leaving in plaintext to a server that refuses it.",
        footer = {"", "Exit codes: 0 connected and every command answered OK; 1 connected but the server refused something "
                + "(NO, BAD, BYE), a command went unanswered, or TLS failed; 2 usage error or no connection."})
public final class ConnectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "HOST", description = "Server name, IPv4 or IPv6 address (brackets optional).")
    String host;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT",
            description = "Port (default: 993; 143 with --starttls or --plain).")
    Integer port;

    static final class ModeChoice {
        @Option(names = "--tls", description = "Implicit TLS: the TLS handshake first (port 993).")
        boolean tls;
        @Option(names = "--starttls", description = "Plaintext, then mailscope sends STARTTLS after the greeting and does the handshake (port 143).")
        boolean starttls;
        @Option(names = "--plain", description = "Plaintext only, as telnet would (STARTTLS if you type it).")
        boolean plain;
        @Option(names = "--auto", description = "The default: 993 TLS, 143 plaintext with STARTTLS offered, other ports: who speaks first decides.")
        boolean auto;
    }

    @ArgGroup(exclusive = true)
    ModeChoice mode;

    @Option(names = "--sni", paramLabel = "NAME", description = "Name to ask for (SNI) and to check the certificate against (default: HOST when it is a name).")
    String sni;

    @Option(names = "--cafile", paramLabel = "FILE", description = "Trust only the CA certificates in FILE (PEM) instead of the system's.")
    Path cafile;

    @Option(names = "--insecure", description = "Go on when the certificate is not trusted (its problems are still shown).")
    boolean insecure;

    @Option(names = "--tls-version", paramLabel = "1.2|1.3", description = "Offer only this TLS version.")
    String tlsVersion;

    @Option(names = "--cipher", split = ",", paramLabel = "NAME", description = "Offer only these cipher suites (IANA names, comma-separated or repeated).")
    List<String> ciphers = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Give up connecting, on a TLS handshake, or waiting for an answer in a script after this long. Default: ${DEFAULT-VALUE} s.")
    double timeoutSeconds;

    @Option(names = "--stall-after", paramLabel = "SECONDS", defaultValue = "3",
            description = "Explain a silence (a server that does not greet or answer the ClientHello) after this long. Default: ${DEFAULT-VALUE} s.")
    double stallSeconds;

    @Option(names = "--command", paramLabel = "LINE", description = "Send this line and wait for its answer (repeatable); then exit. Without it, lines piped on standard input are sent the same way.")
    List<String> commands = new ArrayList<>();

    @Option(names = "--json", description = "Write JSON Lines (docs/json.md) instead of text.")
    boolean json;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto", description = "Color: auto (a terminal without NO_COLOR), always, never. Default: ${DEFAULT-VALUE}.")
    String color;

    @Option(names = "--show-passwords", description = "Do not redact passwords in the transcript.")
    boolean showPasswords;

    @Option(names = "--allow-plaintext-login", description = "Send a LOGIN before TLS even to a server that advertised LOGINDISABLED.")
    boolean allowPlaintextLogin;

    @Option(names = "--write-keylog", paramLabel = "FILE",
            description = "Append the TLS secrets to FILE (NSS key log format) to decrypt a capture of the session. Default: $SSLKEYLOGFILE if set.")
    Path keylog;

    @Override
    public Integer call() {
        ConnectSettings settings = settings();
        TlsContextFactory.validate(settings);
        PrintStream stdout = System.out;
        LineSource input;
        if (!commands.isEmpty()) {
            input = ScriptLines.of(commands, stdout);
        } else if (System.console() != null) {
            try {
                input = TerminalLines.open();
            } catch (java.io.IOException e) {
                input = ScriptLines.of(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), stdout);
            }
        } else {
            input = ScriptLines.of(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), stdout);
        }
        LineSource in = input;
        ConnectOutput out = json ? new JsonOutput(stdout) : new TextOutput(in::print, colored());
        try {
            return new ConnectSession(settings, out, in).run();
        } finally {
            out.close();
            in.close();
        }
    }

    private boolean colored() {
        return switch (color) {
            case "always" -> true;
            case "never" -> false;
            default -> System.console() != null && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        };
    }

    /** The options, checked: a bad value is a usage error naming the option (exit 2). */
    ConnectSettings settings() {
        Mode m = mode == null || mode.auto ? Mode.AUTO : mode.tls ? Mode.TLS : mode.starttls ? Mode.STARTTLS : Mode.PLAIN;
        String h = host.strip();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        require(!h.isEmpty(), "HOST must not be empty");
        int p = port != null ? port : (m == Mode.STARTTLS || m == Mode.PLAIN) ? 143 : 993;
        require(p >= 1 && p <= 65535, "PORT is a number from 1 to 65535, not " + p);
        String version = null;
        if (tlsVersion != null) {
            version = switch (tlsVersion.strip().toLowerCase(java.util.Locale.ROOT).replace("tlsv", "").replace("tls", "")) {
                case "1.2" -> "TLSv1.2";
                case "1.3" -> "TLSv1.3";
                default -> throw new IllegalArgumentException("--tls-version is 1.2 or 1.3, not " + tlsVersion);
            };
        }
        require(timeoutSeconds > 0, "--timeout must be positive");
        require(stallSeconds > 0, "--stall-after must be positive");
        List<String> suites = new ArrayList<>();
        for (String c : ciphers) {
            if (!c.isBlank()) {
                suites.add(c.strip());
            }
        }
        Path log = keylog;
        if (log == null) {
            String env = System.getenv("SSLKEYLOGFILE");
            if (env != null && !env.isBlank()) {
                log = Path.of(env);
            }
        }
        long timeout = (long) (timeoutSeconds * 1e9);
        long stall = (long) (stallSeconds * 1e9);
        // "a greeting within a second or two means plaintext": never longer than the stall, so the blank-screen
        // finding never fires while --auto is still deciding
        long autoWindow = Math.min(2_000_000_000L, stall * 2 / 3);
        return new ConnectSettings(h, p, m, sni, cafile, insecure, version, suites, timeout, stall, allowPlaintextLogin,
                showPasswords, List.copyOf(commands), log, autoWindow);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
