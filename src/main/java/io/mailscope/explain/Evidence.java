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
        return fixed(timeNanos - session.captureStartNanos(), 3) + " s";
    }

    public static String duration(long nanos) {
        double s = nanos / 1e9;
        return s >= 10 ? fixed(nanos, 1) + " s" : fixed(nanos, 3) + " s";
    }

    /** Below this many nanoseconds (11.5 days) nanos / 1e9 as a double keeps every digit: see {@link #fixed}. */
    private static final long EXACT_NANOS = 1_000_000_000_000_000L;

    /**
     * {@code String.format(Locale.ROOT, "%.Nf", nanos / 1e9)} for N = 1 or 3 without the formatter (which parses its
     * pattern and builds a DecimalFormatSymbols per call: a visible cost per session on a scan of 500,000). The
     * formatter rounds the double's shortest decimal half up; below {@link #EXACT_NANOS} that decimal is the exact
     * count of nanoseconds, so rounding the integer half up is the same. Beyond, the formatter itself.
     */
    static String fixed(long nanos, int decimals) {
        if (nanos <= -EXACT_NANOS || nanos >= EXACT_NANOS) {
            return String.format(Locale.ROOT, decimals == 1 ? "%.1f" : "%.3f", nanos / 1e9);
        }
        long unit = decimals == 1 ? 100_000_000L : 1_000_000L;
        long scaled = (Math.abs(nanos) + unit / 2) / unit;
        long scale = decimals == 1 ? 10 : 1000;
        StringBuilder sb = new StringBuilder(16);
        if (nanos < 0) {
            sb.append('-'); // "-0.000" for a tiny negative time, as the formatter writes it
        }
        sb.append(scaled / scale).append('.');
        String frac = Long.toString(scaled % scale);
        for (int i = frac.length(); i < decimals; i++) {
            sb.append('0');
        }
        return sb.append(frac).toString();
    }

    public static String quote(String text) {
        return "\"" + text + "\"";
    }
}
