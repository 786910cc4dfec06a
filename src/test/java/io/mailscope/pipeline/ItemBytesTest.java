package io.mailscope.pipeline;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bytes a batch of prepared sessions carries to the merge: runs kept in order, bounded, reused. */
class ItemBytesTest {
    private static byte[] run(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    @Test
    void eachRunIsReadBackWhereItStarted() {
        ItemBytes bytes = new ItemBytes(64 << 10);
        int[] from = new int[30];
        for (int i = 0; i < from.length; i++) {
            from[i] = bytes.length();
            bytes.write(run(1400 + i, i), 0, 1400 + i);
            bytes.write('\n');
        }
        for (int i = 0; i < from.length; i++) {
            assertArrayEquals(run(1400 + i, i), Arrays.copyOfRange(bytes.array(), from[i], from[i] + 1400 + i));
            assertEquals('\n', bytes.array()[from[i] + 1400 + i]);
        }
    }

    @Test
    void fullOnceFewerThanSixteenKibibytesAreLeft() {
        ItemBytes bytes = new ItemBytes(64 << 10);
        assertFalse(bytes.full());
        bytes.write(new byte[48 << 10], 0, 48 << 10);
        assertFalse(bytes.full(), "16 KiB left: a usual line still fits");
        bytes.write(1);
        assertTrue(bytes.full());
        assertEquals(64 << 10, bytes.array().length, "it did not grow");
    }

    @Test
    void aBatchIsFullWhenItsBytesAre() {
        ItemBatch batch = new ItemBatch(256, 64 << 10);
        batch.bytes.write(new byte[60 << 10], 0, 60 << 10);
        batch.add(ItemBatch.PREPARED, 1, ShardItem.SEGMENT, 0, 1, 1, null, "p", 0, 60 << 10);
        assertTrue(batch.full(), "one item, but its bytes near the limit");
        batch.clear();
        assertFalse(batch.full());
        assertEquals(0, batch.bytes.length());
    }

    @Test
    void anArrayGrownForALongRunIsDroppedWhenCleared() {
        ItemBytes bytes = new ItemBytes(64 << 10);
        bytes.write(new byte[10], 0, 10);
        byte[] usual = bytes.array();
        bytes.clear();
        bytes.write(new byte[10], 0, 10);
        assertSame(usual, bytes.array(), "the same array, filled again");
        bytes.write(new byte[1 << 20], 0, 1 << 20);
        assertTrue(bytes.array().length >= (1 << 20) + 10);
        bytes.clear();
        assertEquals(64 << 10, bytes.array().length, "back to its size");
        assertNotSame(usual, bytes.array());
    }

    @Test
    void nothingIsAllocatedUntilTheFirstRun() {
        ItemBytes bytes = new ItemBytes(256 << 10);
        assertEquals(0, bytes.array().length, "a text report never writes here");
        bytes.write(7);
        assertEquals(256 << 10, bytes.array().length);
    }
}
