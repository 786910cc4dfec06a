package io.mailscope.pipeline;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The merge's numbers of a worker's open connections in a window of slots: what a map of boxed numbers would answer,
 * for connections that end in about the order they opened, that stay open while far more than the window opens
 * after them, and that end in any order.
 */
class NumberWindowTest {
    private static void check(NumberWindow w, Map<Long, Long> expected, long key) {
        Long v = expected.remove(key);
        assertEquals(v == null ? -1L : v, w.remove(key), "key " + key);
        assertEquals(expected.size(), w.size());
    }

    @Test
    void answersAsAMapWhenConnectionsEndInAnyOrderAndSomeOutliveTheWindow() {
        for (int size : new int[] {1024, 4096}) {
            NumberWindow w = new NumberWindow(size);
            Map<Long, Long> expected = new HashMap<>();
            Random r = new Random(size);
            long next = 1;
            for (int i = 0; i < 300_000; i++) {
                int choice = r.nextInt(10);
                if (expected.isEmpty() || choice < 5) {
                    long key = next++;
                    w.put(key, key * 7 + 3);
                    expected.put(key, key * 7 + 3);
                    assertEquals(expected.size(), w.size());
                } else if (choice < 8) {
                    // most end soon after they opened (a scan's evictions, short sessions)
                    check(w, expected, Math.max(1, next - 1 - r.nextInt(2 * size)));
                } else {
                    // some end long after: numbers that left the window long ago, and some never opened here
                    check(w, expected, 1 + (long) r.nextInt((int) next + 10));
                }
            }
            for (Long key : expected.keySet().toArray(new Long[0])) {
                check(w, expected, key);
            }
            assertEquals(0, w.size());
            assertEquals(-1, w.remove(5));
        }
    }

    @Test
    void aNumberPutLateAfterNewerOnesIsKeptToo() {
        NumberWindow w = new NumberWindow(1024);
        w.put(5000, 1);
        w.put(5000 - 1024, 2); // its slot is taken by a newer number
        w.put(3, 3);
        assertEquals(2, w.remove(5000 - 1024));
        assertEquals(1, w.remove(5000));
        assertEquals(3, w.remove(3));
        assertEquals(-1, w.remove(3));
        assertEquals(0, w.size());
    }

    @Test
    void aScanNeverLeavesTheWindow() {
        NumberWindow w = NumberWindow.forConnections(50_000);
        long open = 0;
        for (long key = 1; key <= 500_000; key++) {
            w.put(key, key + 1);
            if (key > 50_000) {
                assertEquals(key - 50_000 + 1, w.remove(key - 50_000), "the oldest evicted for space");
            } else {
                open++;
            }
        }
        assertEquals(open, w.size());
    }

    @Test
    void windowsArePowersOfTwoAndNumbersStartAtOne() {
        assertThrows(IllegalArgumentException.class, () -> new NumberWindow(1000));
        assertThrows(IllegalArgumentException.class, () -> new NumberWindow(1024).put(0, 1));
    }
}
