package io.mailscope.capture;

import static io.mailscope.capture.Packets.ascii;
import static io.mailscope.capture.Packets.ethernet;
import static io.mailscope.capture.Packets.ipv4;
import static io.mailscope.capture.Packets.ipv6;
import static io.mailscope.capture.Packets.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** pcapng, built block by block: sections, interfaces, timestamp units, every packet block, skipped blocks. */
class PcapngFormatTest {
    static final byte[] ETHER_FRAME = ethernet(0x0800, ipv4(6, tcp(ascii("hello"))));
    static final byte[] RAW6_FRAME = ipv6(6, tcp(ascii("hi")));
    static final long T = 1_700_000_000L;

    static Recorded.Frames readAll(byte[] file) throws Exception {
        Recorded.Frames frames = new Recorded.Frames();
        try (CaptureReader reader = CaptureReader.open("test.pcapng", new ByteArrayInputStream(file))) {
            reader.readFrames(frames);
        }
        return frames;
    }

    @Test
    void enhancedPacketWithoutTsresolIsInMicroseconds() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1).epb(0, T * 1_000_000 + 42, ETHER_FRAME, 1514).bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(T * 1_000_000_000 + 42_000, f.timeNanos());
        assertArrayEquals(ETHER_FRAME, f.data());
        assertEquals(1514, f.origLen());
        assertEquals(1, f.linkType());
    }

    @Test
    void bigEndianSection() throws Exception {
        byte[] file = new PcapngBuilder().section(ByteOrder.BIG_ENDIAN).iface(1, 65535, 9, null)
                .epb(0, T * 1_000_000_000 + 7, ETHER_FRAME).bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(T * 1_000_000_000 + 7, f.timeNanos());
        assertArrayEquals(ETHER_FRAME, f.data());
    }

    @Test
    void tsresolAsAPowerOfTen() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1, 0, 3, null).epb(0, T * 1000 + 5, ETHER_FRAME).bytes();
        assertEquals(T * 1_000_000_000 + 5_000_000, readAll(file).frames().get(0).timeNanos());
    }

    @Test
    void tsresolAsAPowerOfTwo() throws Exception {
        // 0x80 | 10: units of 2^-10 s; 1.5 s is 1536 units.
        byte[] file = new PcapngBuilder().section().iface(1, 0, 0x80 | 10, null).epb(0, 1536, ETHER_FRAME).bytes();
        assertEquals(1_500_000_000L, readAll(file).frames().get(0).timeNanos());
    }

    @Test
    void tsoffsetAddsSeconds() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1, 0, 6, T).epb(0, 2_000_001, ETHER_FRAME).bytes();
        assertEquals((T + 2) * 1_000_000_000 + 1_000, readAll(file).frames().get(0).timeNanos());
    }

    @Test
    void malformedInterfaceOptionEndsTheOptionsNotTheFile() throws Exception {
        // if_tsresol claims 200 bytes inside a 4-byte option area: options are ignored, the default (µs) holds.
        java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        body.putShort((short) 1).putShort((short) 0).putInt(0).putShort((short) 9).putShort((short) 200);
        byte[] file = new PcapngBuilder().section().block(PcapngReader.INTERFACE_DESCRIPTION, body.array())
                .epb(0, 3, ETHER_FRAME).bytes();
        assertEquals(3_000, readAll(file).frames().get(0).timeNanos());
    }

    @Test
    void interfacesWithDifferentLinkTypesAndResolutions() throws Exception {
        byte[] file = new PcapngBuilder().section()
                .iface(1, 0, 6, null)
                .iface(229, 0, 9, null)
                .epb(1, 5, RAW6_FRAME)
                .epb(0, 5, ETHER_FRAME)
                .bytes();
        Recorded.Frames frames = readAll(file);
        assertArrayEquals(new int[] {229, 1}, frames.linkTypes());
        assertArrayEquals(new long[] {5, 5_000}, frames.times());
        assertArrayEquals(RAW6_FRAME, frames.frames().get(0).data());
    }

    @Test
    void aNewSectionStartsANewInterfaceListAndByteOrder() throws Exception {
        byte[] file = new PcapngBuilder()
                .section().iface(1).iface(1).epb(1, 1, ETHER_FRAME)
                .section(ByteOrder.BIG_ENDIAN).iface(229, 0, 9, null).epb(0, 2, RAW6_FRAME)
                .bytes();
        Recorded.Frames frames = readAll(file);
        assertArrayEquals(new int[] {1, 229}, frames.linkTypes());
        assertArrayEquals(new long[] {1_000, 2}, frames.times());
        assertArrayEquals(new long[] {1, 2}, frames.numbers());
    }

    @Test
    void simplePacketBlockUsesInterfaceZeroAndTheLastTimestamp() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1, 0, 9, null)
                .epb(0, 77, ETHER_FRAME)
                .spb(ETHER_FRAME, ETHER_FRAME.length)
                .bytes();
        Recorded.Frames frames = readAll(file);
        assertArrayEquals(new long[] {77, 77}, frames.times());
        assertArrayEquals(ETHER_FRAME, frames.frames().get(1).data());
        assertEquals(1, frames.frames().get(1).linkType());
    }

    @Test
    void simplePacketBlockIsCutToTheInterfaceSnaplen() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1, 20, null, null).spb(ETHER_FRAME, ETHER_FRAME.length)
                .bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(20, f.capLen());
        assertEquals(ETHER_FRAME.length, f.origLen());
        assertArrayEquals(java.util.Arrays.copyOf(ETHER_FRAME, 20), f.data());
    }

    @Test
    void simplePacketBlockOriginalLongerThanTheBlockIsCutToTheBlock() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1).spb(ETHER_FRAME, 1514).bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(PcapngBuilder.pad(ETHER_FRAME.length), f.capLen());
        assertEquals(1514, f.origLen());
    }

    @Test
    void obsoletePacketBlock() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1).iface(228).packetBlock(0, 9, ETHER_FRAME).bytes();
        Recorded.Frame f = readAll(file).frames().get(0);
        assertEquals(9_000, f.timeNanos());
        assertArrayEquals(ETHER_FRAME, f.data());
    }

    @Test
    void unknownStatisticsAndCustomBlocksAreSkipped() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(1)
                .block(5, new byte[20]) // interface statistics
                .block(4, new byte[12]) // name resolution
                .block(0x40000BAD, ascii("custom data, any length")) // custom block
                .epb(0, 1, ETHER_FRAME)
                .bytes();
        assertEquals(1, readAll(file).frames().size());
    }

    @Test
    void aSkippedBlockLargerThanAnyFrameIsStreamedPast() throws Exception {
        // e.g. a Decryption Secrets Block with the keys of many TLS sessions
        byte[] secrets = new byte[PcapngReader.MAX_BLOCK + 1000];
        byte[] file = new PcapngBuilder().section().iface(1).block(10, secrets).epb(0, 1, ETHER_FRAME).bytes();
        try (CaptureReader reader = CaptureReader.open("x", new ByteArrayInputStream(file), PcapngReader.MAX_BLOCK)) {
            Recorded.Frames frames = new Recorded.Frames();
            reader.readFrames(frames);
            assertArrayEquals(ETHER_FRAME, frames.frames().get(0).data());
        }
    }

    @Test
    void interfaceDescribedWithAnUnsupportedLinkTypeButNeverUsedIsFine() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(189).iface(1).epb(1, 1, ETHER_FRAME).bytes();
        assertEquals(1, readAll(file).frames().size());
    }

    @Test
    void acceptedLinkTypesCanBeWidenedForRawFrameConsumers() throws Exception {
        byte[] file = new PcapngBuilder().section().iface(189).epb(0, 1, ETHER_FRAME).bytes();
        Recorded.Frames frames = new Recorded.Frames();
        try (CaptureReader reader = CaptureReader.open("x", new ByteArrayInputStream(file))) {
            reader.acceptLinkTypes(linkType -> true);
            reader.readFrames(frames);
        }
        assertArrayEquals(new int[] {189}, frames.linkTypes());
    }
}
