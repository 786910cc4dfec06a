package io.mailscope.cli;

import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.PortRoles;
import io.mailscope.tcp.ReassemblyLimits;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Options shared by analyze, explain and live: port roles, output, filters, limits. */
public final class AnalysisOptions {
    @Option(names = "--port-role", paramLabel = "ROLE=PORTS", description = PortRoleOption.DESCRIPTION)
    List<String> portRoles = new ArrayList<>();

    @Option(names = "--imap-port", split = ",", paramLabel = "PORT",
            description = "Also treat these ports as plaintext IMAP with STARTTLS, like 143 (repeatable, comma-separated; "
                    + "the same as --port-role imap=PORTS).")
    List<Integer> imapPorts = new ArrayList<>();

    @Option(names = "--imaps-port", split = ",", paramLabel = "PORT",
            description = "Also treat these ports as implicit TLS, like 993 (repeatable, comma-separated; "
                    + "the same as --port-role imaps=PORTS).")
    List<Integer> imapsPorts = new ArrayList<>();

    @Option(names = "--json", description = "Write JSON Lines (docs/json.md) instead of text.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML report to FILE.")
    String html;

    @Option(names = "--summary", description = "Print only the summary and the failing sessions.")
    boolean summaryOnly;

    @Option(names = "--only-failed", description = "Show only sessions whose outcome is not ok.")
    boolean onlyFailed;

    @Option(names = "--port", split = ",", paramLabel = "PORT", description = "Show only sessions with this client or server port.")
    List<Integer> ports = new ArrayList<>();

    @Option(names = "--host", split = ",", paramLabel = "IP", description = "Show only sessions with this client or server address.")
    List<String> hosts = new ArrayList<>();

    @Option(names = "--session", split = ",", paramLabel = "N", description = "Show only the session(s) with this id.")
    List<Long> sessions = new ArrayList<>();

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "Decrypt TLS with this NSS key log (SSLKEYLOGFILE; repeatable): docs/decryption.md. "
                    + "Secrets embedded in a pcapng file are used without it.")
    List<java.nio.file.Path> keylogs = new ArrayList<>();

    @Option(names = "--show-passwords", description = "Do not redact passwords seen in cleartext (they are redacted by default).")
    boolean showPasswords;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto",
            description = "Color the text report: auto (a terminal without NO_COLOR), always, never. Default: ${DEFAULT-VALUE}.")
    String color;

    @Option(names = "--silence", paramLabel = "SECONDS", defaultValue = "2",
            description = "A pause longer than this is marked as silence in the timeline. Default: ${DEFAULT-VALUE} s.")
    double silenceSeconds;

    @Option(names = "--max-buffer", paramLabel = "BYTES", defaultValue = "1048576",
            description = "Out-of-order bytes held per direction before a hole is given up as a gap. Default: ${DEFAULT-VALUE}.")
    int maxOutOfOrderBytes;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "A connection without packets for this long (capture time) is reported and released. Default: ${DEFAULT-VALUE} s.")
    double idleTimeoutSeconds;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Connections tracked at once; beyond it the least recently active is reported early. "
                    + "Default: 100000, fewer in a small Java heap (one per 16 KiB of it).")
    Integer maxConnections;

    @Option(names = "--threads", paramLabel = "N",
            description = "Analysis threads: connections are shared out among N workers by a hash of their addresses "
                    + "and ports, while one more thread reads the capture and another puts the sessions back in order; "
                    + "the output is the same for every N. 1 analyzes on the reading thread alone. "
                    + "Default: the available cores.")
    Integer threads;

    /** At most this many --threads (more only costs memory: each worker holds its batches and connections). */
    static final int MAX_THREADS = 256;

    /** --threads, or the available cores. */
    int threads() {
        return threads != null ? threads : Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors());
    }

    /** The --max-connections default when the user gives none. */
    static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    /**
     * Heap per tracked connection the default allows. Measured with jmap: a connection costs about 2 KiB after a
     * SYN, 4 KiB after a ClientHello, 6.5 KiB in an IMAP conversation; twice that leaves half the heap for the
     * rest. Without this, 100,000 half-open connections (a SYN flood) ran a 64 MB heap out of memory.
     */
    static final long HEAP_PER_CONNECTION = 16 * 1024;

    /** Rejects values that make no sense, as a usage error naming the option (exit code 2). */
    void validate() {
        for (List<Integer> ports : List.of(imapPorts, imapsPorts, this.ports)) {
            for (int p : ports) {
                require(p >= 1 && p <= 65535, "a port is a number from 1 to 65535, not " + p);
            }
        }
        PortRoleOption.parse(portRoles);
        require(maxOutOfOrderBytes >= 0, "--max-buffer must not be negative");
        require(maxConnections == null || maxConnections > 0, "--max-connections must be at least 1");
        require(threads == null || (threads >= 1 && threads <= MAX_THREADS), "--threads must be from 1 to " + MAX_THREADS);
        require(idleTimeoutSeconds > 0, "--idle-timeout must be positive");
        require(silenceSeconds >= 0, "--silence must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    PortRoles roles() {
        Map<PortRole, Set<Integer>> roles = PortRoleOption.parse(portRoles);
        PortRoleOption.add(roles, PortRole.IMAP, imapPorts);
        PortRoleOption.add(roles, PortRole.IMAPS, imapsPorts);
        return new PortRoles(roles);
    }

    ReassemblyLimits limits() {
        int connections = maxConnections != null ? maxConnections : defaultMaxConnections(Runtime.getRuntime().maxMemory());
        return new ReassemblyLimits(maxOutOfOrderBytes, (long) (idleTimeoutSeconds * 1e9), connections);
    }

    /** 100,000, or fewer when the heap ({@code maxMemory}, bytes) cannot hold that many; at least 1,000. */
    static int defaultMaxConnections(long maxMemory) {
        return (int) Math.max(1_000, Math.min(DEFAULT_MAX_CONNECTIONS, maxMemory / HEAP_PER_CONNECTION));
    }

    long silenceNanos() {
        return (long) (silenceSeconds * 1e9);
    }

    Set<Integer> portFilter() {
        return new LinkedHashSet<>(ports);
    }
}
