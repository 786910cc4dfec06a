package io.mailscope.pipeline;

/**
 * Capture time across the files of one run: whether a file goes back in time, its first frame dated before the
 * latest frame the run had reached (files given out of order, or unrelated recordings). Then the connections still
 * open are ended ({@link io.mailscope.tcp.TcpReassembler#timeWentBack}) and the latest time is this file's. Time
 * going back inside a file (interfaces interleaved out of order) is no such boundary: idle expiry copes with it.
 * One analysis and the parallel pipeline's reader each keep one, fed every frame, and so agree on where.
 */
final class RunTime {
    private boolean started;
    private boolean fileStarts;
    private long latestNanos;

    /** A new input file begins: its first frame may go back. */
    void fileStarts() {
        fileStarts = true;
    }

    /** At every frame: whether this one is a file's first, dated before the latest frame of the run so far. */
    boolean wentBack(long timeNanos) {
        boolean back = started && fileStarts && timeNanos < latestNanos;
        if (!started || back || timeNanos > latestNanos) {
            latestNanos = timeNanos;
        }
        started = true;
        fileStarts = false;
        return back;
    }
}
