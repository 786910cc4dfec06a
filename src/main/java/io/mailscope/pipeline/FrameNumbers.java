package io.mailscope.pipeline;

import io.mailscope.capture.CaptureFormatException;
import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.FrameSink;

import java.io.IOException;

/**
 * Frame numbers of a run: several files are one run, so the numbers continue from one file to the next, also past
 * a file that ended in a fault (the next file starts after the last frame the fault named).
 */
final class FrameNumbers {
    private long next = 1;

    /** Reads every frame of {@code reader} into {@code entry}, numbered from where the previous file stopped. */
    void readFrames(CaptureReader reader, FrameSink entry) throws IOException, CaptureFormatException {
        reader.firstFrameNumber(next);
        try {
            next += reader.readFrames(entry);
        } catch (CaptureFormatException e) {
            next = Math.max(next, e.frame() + 1);
            throw e;
        }
    }
}
