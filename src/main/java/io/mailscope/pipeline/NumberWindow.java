package io.mailscope.pipeline;

/**
 * The run-wide numbers of one worker's open connections, by the worker's own number for them, for a worker that
 * numbers its connections 1, 2, 3... as they open: a window of the last {@code size} numbers as slots of one array
 * (number {@code n} in slot {@code n mod size}), and the connections that stay open while {@code size} others open
 * after them in a {@link NumberMap}, where they move when a newer number needs their slot.
 *
 * <p>Why: on a scan, the merge puts a number for every connection that opens and removes it when the session ends,
 * in about the same order; in the window both walk the array from one slot to the next (the lines they touch are
 * the ones touched last, or the next ones), where the hash map's probes and backward shifts were the merge's
 * largest cost after copying the lines. A number is put once, when its connection opens.
 */
final class NumberWindow {
    private static final long EMPTY = 0; // worker numbers start at 1

    /** Key at {@code 2i}, value at {@code 2i + 1}: the number whose slot {@code i} is, if it is open. */
    private final long[] slots;
    private final int mask;
    private final NumberMap older = new NumberMap();
    private int size;

    /** @param size slots in the window, a power of two: about the connections a worker keeps open at once */
    NumberWindow(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("a window of " + size + " slots: not a power of two");
        }
        this.slots = new long[2 * size];
        this.mask = size - 1;
    }

    /** The window for a worker that keeps up to {@code connections} open: the power of two above, 1 Ki to 64 Ki. */
    static NumberWindow forConnections(long connections) {
        long n = Math.max(1024, Math.min(65536, connections));
        return new NumberWindow((int) (Long.highestOneBit(n - 1) << 1));
    }

    /** Keeps {@code value} for {@code key}, which is not here yet. */
    void put(long key, long value) {
        if (key <= EMPTY) {
            throw new IllegalArgumentException("connection numbers start at 1");
        }
        int i = 2 * (int) (key & mask);
        long there = slots[i];
        if (there != EMPTY && there > key) {
            older.put(key, value); // an old number come late: the slot is a newer one's
        } else {
            if (there != EMPTY) {
                older.put(there, slots[i + 1]); // still open after all that came since: moves out of the window
            }
            slots[i] = key;
            slots[i + 1] = value;
        }
        size++;
    }

    /** Removes {@code key}: its value, or -1 when it is not here. */
    long remove(long key) {
        int i = 2 * (int) (key & mask);
        if (slots[i] == key && key != EMPTY) {
            slots[i] = EMPTY;
            size--;
            return slots[i + 1];
        }
        if (older.size() == 0) {
            return -1;
        }
        long value = older.remove(key);
        if (value >= 0) {
            size--;
        }
        return value;
    }

    int size() {
        return size;
    }
}
