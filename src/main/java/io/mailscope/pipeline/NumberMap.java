package io.mailscope.pipeline;

/**
 * The run-wide numbers of one worker's open connections, by the worker's own number for them: open addressing over
 * one {@code long[]} (key and value side by side), linear probing, deletion by backward shift. Not a map of boxed
 * numbers keyed by connection: with 100,000 half-open connections that was 100,000 identity hashes, {@code Long}s
 * and references the collector had to trace on every collection, and most of the merge's time on a scan.
 *
 * <p>A worker numbers its connections 1, 2, 3... as they open, and most end in about the order they opened: eight
 * consecutive numbers share eight consecutive slots (two cache lines), so the merge's puts and removes mostly find
 * the line they touched last, and the groups of eight are spread over the table by a multiplicative hash, so the
 * runs that probing and backward shift walk stay short (the key itself as the slot made every open connection one
 * run, and each removal shifted all of it).
 */
final class NumberMap {
    private static final long EMPTY = 0; // worker numbers start at 1

    /** Key at {@code 2i}, value at {@code 2i + 1}. */
    private long[] table = new long[2 * 1024];
    private int size;

    void put(long key, long value) {
        if (key <= EMPTY) {
            throw new IllegalArgumentException("connection numbers start at 1");
        }
        if ((size + 1) * 4L > table.length) {
            grow();
        }
        int mask = slots() - 1;
        int i = slot(key, mask);
        while (table[2 * i] != EMPTY && table[2 * i] != key) {
            i = (i + 1) & mask;
        }
        if (table[2 * i] == EMPTY) {
            size++;
        }
        table[2 * i] = key;
        table[2 * i + 1] = value;
    }

    /** Removes {@code key}: its value, or -1 when it is not here. */
    long remove(long key) {
        int mask = slots() - 1;
        int i = slot(key, mask);
        while (table[2 * i] != key) {
            if (table[2 * i] == EMPTY) {
                return -1;
            }
            i = (i + 1) & mask;
        }
        long value = table[2 * i + 1];
        size--;
        // backward shift: later entries of the probe run move up so no lookup stops early at the hole
        int hole = i;
        for (int j = (i + 1) & mask; table[2 * j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(table[2 * j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                table[2 * hole] = table[2 * j];
                table[2 * hole + 1] = table[2 * j + 1];
                hole = j;
            }
        }
        table[2 * hole] = EMPTY;
        return value;
    }

    int size() {
        return size;
    }

    private int slots() {
        return table.length >> 1;
    }

    private static int slot(long key, int mask) {
        long h = (key >>> 3) * 0x9E3779B97F4A7C15L;
        return (int) ((h ^ (h >>> 32)) << 3 | (key & 7)) & mask;
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != EMPTY) {
                put(old[i], old[i + 1]);
            }
        }
    }
}
