package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import io.mailscope.capture.PcapWriter.Format;

class PcapWriterTest {
    @TempDir
    Path dir;

    /** One frame as a reader hands it over. */
    record Frame(long timeNanos, int linkType, byte[] data, int origLen) {
    }

    @Test
    void nanosecondPcapHeaderHasMagicVersionLinkTypeAndSnaplen() throws Exception {
        assertEquals("4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "14010000",
                hex(Format.PCAP_NANOS, 276, 65535));
    }

    @Test
    void microsecondPcapHeaderIsTcpdumpsDefault() throws Exception {
        assertEquals("d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "00000400" + "01000000",
                hex(Format.PCAP_MICROS, 1, 262144));
    }

    @Test
    void pcapngStartsWithOneSectionAndOneInterfaceWithoutOptions() throws Exception {
        assertEquals("0a0d0d0a" + "1c000000" + "4d3c2b1a" + "0100" + "0000" + "ffffffffffffffff" + "1c000000"
                        + "01000000" + "14000000" + "6500" + "0000" + "00000400" + "14000000",
                hex(Format.PCAPNG, 101, 262144));
    }

    @Test
    void nanosecondRecordHoldsSecondsNanosLengthsAndBytes() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.to(out, Format.PCAP_NANOS, 1, 262144)) {
            byte[] buf = {9, 9, 1, 2, 3, 9};
            w.frame(1, 1_700_000_000_123_456_789L, 1, buf, 2, 3, 60);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(PcapWriter.PCAP_FILE_HEADER_BYTES);
        assertEquals(1_700_000_000, b.getInt());
        assertEquals(123_456_789, b.getInt());
        assertEquals(3, b.getInt());
        assertEquals(60, b.getInt(), "the wire length");
        byte[] data = new byte[3];
        b.get(data);
        assertArrayEquals(new byte[] {1, 2, 3}, data);
        assertEquals(0, b.remaining());
    }

    @Test
    void microsecondRecordTruncatesTheNanoseconds() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.to(out, Format.PCAP_MICROS, 1, 262144)) {
            w.write(1_700_000_000_123_456_789L, new byte[] {7}, 0, 1, 1);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(PcapWriter.PCAP_FILE_HEADER_BYTES);
        assertEquals(1_700_000_000, b.getInt());
        assertEquals(123_456, b.getInt());
    }

    @Test
    void pcapngEnhancedPacketBlockIsPaddedToFourBytesAndCarriesItsLengthTwice() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.to(out, Format.PCAPNG, 1, 262144)) {
            w.write(1_700_000_000_123_456_789L, new byte[] {1, 2, 3, 4, 5}, 0, 5, 70);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(28 + 20);
        assertEquals(6, b.getInt(), "enhanced packet block");
        assertEquals(40, b.getInt(), "32 bytes of block and fields, 5 of data padded to 8");
        assertEquals(0, b.getInt(), "interface 0");
        long micros = (Integer.toUnsignedLong(b.getInt()) << 32) | Integer.toUnsignedLong(b.getInt());
        assertEquals(1_700_000_000_123_456L, micros);
        assertEquals(5, b.getInt());
        assertEquals(70, b.getInt());
        byte[] data = new byte[8];
        b.get(data);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 0, 0, 0}, data);
        assertEquals(40, b.getInt(), "trailing block length");
        assertEquals(0, b.remaining());
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void frameLongerThanSnaplenIsCutToItAndKeepsItsWireLength(Format format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.to(out, format, 1, 4)) {
            w.frame(1, 0, 1, new byte[10], 0, 10, 10);
        }
        List<Frame> back = readBack(out.toByteArray());
        assertEquals(1, back.size());
        assertEquals(4, back.get(0).data().length);
        assertEquals(10, back.get(0).origLen());
    }

    /** What tcpdump wrote, read and written again, is the same file to the byte: the writer is tcpdump's format. */
    @ParameterizedTest
    @CsvSource({"lo-ipv4-usec.pcap, PCAP_MICROS", "lo-ipv4-nsec.pcap, PCAP_NANOS", "lo-ipv6-usec.pcap, PCAP_MICROS",
            "lo-snaplen96.pcap, PCAP_MICROS", "any-sll2.pcap, PCAP_MICROS"})
    void rewritingATcpdumpFileGivesTheSameBytes(String name, Format format) throws Exception {
        byte[] original = Files.readAllBytes(Path.of("src/test/resources/capture", name));
        int snaplen = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getInt(16);
        List<Frame> frames = readBack(original);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.to(out, format, frames.get(0).linkType(), snaplen)) {
            for (Frame f : frames) {
                w.write(f.timeNanos(), f.data(), 0, f.data().length, f.origLen());
            }
            assertEquals(original.length, w.bytes(), "bytes() counts what is still buffered");
        }
        assertArrayEquals(original, out.toByteArray());
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void framesLargerThanTheBufferAndManySmallOnesReadBackInOrder(Format format) throws Exception {
        Path file = dir.resolve("big");
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        List<Frame> written = new ArrayList<>();
        try (PcapWriter w = PcapWriter.create(file, format, 1, 262144)) {
            for (int i = 0; i < 5000; i++) {
                int off = i % 100;
                int len = 40 + i % 5;
                w.frame(i + 1, i * 1000L, 1, big, off, len, len);
                written.add(new Frame(i * 1000L, 1, Arrays.copyOfRange(big, off, off + len), len));
            }
            w.write(5_000_000L, big, 0, big.length, big.length);
            written.add(new Frame(5_000_000L, 1, big.clone(), big.length));
            w.write(5_001_000L, big, 7, 41, 41);
            written.add(new Frame(5_001_000L, 1, Arrays.copyOfRange(big, 7, 48), 41));
            assertEquals(5002, w.frames());
        }
        List<Frame> back = readBack(Files.readAllBytes(file));
        assertEquals(written.size(), back.size());
        for (int i = 0; i < written.size(); i++) {
            assertEquals(written.get(i).timeNanos(), back.get(i).timeNanos(), "time of frame " + (i + 1));
            assertArrayEquals(written.get(i).data(), back.get(i).data(), "bytes of frame " + (i + 1));
            assertEquals(written.get(i).origLen(), back.get(i).origLen());
        }
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void tcpdumpReadsEveryFormatItWrites(Format format) throws Exception {
        Path tcpdump = Path.of("/usr/bin/tcpdump");
        assumeTrue(Files.isExecutable(tcpdump), "tcpdump is not installed");
        Path file = dir.resolve("t." + (format == Format.PCAPNG ? "pcapng" : "pcap"));
        byte[] frame = PcapFormatTest.FRAME; // Ethernet, IPv4, TCP
        try (PcapWriter w = PcapWriter.create(file, format, LinkTypes.ETHERNET, 262144)) {
            w.write(1_700_000_000_000_001_000L, frame, 0, frame.length, frame.length);
            w.write(1_700_000_001_000_002_000L, frame, 0, frame.length, frame.length);
        }
        Process p = new ProcessBuilder(tcpdump.toString(), "-nn", "-tt", "-r", file.toString())
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), text);
        List<String> lines = text.lines().filter(l -> l.startsWith("17000")).toList();
        assertEquals(2, lines.size(), text);
        assertTrue(lines.get(0).startsWith("1700000000.000001 IP "), text);
        assertTrue(lines.get(1).startsWith("1700000001.000002 IP "), text);
    }

    @Test
    void negativeTimeBeforeTheEpochSplitsIntoWholeSecondsAndNanos() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.to(out, Format.PCAP_NANOS, 1, 100)) {
            w.frame(1, -1, 1, new byte[1], 0, 1, 1);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(PcapWriter.PCAP_FILE_HEADER_BYTES);
        assertEquals(-1, b.getInt());
        assertEquals(999_999_999, b.getInt());
    }

    @Test
    void framesAfterCloseAreCountedNotWrittenAndWriteRefusesThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = PcapWriter.to(out, Format.PCAP_NANOS, 1, 100);
        w.frame(1, 0, 1, new byte[5], 0, 5, 5);
        w.close();
        w.close();
        w.frame(2, 0, 1, new byte[5], 0, 5, 5);
        assertEquals(24 + 16 + 5, out.size());
        assertEquals(1, w.frames());
        assertEquals(1, w.framesAfterClose());
        assertThrows(IOException.class, () -> w.write(0, new byte[5], 0, 5, 5));
    }

    @Test
    void flushMakesEveryFrameSoFarVisibleToAReader() throws Exception {
        Path file = dir.resolve("growing.pcap");
        try (PcapWriter w = PcapWriter.create(file, Format.PCAP_NANOS, 1, 100)) {
            w.frame(1, 0, 1, new byte[5], 0, 5, 5);
            w.flush();
            assertEquals(24 + 16 + 5, Files.size(file));
        }
    }

    @Test
    void writeErrorNeverReachesTheCaptureAndIsReportedOnClose() throws Exception {
        PcapWriter w = PcapWriter.to(diskFullAfterTheHeader(), Format.PCAP_NANOS, 1, 262144);
        byte[] frame = new byte[100_000];
        w.frame(1, 0, 1, frame, 0, frame.length, frame.length); // does not throw
        w.frame(2, 0, 1, frame, 0, frame.length, frame.length);
        IOException e = assertThrows(IOException.class, w::close);
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }

    @Test
    void writeErrorStopsAGeneratorAtOnce() throws Exception {
        PcapWriter w = PcapWriter.to(diskFullAfterTheHeader(), Format.PCAP_MICROS, 1, 262144);
        byte[] frame = new byte[100_000];
        IOException e = assertThrows(IOException.class, () -> w.write(0, frame, 0, frame.length, frame.length));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }

    private static OutputStream diskFullAfterTheHeader() {
        return new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written > 0) {
                    throw new IOException("No space left on device");
                }
                written += len;
            }
        };
    }

    private static String hex(Format format, int linkType, int snaplen) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter.to(out, format, linkType, snaplen).close();
        return HexFormat.of().formatHex(out.toByteArray());
    }

    private static List<Frame> readBack(byte[] file) throws Exception {
        List<Frame> frames = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open("written", new ByteArrayInputStream(file))) {
            r.readFrames((n, t, link, buf, off, cap, orig) ->
                    frames.add(new Frame(t, link, Arrays.copyOfRange(buf, off, off + cap), orig)));
        }
        return frames;
    }
}
