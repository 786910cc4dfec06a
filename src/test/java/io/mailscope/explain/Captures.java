package io.mailscope.explain;

import io.mailscope.pipeline.Analysis;
import io.mailscope.capture.CaptureFormatException;
import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.PortRoles;
import io.mailscope.tcp.ReassemblyLimits;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Runs the whole analysis chain on the real captures in src/test/resources/captures (see its README). */
public final class Captures {
    /** The ports the recordings used: private dovecot and openssl instances on high loopback ports. */
    /** The recordings' ports: IMAP 10143/11143 and 10993/11993, POP3 10110 and 10995, SMTP 10025, 10587 and 10465. */
    public static final PortRoles ROLES = new PortRoles(java.util.Map.of(
            PortRole.IMAP, Set.of(10143, 11143), PortRole.IMAPS, Set.of(10993, 11993),
            PortRole.POP3, Set.of(10110), PortRole.POP3S, Set.of(10995),
            PortRole.SMTP, Set.of(10025), PortRole.SUBMISSION, Set.of(10587), PortRole.SUBMISSIONS, Set.of(10465)));
    public static final Path DIR = Path.of("src/test/resources/captures");

    private Captures() {
    }

    public static Path path(String name) {
        Path p = DIR.resolve(name);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("no such capture: " + p);
        }
        return p;
    }

    public static List<AnalyzedSession> analyze(String name) {
        return analyze(name, true);
    }

    public static List<AnalyzedSession> analyze(String name, boolean redact) {
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(ROLES, ReassemblyLimits.DEFAULT, redact, 2_000_000_000L, out::add);
        try {
            a.read(path(name).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CaptureFormatException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        a.finish();
        return out;
    }

    /** The only session of a one-connection capture. */
    public static AnalyzedSession only(String name) {
        List<AnalyzedSession> all = analyze(name);
        if (all.size() != 1) {
            throw new AssertionError(name + ": expected one session, got " + all.size());
        }
        return all.get(0);
    }
}
