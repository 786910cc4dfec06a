package io.mailscope.explain;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Session;

import java.util.Locale;

/** Spells evidence the same way everywhere: "frame 7 at 0.012 s". */
final class Evidence {
    private final Session session;

    Evidence(Session session) {
        this.session = session;
    }

    String at(At at) {
        return "frame " + at.frame() + " at " + seconds(at.timeNanos());
    }

    String seconds(long timeNanos) {
        return String.format(Locale.ROOT, "%.3f s", session.relative(timeNanos));
    }

    static String duration(long nanos) {
        double s = nanos / 1e9;
        return s >= 10 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%.3f s", s);
    }

    static String quote(String text) {
        return "\"" + text + "\"";
    }
}
