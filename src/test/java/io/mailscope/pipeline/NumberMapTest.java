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
}
