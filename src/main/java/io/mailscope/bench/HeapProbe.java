package io.mailscope.bench;

import io.mailscope.capture.FrameSink;

import java.lang.management.ManagementFactory;

/**
 * The live heap during a pass, sampled by forcing a full collection at 16 evenly spaced points of the file
 * (by bytes read) and once at the end of the input, before connections are released. Samples at the same relative
 * points make a small and a large capture comparable. Heap "used" without a full collection would mostly measure
 * the young generation's size and garbage not collected yet, not what the code keeps.
 */
final class HeapProbe {
    static final int SAMPLES = 16;

    private final long every;
    private long nextAt;
    private long seen;
    private long peakLive;
    private int samples;

    /** @param fileBytes the file's size: a sample is taken each time another sixteenth of it has been read */
    HeapProbe(long fileBytes) {
        this.every = Math.max(1, fileBytes / SAMPLES);
        this.nextAt = every;
    }

    /** Live heap now: full collections first. */
    static long liveHeapNow() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long maxHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    /** A sink that passes every frame on to {@code next} and samples the heap when another sixteenth is read. */
    FrameSink watching(FrameSink next) {
        return (n, t, link, buf, off, cap, orig) -> {
            next.frame(n, t, link, buf, off, cap, orig);
            seen += 16 + cap; // record header + frame: close enough to the file offset for spacing samples
            if (seen >= nextAt) {
                nextAt += every;
                sample();
            }
        };
    }

    /** Records the live heap now (forces a collection). */
    void sample() {
        samples++;
        peakLive = Math.max(peakLive, liveHeapNow());
    }

    long peakLive() {
        return peakLive;
    }

    int samples() {
        return samples;
    }
}
