package io.mailscope.pipeline;

/**
 * The run-wide numbers of the open connections of one worker, by the worker's own number for them: open addressing
 * over two {@code long[]}s, linear probing, deletion by backward shift. Not a map of boxed numbers keyed by
 * connection: with 100,000 half-open connections that was 100,000 identity hashes, {@code Long}s and references the
 * collector had to trace on every collection, on the merge's heap side of a scan.
 */
final class NumberMap {
    private static final long EMPTY = 0; // worker numbers start at 1

    private long[] keys = new long[1024];
    private long[] values = new long[1024];
    private int size;

    void put(long key, long value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("connection numbers start at 1");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY) {
            size++;
        }
        keys[i] = key;
        values[i] = value;
    }

    /** Removes {@code key}: its value, or -1 when it is not here. */
    long remove(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != key) {
            if (keys[i] == EMPTY) {
                return -1;
            }
            i = (i + 1) & mask;
        }
        long value = values[i];
        size--;
        // backward shift: later entries of the probe run move up so no lookup stops early at the hole
        int hole = i;
        for (int j = (i + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        return value;
    }

    int size() {
        return size;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void grow() {
        long[] k = keys;
        long[] v = values;
        keys = new long[k.length * 2];
        values = new long[k.length * 2];
        size = 0;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != EMPTY) {
                put(k[i], v[i]);
            }
        }
    }
}
