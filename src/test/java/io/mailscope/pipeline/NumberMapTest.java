package io.mailscope.pipeline;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The merge's numbers of open connections: what a map of boxed numbers would answer, through growth and removals. */
class NumberMapTest {
    @Test
    void answersAsAMapThroughGrowthAndRemovalsInAnyOrder() {
        NumberMap m = new NumberMap();
        Map<Long, Long> expected = new HashMap<>();
        Random r = new Random(11);
        long next = 1;
        for (int i = 0; i < 300_000; i++) {
            if (expected.isEmpty() || r.nextInt(3) > 0) {
                long key = next++;
                m.put(key, key * 7);
                expected.put(key, key * 7);
            } else {
                // finish a connection opened any time before (long-lived ones stay a long time)
                long key = 1 + (long) r.nextInt((int) next - 1);
                assertEquals(expected.containsKey(key) ? expected.remove(key) : -1L, m.remove(key), "key " + key);
            }
            assertEquals(expected.size(), m.size());
        }
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            assertEquals(e.getValue(), m.remove(e.getKey()));
        }
        assertEquals(0, m.size());
        assertEquals(-1, m.remove(5));
    }

    /**
     * Keys are their own slots: connections that stay open while many others open and end after them (keys a
     * multiple of the table's size apart meet) are still found, and every other connection too.
     */
    @Test
    void findsLongLivedConnectionsAmongManyThatPassThrough() {
        NumberMap m = new NumberMap();
        java.util.ArrayDeque<Long> open = new java.util.ArrayDeque<>();
        Map<Long, Long> longLived = new HashMap<>();
        long next = 1;
        for (int i = 0; i < 500_000; i++) {
            long key = next++;
            m.put(key, key + 1_000_000);
            if (key % 4_099 == 0) {
                longLived.put(key, key + 1_000_000);
            } else {
                open.addLast(key);
            }
            if (open.size() > 3_000) {
                long first = open.pollFirst();
                assertEquals(first + 1_000_000, m.remove(first));
            }
        }
        for (Map.Entry<Long, Long> e : longLived.entrySet()) {
            assertEquals(e.getValue(), m.remove(e.getKey()));
        }
        assertEquals(open.size(), m.size());
    }
}
