package io.mailscope.report;

/**
 * Pre-encoded JSON runs a {@link JsonReport} keeps for values that come back line after line as the same objects
 * (a finding's code, severity, summary and fix; a verdict's words), each set of runs under a key of up to six values
 * compared by identity ({@code null} where a key has fewer), so a hit writes one copy instead of a dozen quoted
 * strings and field names.
 *
 * <p>A key's runs are made only when it misses a second time (the caller encodes them then and {@link #put}s
 * them): values that are new on each line (a summary spelled for its session) are never encoded twice over. At
 * most {@value #WAYS} sets are kept and {@value #WAYS} missed keys remembered, replaced round robin.
 */
final class KeptRuns {
    static final int WAYS = 8;
    private static final int K = 6;

    private final Object[] keys = new Object[WAYS * K];
    private final byte[][][] runs = new byte[WAYS][][];
    private int next;
    private final Object[] missed = new Object[WAYS * K];
    private final boolean[] missedUsed = new boolean[WAYS];
    private int nextMissed;

    /** The runs kept under this key, or null. */
    byte[][] get(Object a, Object b, Object c, Object d, Object e, Object f) {
        for (int w = 0; w < WAYS; w++) {
            if (runs[w] != null && matches(keys, w, a, b, c, d, e, f)) {
                return runs[w];
            }
        }
        return null;
    }

    /**
     * After {@link #get} found nothing: whether this key missed before (its runs are worth making: {@link #put}
     * them); otherwise it is remembered as missed once.
     */
    boolean missedBefore(Object a, Object b, Object c, Object d, Object e, Object f) {
        for (int w = 0; w < WAYS; w++) {
            if (missedUsed[w] && matches(missed, w, a, b, c, d, e, f)) {
                missedUsed[w] = false;
                return true;
            }
        }
        int w = nextMissed++ & (WAYS - 1);
        set(missed, w, a, b, c, d, e, f);
        missedUsed[w] = true;
        return false;
    }

    /** Keeps {@code runs} under this key (in place of the oldest set when all ways are taken). */
    void put(Object a, Object b, Object c, Object d, Object e, Object f, byte[][] runs) {
        int w = next++ & (WAYS - 1);
        set(keys, w, a, b, c, d, e, f);
        this.runs[w] = runs;
    }

    private static boolean matches(Object[] keys, int w, Object a, Object b, Object c, Object d, Object e, Object f) {
        int k = w * K;
        return keys[k] == a && keys[k + 1] == b && keys[k + 2] == c && keys[k + 3] == d && keys[k + 4] == e
                && keys[k + 5] == f;
    }

    private static void set(Object[] keys, int w, Object a, Object b, Object c, Object d, Object e, Object f) {
        int k = w * K;
        keys[k] = a;
        keys[k + 1] = b;
        keys[k + 2] = c;
        keys[k + 3] = d;
        keys[k + 4] = e;
        keys[k + 5] = f;
    }
}
