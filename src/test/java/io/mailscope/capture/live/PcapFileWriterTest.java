package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapFileWriterTest {
    @TempDir
    Path dir;

    @Test
    void fileHeaderIsNanosecondPcapWithLinkTypeAndSnaplen() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapFileWriter.to(out, 276, 65535).close();
        assertEquals("4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "14010000",
                HexFormat.of().formatHex(out.toByteArray()));
    }

    @Test
    void recordHoldsSecondsNanosLengthsAndBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapFileWriter w = PcapFileWriter.to(out, 1, 262144)) {
            byte[] buf = {9, 9, 1, 2, 3, 9};
            w.frame(1, 1_700_000_000_123_456_789L, 1, buf, 2, 3, 60);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        assertEquals(1_700_000_000, b.getInt());
        assertEquals(123_456_789, b.getInt());
        assertEquals(3, b.getInt());
        assertEquals(60, b.getInt());
        byte[] data = new byte[3];
        b.get(data);
        assertArrayEquals(new byte[] {1, 2, 3}, data);
        assertEquals(0, b.remaining());
    }

    @Test
    void frameLongerThanSnaplenIsCutToIt() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapFileWriter w = PcapFileWriter.to(out, 1, 4)) {
            w.frame(1, 0, 1, new byte[10], 0, 10, 10);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24 + 8);
        assertEquals(4, b.getInt());
        assertEquals(10, b.getInt());
        assertEquals(4, b.remaining());
    }

    @Test
    void framesLargerThanTheBufferAndManySmallOnesAllArriveInOrder() throws IOException {
        Path file = dir.resolve("big.pcap");
        byte[] big = new byte[200_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        try (PcapFileWriter w = PcapFileWriter.create(file, 1, 262144)) {
            for (int i = 0; i < 5000; i++) {
                w.frame(i + 1, i, 1, big, i % 100, 40, 40);
            }
            w.frame(5001, 5000, 1, big, 0, big.length, big.length);
            w.frame(5002, 5001, 1, big, 7, 41, 41);
            assertEquals(5002, w.framesWritten());
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        for (int i = 0; i < 5002; i++) {
            assertEquals(0, b.getInt());
            assertEquals(i, b.getInt(), "record " + i);
            int len = b.getInt();
            b.getInt();
            int expectedOffset = i < 5000 ? i % 100 : i == 5000 ? 0 : 7;
            assertEquals(big[expectedOffset], b.get(b.position()), "first byte of record " + i);
            b.position(b.position() + len);
        }
        assertEquals(0, b.remaining());
    }

    @Test
    void negativeTimeBeforeTheEpochSplitsIntoWholeSecondsAndNanos() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapFileWriter w = PcapFileWriter.to(out, 1, 100)) {
            w.frame(1, -1, 1, new byte[1], 0, 1, 1);
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        b.position(24);
        assertEquals(-1, b.getInt());
        assertEquals(999_999_999, b.getInt());
    }

    @Test
    void framesAfterCloseAreCountedNotWritten() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapFileWriter w = PcapFileWriter.to(out, 1, 100);
        w.frame(1, 0, 1, new byte[5], 0, 5, 5);
        w.close();
        w.close();
        w.frame(2, 0, 1, new byte[5], 0, 5, 5);
        assertEquals(24 + 16 + 5, out.size());
        assertEquals(1, w.framesWritten());
        assertEquals(1, w.framesAfterClose());
    }

    @Test
    void writeErrorNeverReachesTheCaptureAndIsReportedOnClose() throws IOException {
        OutputStream failing = new OutputStream() {
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
        PcapFileWriter w = PcapFileWriter.to(failing, 1, 262144);
        byte[] frame = new byte[100_000];
        w.frame(1, 0, 1, frame, 0, frame.length, frame.length); // does not throw
        w.frame(2, 0, 1, frame, 0, frame.length, frame.length);
        IOException e = assertThrows(IOException.class, w::close);
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
    }
}
