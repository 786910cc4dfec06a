package io.mailscope.capture;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file is read ahead on a thread of its own (CaptureInput): whatever the pieces the stream gives and however
 * small the buffer, the frames and faults are exactly those of reading on the caller's thread.
 */
class ReadAheadTest {
    /** Small enough that the buffer is compacted and refilled many times on the bundled captures. */
    private static final int SMALL_BUFFER = PcapngReader.MAX_BLOCK;

    @Test
    void everyBundledCaptureReadsTheSameFramesAndFaultsReadAhead() throws Exception {
        List<Path> files = bundledCaptures();
        assertTrue(files.size() > 200, "captures found: " + files.size());
        Random random = new Random(6);
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            String direct = read(file.toString(), new ByteArrayInputStream(bytes), CaptureInput.BUFFER_SIZE, false);
            assertEquals(direct, read(file.toString(), new ByteArrayInputStream(bytes), SMALL_BUFFER, true), file.toString());
            assertEquals(direct, read(file.toString(), new RealCaptureFilesTest.RandomChunks(bytes, random),
                    SMALL_BUFFER, true), file.toString());
        }
    }

    @Test
    void aCaptureOfManyBuffersReadsTheSameReadAheadFromAFile(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        PcapBuilder b = PcapBuilder.ethernet();
        Random random = new Random(7);
        for (int i = 0; i < 6000; i++) {
            byte[] payload = new byte[random.nextInt(1400)];
            random.nextBytes(payload);
            b.record(i, i * 1000, Packets.ethernet(0x0800, Packets.ipv4(6, Packets.tcp(payload))));
        }
        byte[] bytes = b.bytes();
        assertTrue(bytes.length > 8 * SMALL_BUFFER, "file of " + bytes.length + " bytes");
        Path file = dir.resolve("many.pcap");
        Files.write(file, bytes);
        String direct = read("many.pcap", new ByteArrayInputStream(bytes), SMALL_BUFFER, false);
        assertEquals(direct, read("many.pcap", Files.newInputStream(file), SMALL_BUFFER, true));
        try (CaptureReader reader = CaptureReader.open(file.toString())) {
            Recorded.Frames frames = new Recorded.Frames();
            reader.readFrames(frames);
            assertEquals(6000, frames.frames().size());
        }
    }

    @Test
    void aReadErrorComesAfterEveryByteBeforeItAndTheThreadEnds() throws Exception {
        byte[] good = BadCaptureInputTest.twoGoodRecords().bytes();
        InputStream failing = new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(good);

            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, Math.min(len, 40));
                if (n < 0) {
                    throw new IOException("the disk went away");
                }
                return n;
            }
        };
        Recorded.Frames frames = new Recorded.Frames();
        IOException e = assertThrows(IOException.class, () -> {
            try (CaptureReader reader = CaptureReader.open("failing", failing, SMALL_BUFFER, true)) {
                reader.readFrames(frames);
            }
        });
        assertEquals("the disk went away", e.getMessage());
        assertEquals(2, frames.frames().size(), "both records before the error are delivered");
        assertReadAheadThreadsEnd();
    }

    @Test
    void stoppingBeforeTheEndLeavesNoThreadBehind() throws Exception {
        PcapBuilder b = PcapBuilder.ethernet();
        for (int i = 0; i < 2000; i++) {
            b.record(i, 0, Packets.ethernet(0x0800, Packets.ipv4(6, Packets.tcp(Packets.ascii("x".repeat(1000))))));
        }
        // the analysis fails at frame 5, while the next piece of the file is read ahead
        FrameSink failing = (number, time, linkType, buf, offset, capLen, origLen) -> {
            if (number == 5) {
                throw new IllegalStateException("analysis failed");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            try (CaptureReader reader = CaptureReader.open("x", new ByteArrayInputStream(b.bytes()), SMALL_BUFFER, true)) {
                reader.readFrames(failing);
            }
        });
        assertEquals("analysis failed", e.getMessage());
        assertReadAheadThreadsEnd();
    }

    private static void assertReadAheadThreadsEnd() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (readAheadThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, readAheadThreads(), "read-ahead threads still running");
    }

    private static long readAheadThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("mailscope-read-ahead") && t.isAlive()).count();
    }

    /** Every frame (number, time, lengths, digest of the bytes) and the fault, if any, as one text. */
    private static String read(String name, InputStream in, int buffer, boolean readAhead) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        StringBuilder out = new StringBuilder();
        FrameSink sink = (number, time, linkType, buf, offset, capLen, origLen) -> {
            digest.update(buf, offset, capLen);
            out.append(number).append(' ').append(time).append(' ').append(linkType).append(' ')
                    .append(capLen).append(' ').append(origLen).append('\n');
        };
        try (CaptureReader reader = CaptureReader.open(name, in, buffer, readAhead)) {
            reader.readFrames(sink);
        } catch (CaptureFormatException e) {
            out.append("fault: ").append(e.getMessage()).append('\n');
        }
        return out.append(HexFormat.of().formatHex(digest.digest())).toString();
    }

    static List<Path> bundledCaptures() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String root : List.of("src/test/resources", "samples", "captures")) {
            Path dir = Path.of(root);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.filter(p -> p.getFileName().toString().matches(".*\\.(pcap|pcapng)(\\.gz)?$")).sorted()
                        .forEach(files::add);
            }
        }
        return files;
    }
}
