package io.mailscope.explain;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Session;

import java.util.Locale;

/** Spells evidence the same way everywhere: "frame 7 at 0.012 s". */
public final class Evidence {
    private final Session session;

    public Evidence(Session session) {
        this.session = session;
    }

    public String at(At at) {
        return "frame " + at.frame() + " at " + seconds(at.timeNanos());
    }

    public String seconds(long timeNanos) {
        return String.format(Locale.ROOT, "%.3f s", session.relative(timeNanos));
    }

    public static String duration(long nanos) {
        double s = nanos / 1e9;
        return s >= 10 ? String.format(Locale.ROOT, "%.1f s", s) : String.format(Locale.ROOT, "%.3f s", s);
    }

    public static String quote(String text) {
        return "\"" + text + "\"";
    }
}
