package io.mailscope.dissect.tls.decrypt;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TLS secrets by client random, from NSS key log files ({@code --keylog}) and pcapng Decryption Secrets Blocks.
 * Thread-safe, read-mostly: the parallel pipeline's analysis workers share one. Lookups read a concurrent map of
 * immutable {@link TlsSecrets}; adding a source, reading more of a file and the report are synchronized, and the
 * reading thread adds a capture's embedded secrets before it hands on the frames they decrypt.
 * A file is read once at start and again, from where it stopped, whenever a connection's key is missing: a key log
 * that grows while {@code live} runs (the client appends as it connects) is followed without a timer. A line still
 * being written (no newline yet) is left for the next read.
 *
 * <p>Bounded: lines longer than {@value #MAX_LINE} characters are skipped unbuffered, and at most
 * {@link #maxConnections} client randoms are kept (more is reported), so a 1 GB file of garbage or of keys costs
 * time, not memory. Bad lines are counted per source, with the first one named, for {@link #report()}.
 */
public final class KeyLog {
    static final int MAX_LINE = 1024;

    private final Map<ByteBuffer, TlsSecrets> secrets = new ConcurrentHashMap<>();
    private final List<Source> sources = new ArrayList<>();
    private final long maxConnections;
    private volatile boolean configured;

    public KeyLog() {
        this(Math.max(10_000, Runtime.getRuntime().maxMemory() / 4 / 512));
    }

    KeyLog(long maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** What was read from one file or block, for the summary line. */
    private static final class Source {
        final String name;
        final Path path; // null for secrets embedded in a capture
        long offset;
        long lines;
        long usable;
        long skipped;
        long bad;
        long tooLong;
        long overCap;
        String firstBad;
        /** The last read ended inside an overlong line: skip on to its newline. */
        boolean inLongLine;

        Source(String name, Path path) {
            this.name = name;
            this.path = path;
        }
    }

    /** Reads a key log file; it is followed as it grows. Throws when it cannot be opened at all. */
    public synchronized void addFile(Path file) throws IOException {
        addFile(file, false);
    }

    /**
     * As {@link #addFile(Path)}; with {@code mayAppear} a file that does not exist yet is watched for (live
     * capture: the client creates it when it first connects).
     */
    public synchronized void addFile(Path file, boolean mayAppear) throws IOException {
        if (!Files.exists(file) && !mayAppear) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a key log");
        }
        Source s = new Source(file.toString(), file);
        sources.add(s);
        configured = true;
        if (Files.exists(file)) {
            readMore(s);
        }
    }

    /** Secrets in NSS key log format embedded in a capture (pcapng Decryption Secrets Block, type TLSK). */
    public synchronized void addEmbedded(String name, byte[] data, int off, int len) {
        Source s = new Source(name, null);
        sources.add(s);
        configured = true;
        try {
            parse(s, new java.io.ByteArrayInputStream(data, off, len), true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // cannot happen with a byte array
        }
    }

    /** A key log was given or embedded: sessions without a key are then reported as such. */
    public boolean configured() {
        return configured;
    }

    /** Client randoms known. */
    public int size() {
        return secrets.size();
    }

    /** The secrets for a client random, reading what growing files added when none are known yet (or only some). */
    public TlsSecrets find(byte[] clientRandom, boolean tls13) {
        ByteBuffer key = ByteBuffer.wrap(clientRandom);
        TlsSecrets s = secrets.get(key);
        if (complete(s, tls13)) {
            return s;
        }
        refresh();
        return secrets.get(key);
    }

    private static boolean complete(TlsSecrets s, boolean tls13) {
        return s != null && (tls13 ? s.hasTls13(true) && s.hasTls13(false) : s.masterSecret() != null);
    }

    /** Reads what the files gained since the last read. */
    public synchronized void refresh() {
        for (Source s : sources) {
            if (s.path == null) {
                continue;
            }
            try {
                if (Files.exists(s.path) && Files.size(s.path) > s.offset) {
                    readMore(s);
                }
            } catch (IOException e) {
                // the file went away or became unreadable while following it: keep what we have
            }
        }
    }

    private void readMore(Source s) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(s.path.toFile(), "r")) {
            raf.seek(s.offset);
            InputStream in = java.nio.channels.Channels.newInputStream(raf.getChannel());
            s.offset += parse(s, new java.io.BufferedInputStream(in, 1 << 16), false);
        }
    }

    /**
     * Parses lines; returns how many bytes were consumed, which excludes an unterminated last line unless
     * {@code whole} (nothing more will come).
     */
    private long parse(Source s, InputStream in, boolean whole) throws IOException {
        StringBuilder line = new StringBuilder(200);
        // the rest of an overlong line already counted at the previous read: skip to its newline
        boolean skipping = s.inLongLine;
        s.inLongLine = false;
        boolean tooLong = false;
        long consumed = 0;
        long pos = 0;
        byte[] chunk = new byte[1 << 16];
        int n;
        while ((n = in.read(chunk)) > 0) {
            for (int i = 0; i < n; i++) {
                if (tooLong || skipping) {
                    // nothing of an overlong line is kept: run to its newline
                    int from = i;
                    while (i < n && chunk[i] != '\n') {
                        i++;
                    }
                    pos += i - from;
                    if (i == n) {
                        break;
                    }
                }
                int b = chunk[i] & 0xff;
                pos++;
                if (b == '\n') {
                    if (!skipping) {
                        finishLine(s, line, tooLong);
                    }
                    skipping = false;
                    line.setLength(0);
                    tooLong = false;
                    consumed = pos;
                } else if (!tooLong && !skipping) {
                    if (line.length() >= MAX_LINE) {
                        tooLong = true;
                    } else {
                        line.append((char) b);
                    }
                }
            }
        }
        if (skipping) {
            s.inLongLine = true;
            consumed = pos;
        } else if (whole && (line.length() > 0 || tooLong)) {
            finishLine(s, line, tooLong);
            consumed = pos;
        } else if (tooLong) {
            // an overlong line cannot become valid: count it now (a file of 1 GB without a newline is one bad
            // line), and skip what follows of it when the file grows
            finishLine(s, line, true);
            s.inLongLine = true;
            consumed = pos;
        }
        return consumed;
    }

    private void finishLine(Source s, StringBuilder text, boolean tooLong) {
        s.lines++;
        if (tooLong) {
            s.tooLong++;
            bad(s, "line longer than " + MAX_LINE + " characters");
            return;
        }
        KeyLogLine.Parsed parsed = KeyLogLine.parse(text.toString());
        if (parsed instanceof KeyLogLine.Usable u) {
            store(s, u.line());
        } else if (parsed instanceof KeyLogLine.Bad bad) {
            bad(s, bad.reason());
        } else {
            s.skipped++;
        }
    }

    private void bad(Source s, String reason) {
        if (s.bad++ == 0) {
            s.firstBad = "line " + s.lines + ": " + reason;
        }
    }

    private void store(Source s, KeyLogLine line) {
        ByteBuffer key = ByteBuffer.wrap(line.clientRandom());
        if (!secrets.containsKey(key) && secrets.size() >= maxConnections) {
            s.overCap++;
            return;
        }
        s.usable++;
        secrets.merge(key, TlsSecrets.EMPTY.with(line.label(), line.secret()),
                (old, fresh) -> old.with(line.label(), line.secret()));
    }

    /**
     * One line per source that had something wrong (or had nothing usable), for standard error. Empty when all
     * is well.
     */
    public synchronized List<String> report() {
        List<String> out = new ArrayList<>();
        for (Source s : sources) {
            if (s.bad == 0 && s.overCap == 0 && s.usable > 0) {
                continue;
            }
            StringBuilder sb = new StringBuilder("key log ").append(s.name).append(": ");
            sb.append(s.usable).append(s.usable == 1 ? " secret" : " secrets").append(" read from ")
                    .append(s.lines).append(s.lines == 1 ? " line" : " lines");
            if (s.bad > 0) {
                sb.append("; ").append(s.bad).append(" malformed ").append(s.bad == 1 ? "line" : "lines")
                        .append(" ignored (first: ").append(s.firstBad).append(")");
            }
            if (s.overCap > 0) {
                sb.append("; ").append(s.overCap).append(" beyond the limit of ").append(maxConnections)
                        .append(" connections ignored");
            }
            if (s.usable == 0 && s.bad == 0) {
                sb.append("; no TLS secrets in it (expected NSS key log lines such as CLIENT_RANDOM or"
                        + " CLIENT_TRAFFIC_SECRET_0)");
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Text of a key log line for tests and the bench generator. */
    static String line(String label, byte[] clientRandom, byte[] secret) {
        java.util.HexFormat hex = java.util.HexFormat.of();
        return label + " " + hex.formatHex(clientRandom) + " " + hex.formatHex(secret) + "\n";
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
