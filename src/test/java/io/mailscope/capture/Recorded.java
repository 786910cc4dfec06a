package io.mailscope.capture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Test helpers: sinks that copy what they are given, since buffers and segments are reused. */
final class Recorded {
    private Recorded() {
    }

    record Frame(long number, long timeNanos, int linkType, byte[] data, int capLen, int origLen) {
    }

    record Segment(long frame, long timeNanos, int ipVersion, byte[] src, byte[] dst, int srcPort, int dstPort,
            long seq, long ack, int flags, int window, byte[] payload, int wireLength) {
        String text() {
            return new String(payload, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    static final class Frames implements FrameSink {
        final List<Frame> frames = new ArrayList<>();

        @Override
        public void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen,
                int origLen) {
            frames.add(new Frame(frameNumber, timeNanos, linkType, Arrays.copyOfRange(buf, offset, offset + capLen),
                    capLen, origLen));
        }

        List<Frame> frames() {
            return frames;
        }

        long[] numbers() {
            return frames.stream().mapToLong(Frame::number).toArray();
        }

        long[] times() {
            return frames.stream().mapToLong(Frame::timeNanos).toArray();
        }

        int[] linkTypes() {
            return frames.stream().mapToInt(Frame::linkType).toArray();
        }
    }

    static final class Segments implements SegmentSink {
        final List<Segment> segments = new ArrayList<>();

        @Override
        public void segment(TcpSegment s) {
            int n = s.addressLength();
            segments.add(new Segment(s.frame, s.timeNanos, s.ipVersion, Arrays.copyOf(s.src, n),
                    Arrays.copyOf(s.dst, n), s.srcPort, s.dstPort, s.seq, s.ack, s.flags, s.window,
                    Arrays.copyOfRange(s.data, s.dataOffset, s.dataOffset + s.capturedLength), s.wireLength));
        }

        List<Segment> segments() {
            return segments;
        }

        Segment only() {
            if (segments.size() != 1) {
                throw new AssertionError("expected one segment, got " + segments.size());
            }
            return segments.get(0);
        }

        int[] payloadLengths() {
            return segments.stream().mapToInt(s -> s.payload().length).toArray();
        }
    }
}
