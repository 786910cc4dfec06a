package io.mailscope.pipeline;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes an {@link ItemBatch}'s prepared sessions keep for the merge ({@link SessionOutput#prepare(
 * io.mailscope.explain.AnalyzedSession, OutputStream)}): each session's run is appended on its worker and read back
 * on the merge by where it starts and how long it is, and the array goes round with its batch.
 *
 * <p>Why: a scan's JSON line (1.4 KB) was a new {@code byte[]} per session, half of all the bytes a two-worker
 * {@code --json} run allocated; here the same few arrays are filled again and again and, living as long as the run,
 * are promoted once and never copied by the collector (a byte array has no references to trace).
 *
 * <p>Bounded: a batch counts as full once {@link #full} (the runs reach {@link #limit}); a run larger than what is
 * left grows the array, and an array grown past its size is dropped when the batch is {@link #clear}ed, so a long
 * session's line is not kept for the rest of the run. Not synchronized: one thread writes it at a time, and the
 * batch's hand-over through its queue publishes what was written.
 */
final class ItemBytes extends OutputStream {
    /** Room kept free for the next run once {@link #limit} is near: a usual line fits without the array growing. */
    private static final int SLACK = 16 << 10;

    private static final byte[] NONE = new byte[0];

    private final int size;
    /** Made at the first run: an output that prepares nothing into bytes (the text report) never needs it. */
    private byte[] buf = NONE;
    private int length;

    /** @param size the array's size; runs are taken until fewer than 16 KiB of it are left */
    ItemBytes(int size) {
        this.size = size;
    }

    /** Whether the runs fill it: its batch should be handed over (the next run might not fit). */
    boolean full() {
        return length > size - SLACK;
    }

    /** The bytes written so far: runs are at {@code [from, from + length)} of it. */
    byte[] array() {
        return buf;
    }

    /** Where the next run starts. */
    int length() {
        return length;
    }

    /** Empty again; an array that grew for a long run is dropped for one of the usual size. */
    void clear() {
        length = 0;
        if (buf.length > size) {
            buf = new byte[size];
        }
    }

    @Override
    public void write(int b) {
        if (length == buf.length) {
            grow(1);
        }
        buf[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (len > buf.length - length) {
            grow(len);
        }
        System.arraycopy(b, off, buf, length, len);
        length += len;
    }

    private void grow(int more) {
        long need = (long) length + more;
        if (need > Integer.MAX_VALUE - 16) {
            throw new OutOfMemoryError("a prepared session's bytes exceed 2 GiB");
        }
        long doubled = buf.length == 0 ? size : Math.min(Integer.MAX_VALUE - 16L, 2L * buf.length);
        buf = Arrays.copyOf(buf, (int) Math.max(need, doubled));
    }
}
