package io.mailscope.capture;

import static io.mailscope.capture.Packets.ascii;
import static io.mailscope.capture.Packets.ethernet;
import static io.mailscope.capture.Packets.ipv4;
import static io.mailscope.capture.Packets.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Classic pcap, built byte by byte: every magic, both byte orders, and the ways a stream can arrive. */
class PcapFormatTest {
    static final byte[] FRAME = ethernet(0x0800, ipv4(6, tcp(ascii("a1 NOOP\r\n"))));

    static Recorded.Frames readAll(byte[] file) throws Exception {
        return readAll(new ByteArrayInputStream(file));
    }

    static Recorded.Frames readAll(InputStream in) throws Exception {
        Recorded.Frames frames = new Recorded.Frames();
        try (CaptureReader reader = CaptureReader.open("test.pcap", in)) {
            reader.readFrames(frames);
        }
        return frames;
    }

    @Test
    void microsecondLittleEndian() throws Exception {
        byte[] file = PcapBuilder.micros(ByteOrder.LITTLE_ENDIAN, 1).record(1_700_000_000L, 123_456, FRAME).bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(1_700_000_000_123_456_000L, f.timeNanos());
        assertArrayEquals(FRAME, f.data());
        assertEquals(1, f.linkType());
    }

    @Test
    void microsecondBigEndian() throws Exception {
        byte[] file = PcapBuilder.micros(ByteOrder.BIG_ENDIAN, 1).record(1_700_000_000L, 999_999, FRAME, 1500).bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(1_700_000_000_999_999_000L, f.timeNanos());
        assertEquals(FRAME.length, f.capLen());
        assertEquals(1500, f.origLen());
    }

    @Test
    void nanosecondLittleEndian() throws Exception {
        byte[] file = PcapBuilder.nanos(ByteOrder.LITTLE_ENDIAN, 1).record(1_700_000_000L, 123_456_789, FRAME).bytes();
        assertEquals(1_700_000_000_123_456_789L, readAll(file).frames().get(0).timeNanos());
    }

    @Test
    void nanosecondBigEndian() throws Exception {
        byte[] file = PcapBuilder.nanos(ByteOrder.BIG_ENDIAN, 228).record(1_700_000_000L, 1, FRAME).bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(1_700_000_000_000_000_001L, f.timeNanos());
        assertEquals(228, f.linkType());
    }

    @Test
    void secondsAreUnsignedPast2038() throws Exception {
        byte[] file = PcapBuilder.ethernet().record(0xF000_0000L, 0, FRAME).bytes();
        assertEquals(0xF000_0000L * 1_000_000_000L, readAll(file).frames().get(0).timeNanos());
    }

    @Test
    void kuznetzovModifiedPcapHasLongerRecordHeaders() throws Exception {
        byte[] file = PcapBuilder.modified(ByteOrder.LITTLE_ENDIAN, 1).record(5, 6, FRAME).record(7, 8, FRAME).bytes();
        Recorded.Frames frames = readAll(file);
        assertArrayEquals(new long[] {5_000_006_000L, 7_000_008_000L}, frames.times());
        assertArrayEquals(FRAME, frames.frames().get(1).data());
    }

    @Test
    void fcsBitsInTheLinkTypeFieldAreIgnored() throws Exception {
        // pcap spec: bits 28-31 FCS length, bit 26 "F": link type is the low 16 bits.
        byte[] file = PcapBuilder.micros(ByteOrder.LITTLE_ENDIAN, 0x1400_0001).record(1, 0, FRAME).bytes();
        assertEquals(1, readAll(file).frames().get(0).linkType());
    }

    @Test
    void headerOnlyFileHasNoFrames() throws Exception {
        assertEquals(0, readAll(PcapBuilder.ethernet().bytes()).frames().size());
    }

    @Test
    void zeroLengthRecordIsAFrame() throws Exception {
        Recorded.Frames frames = readAll(PcapBuilder.ethernet().record(1, 0, new byte[0]).record(2, 0, FRAME).bytes());
        assertArrayEquals(new long[] {1, 2}, frames.numbers());
        assertEquals(0, frames.frames().get(0).capLen());
    }

    @Test
    void framesAreNumberedFromTheFirstFrameNumber() throws Exception {
        byte[] file = PcapBuilder.ethernet().record(1, 0, FRAME).record(2, 0, FRAME).bytes();
        Recorded.Frames frames = new Recorded.Frames();
        try (CaptureReader reader = CaptureReader.open("x", new ByteArrayInputStream(file))) {
            reader.firstFrameNumber(100);
            assertEquals(2, reader.readFrames(frames));
            assertEquals(102, reader.nextFrameNumber());
            assertEquals(new CaptureStats(2, 2L * FRAME.length, 0, 0, 0, 0), reader.stats());
        }
        assertArrayEquals(new long[] {100, 101}, frames.numbers());
    }

    /** A pipe hands out whatever it has: one byte per read is the worst case. */
    @Test
    void streamThatGivesOneByteAtATimeReadsTheSame() throws Exception {
        byte[] file = manyRecords(50, new Random(1));
        Recorded.Frames whole = readAll(file);
        Recorded.Frames trickled = readAll(new OneByteAtATime(file));
        assertArrayEquals(whole.times(), trickled.times());
        for (int i = 0; i < whole.frames().size(); i++) {
            assertArrayEquals(whole.frames().get(i).data(), trickled.frames().get(i).data());
        }
    }

    /** Records straddle the end of a small buffer many times, so it is compacted and refilled under them. */
    @Test
    void recordsAcrossBufferRefillsAreWhole() throws Exception {
        Random random = new Random(2);
        PcapBuilder b = PcapBuilder.ethernet();
        byte[][] frames = new byte[3000][];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = new byte[random.nextInt(1600)];
            random.nextBytes(frames[i]);
            b.record(i, 0, frames[i]);
        }
        Recorded.Frames got = new Recorded.Frames();
        int buffer = PcapngReader.MAX_BLOCK;
        try (CaptureReader reader = CaptureReader.open("big", new ByteArrayInputStream(b.bytes()), buffer)) {
            reader.readFrames(got);
        }
        assertEquals(frames.length, got.frames().size());
        for (int i = 0; i < frames.length; i++) {
            assertArrayEquals(frames[i], got.frames().get(i).data(), "frame " + (i + 1));
        }
    }

    @Test
    void recordOfTheLargestAllowedLengthIsRead() throws Exception {
        byte[] big = new byte[FormatReader.MAX_FRAME];
        big[big.length - 1] = 7;
        Recorded.Frames frames = readAll(PcapBuilder.ethernet().record(1, 0, big).bytes());
        assertArrayEquals(big, frames.frames().get(0).data());
    }

    @Test
    void gzipStreamIsRecognisedByMagicWhateverItsName() throws Exception {
        byte[] file = manyRecords(20, new Random(3));
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(file);
        }
        assertArrayEquals(readAll(file).times(), readAll(gz.toByteArray()).times());
    }

    static byte[] manyRecords(int count, Random random) {
        PcapBuilder b = PcapBuilder.nanos(ByteOrder.BIG_ENDIAN, 1);
        for (int i = 0; i < count; i++) {
            byte[] frame = new byte[random.nextInt(200)];
            random.nextBytes(frame);
            b.record(1_700_000_000L + i, random.nextInt(1_000_000_000), frame);
        }
        return b.bytes();
    }

    static final class OneByteAtATime extends InputStream {
        private final ByteArrayInputStream in;

        OneByteAtATime(byte[] data) {
            in = new ByteArrayInputStream(data);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : in.read(b, off, 1);
        }
    }
}
