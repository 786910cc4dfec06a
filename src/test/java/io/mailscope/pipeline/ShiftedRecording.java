package io.mailscope.pipeline;

import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.PcapWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A bundled recording moved in time by a constant, as {@code editcap -t SECONDS} moves it, written where a test
 * wants it (a temporary directory: the repository keeps one copy of each recording).
 */
final class ShiftedRecording {
    private ShiftedRecording() {
    }

    /** Writes {@code original} with every frame {@code seconds} later (earlier if negative) as {@code target}. */
    static Path write(Path original, long seconds, Path target) throws Exception {
        return splice(target, original, seconds);
    }

    /**
     * Writes one file of recordings one after the other, as {@code mergecap -a} does, each moved by its own number
     * of seconds: {@code splice(target, first, 0L, second, 661723L)}. They must share a link type.
     */
    static Path splice(Path target, Object... recordingsAndSeconds) throws Exception {
        PcapWriter[] writer = {null};
        try {
            for (int i = 0; i < recordingsAndSeconds.length; i += 2) {
                long shift = (Long) recordingsAndSeconds[i + 1] * 1_000_000_000L;
                try (CaptureReader reader = CaptureReader.open(recordingsAndSeconds[i].toString())) {
                    reader.readFrames((frame, time, link, buf, offset, capLen, origLen) -> {
                        try {
                            if (writer[0] == null) {
                                writer[0] = PcapWriter.create(target, PcapWriter.Format.PCAP_NANOS, link, 262_144);
                            }
                            writer[0].write(time + shift, buf, offset, capLen, origLen);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        } finally {
            if (writer[0] != null) {
                writer[0].close();
            }
        }
        return target;
    }
}
