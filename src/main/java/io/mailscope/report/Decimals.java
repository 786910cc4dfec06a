package io.mailscope.report;

/**
 * Fixed-point numbers for the text report without {@code String.format}, which parses its pattern and boxes its
 * arguments on every call: the ladder prints a time and a frame number per row, so a large capture's report spent
 * more time in the formatter than in the analysis.
 */
final class Decimals {
    private Decimals() {
    }

    /**
     * {@code nanos} as seconds with three decimals, rounded half up (away from zero), exactly as
     * {@code String.format("%.3f", nanos / 1e9)} for any time below about 11 days (where the double still holds
     * every nanosecond, so its shortest decimal is the exact one the formatter rounds).
     */
    static String fixed3(long nanos) {
        StringBuilder sb = new StringBuilder(16);
        appendFixed3(nanos, sb);
        return sb.toString();
    }

    static void appendFixed3(long nanos, StringBuilder sb) {
        boolean negative = nanos < 0;
        long abs = Math.abs(nanos);
        long millis = (abs + 500_000) / 1_000_000;
        if (negative) {
            sb.append('-'); // "-0.000" for a tiny negative time, as the formatter writes it
        }
        sb.append(millis / 1000).append('.');
        long frac = millis % 1000;
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    /** Appends {@code text} right-aligned in {@code width} columns (as {@code %Ns}). */
    static void padLeft(CharSequence text, int width, StringBuilder sb) {
        for (int i = text.length(); i < width; i++) {
            sb.append(' ');
        }
        sb.append(text);
    }
}
