package io.mailscope.capture;

import static io.mailscope.capture.Packets.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Every way a capture can be broken ends in one {@link CaptureFormatException} whose one-line message names the
 * file, the frame and the byte offset, after every frame before the fault has been delivered.
 */
class BadCaptureInputTest {
    static final String FILE = "broken.cap";
    static final byte[] FRAME = PcapFormatTest.FRAME;

    /** What a failed read delivered before failing, and how it failed. */
    record Failure(Recorded.Frames delivered, CaptureFormatException error) {
        Failure expect(long frame, long offset, String... words) {
            String message = error.getMessage();
            assertEquals(FILE, error.file());
            assertEquals(frame, error.frame(), message);
            assertEquals(offset, error.offset(), message);
            assertTrue(message.startsWith(FILE + ": frame " + frame + " at byte offset " + offset + ": "), message);
            assertFalse(message.contains("\n"), message);
            for (String word : words) {
                assertTrue(message.contains(word), "'" + word + "' missing from: " + message);
            }
            assertArrayEquals(java.util.stream.LongStream.range(1, frame).toArray(), delivered.numbers(),
                    "every frame before the fault is delivered");
            return this;
        }
    }

    static Failure read(byte[] file) {
        Recorded.Frames frames = new Recorded.Frames();
        CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> {
            try (CaptureReader reader = CaptureReader.open(FILE, new ByteArrayInputStream(file))) {
                reader.readFrames(frames);
            }
        });
        return new Failure(frames, e);
    }

    static PcapBuilder twoGoodRecords() {
        return PcapBuilder.ethernet().record(1, 0, FRAME).record(2, 0, FRAME);
    }

    static PcapngBuilder twoGoodPackets() {
        return new PcapngBuilder().section().iface(1).epb(0, 1, FRAME).epb(0, 2, FRAME);
    }

    // --- not a capture at all

    @Test
    void emptyFile() {
        read(new byte[0]).expect(1, 0, "empty file");
    }

    @Test
    void textFileSaysWhatItStartsWith() {
        read(ascii("GET / HTTP/1.1\r\n")).expect(1, 0, "not a pcap or pcapng capture", "47 45 54 20", "\"GET / HT\"");
    }

    @Test
    void fileShorterThanAnyMagic() {
        read(new byte[] {(byte) 0xd4, (byte) 0xc3}).expect(1, 0, "only 2 bytes", "d4 c3");
    }

    @Test
    void gzipOfSomethingElse() throws Exception {
        read(gzip(ascii("just text, not a capture"))).expect(1, 0, "not a pcap or pcapng capture", "\"just tex\"");
    }

    // --- pcap

    @Test
    void pcapHeaderCutShort() {
        read(Arrays.copyOf(PcapBuilder.ethernet().bytes(), 10)).expect(1, 0, "pcap file header cut short", "10 of 24");
    }

    @Test
    void pcapOfAnUnknownVersion() {
        byte[] file = PcapBuilder.ethernet().bytes();
        file[4] = 9;
        read(file).expect(1, 4, "pcap version 9.4");
    }

    @Test
    void pcapLastRecordHeaderCutShort() {
        PcapBuilder b = twoGoodRecords();
        int at = b.size();
        read(b.raw(new byte[7]).bytes()).expect(3, at, "record header cut short", "7 of 16");
    }

    @Test
    void pcapLastRecordDataCutShort() {
        PcapBuilder b = twoGoodRecords();
        int at = b.size();
        read(b.recordHeader(3, 0, 100, 100).raw(new byte[40]).bytes())
                .expect(3, at, "record length 100 is larger than the rest of the file (40 bytes)");
    }

    @Test
    void pcapRecordLengthOverTheLimit() {
        PcapBuilder b = twoGoodRecords();
        int at = b.size();
        read(b.recordHeader(3, 0, 300_000, 300_000).raw(new byte[1000]).bytes())
                .expect(3, at, "record length 300000", "262144-byte limit");
    }

    @Test
    void pcapOfAnUnsupportedLinkTypeFailsAtItsFirstFrame() {
        byte[] file = PcapBuilder.micros(ByteOrder.LITTLE_ENDIAN, 147).record(1, 0, FRAME).bytes();
        read(file).expect(1, 24, "link type 147", "USER0", "pcap file header", "not supported");
    }

    // --- pcapng

    @Test
    void pcapngBadByteOrderMagic() {
        byte[] file = twoGoodPackets().bytes();
        file[8] = 0x11;
        read(file).expect(1, 8, "byte-order magic");
    }

    @Test
    void pcapngBlockLengthNotAMultipleOfFour() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        read(b.blockWithLengths(6, new byte[40], 50, 50).bytes()).expect(3, at, "block length 50", "multiple of 4");
    }

    @Test
    void pcapngBlockLengthSmallerThanTwelve() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        read(b.blockWithLengths(6, new byte[40], 8, 8).bytes()).expect(3, at, "block length 8", "12-byte minimum");
    }

    @Test
    void pcapngTrailingLengthDiffersFromLeading() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        read(b.blockWithLengths(6, new byte[40], 52, 48).bytes())
                .expect(3, at, "trailing block length 48", "leading length 52");
    }

    @Test
    void pcapngPacketBlockLargerThanTheLimit() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        int huge = PcapngReader.MAX_BLOCK + 4;
        read(b.blockWithLengths(6, new byte[40], huge, huge).bytes())
                .expect(3, at, "block length " + huge, "enhanced packet", "limit");
    }

    @Test
    void pcapngLastBlockCutShort() {
        byte[] whole = twoGoodPackets().epb(0, 3, FRAME).bytes();
        int at = twoGoodPackets().size();
        read(Arrays.copyOf(whole, whole.length - 10)).expect(3, at, "cut short", "enhanced packet");
    }

    @Test
    void pcapngLastBlockHeaderCutShort() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        read(b.raw(new byte[5]).bytes()).expect(3, at, "block header cut short", "5 of 8");
    }

    @Test
    void pcapngCapturedLengthOverrunsItsBlock() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        ByteBuffer body = ByteBuffer.allocate(20 + 64).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(0).putInt(0).putInt(3).putInt(200).putInt(200);
        read(b.block(6, body.array()).bytes()).expect(3, at, "captured length 200 overruns");
    }

    @Test
    void pcapngCapturedLengthOverTheFrameLimit() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        ByteBuffer body = ByteBuffer.allocate(20 + 64).order(ByteOrder.LITTLE_ENDIAN);
        body.putInt(0).putInt(0).putInt(3).putInt(300_000).putInt(300_000);
        read(b.block(6, body.array()).bytes()).expect(3, at, "captured length 300000", "262144-byte limit");
    }

    @Test
    void pcapngPacketOfAnUndescribedInterface() {
        PcapngBuilder b = twoGoodPackets();
        int at = b.size();
        read(b.epb(3, 3, FRAME).bytes()).expect(3, at, "interface 3", "only 1 interface");
    }

    @Test
    void pcapngInterfacesAreForgottenAtANewSection() {
        PcapngBuilder b = twoGoodPackets().section();
        int at = b.size();
        read(b.epb(0, 3, FRAME).bytes()).expect(3, at, "interface 0", "no interface");
    }

    @Test
    void pcapngSimplePacketWithoutAnyInterface() {
        PcapngBuilder b = new PcapngBuilder().section();
        int at = b.size();
        read(b.spb(FRAME, FRAME.length).bytes()).expect(1, at, "interface 0", "no interface");
    }

    @Test
    void pcapngUnsupportedLinkTypeFailsAtTheFirstPacketOfItsInterface() {
        PcapngBuilder b = twoGoodPackets();
        int described = b.size();
        b.iface(189).epb(0, 3, FRAME);
        int at = b.size();
        read(b.epb(1, 4, FRAME).bytes())
                .expect(4, at, "link type 189", "USB_LINUX", "interface 1 described at byte offset " + described);
    }

    @Test
    void pcapngOfAnUnknownVersion() {
        byte[] file = twoGoodPackets().bytes();
        file[12] = 2;
        read(file).expect(1, 0, "pcapng version 2.0");
    }

    // --- gzip

    @Test
    void gzipCutShortAfterSomeFrames() throws Exception {
        PcapBuilder b = PcapBuilder.ethernet();
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            byte[] frame = new byte[500];
            random.nextBytes(frame); // incompressible, so the cut lands after some whole frames
            b.record(i, 0, frame);
        }
        byte[] gz = gzip(b.bytes());
        Failure f = read(Arrays.copyOf(gz, gz.length / 2));
        long frame = f.error().frame();
        assertTrue(frame > 1 && frame < 200, f.error().getMessage());
        f.expect(frame, f.error().offset(), "cut short");
    }

    @Test
    void gzipHeaderCutShort() {
        read(new byte[] {0x1f, (byte) 0x8b, 8}).expect(1, 0, "gzip data is corrupt or cut short");
    }

    @Test
    void pcapngWithMoreInterfacesThanAnySectionNeeds() {
        PcapngBuilder b = new PcapngBuilder().section();
        for (int i = 0; i < PcapngReader.MAX_INTERFACES; i++) {
            b.iface(1);
        }
        int at = b.size();
        read(b.iface(1).bytes()).expect(1, at, "more than 65536 interfaces");
    }

    static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
