package io.mailscope.capture;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Corrupt data in the middle of a .pcap.gz: every frame that decompresses before the damage is delivered, then
 * the fault (which may also be what the garbage decoded just before the damage looks like). (A plain GZIPInputStream read in 4 MiB calls threw all of them away.)
 */
class GzipDamageTest {
    @Test
    void framesBeforeCorruptDeflateDataAreDelivered() throws Exception {
        PcapBuilder b = PcapBuilder.ethernet();
        for (int i = 0; i < 400; i++) {
            b.record(i, 0, Packets.ethernet(0x0800, Packets.ipv4(6, Packets.tcp(Packets.ascii("a" + i + " NOOP " + "x".repeat(i % 50) + "\r\n")))));
        }
        byte[] pcap = b.bytes();
        byte[] gz = BadCaptureInputTest.gzip(pcap);
        int tried = 0;
        for (int at = gz.length / 2; at < gz.length - 8 && tried < 20; at += 7) {
            byte[] damaged = gz.clone();
            damaged[at] ^= 0x10;
            int good = decompressibleBytes(damaged, pcap);
            if (good < 0) {
                continue; // the damage is not a data error (found only by the CRC, or not at all)
            }
            tried++;
            long whole = recordsWithin(pcap, good);
            BadCaptureInputTest.Failure f = BadCaptureInputTest.read(damaged);
            long delivered = f.delivered().frames().size();
            assertTrue(delivered >= whole && whole > 100, "byte " + at + ": " + delivered + " frames delivered, "
                    + good + " bytes decompress before the damage");
            assertEquals(delivered + 1, f.error().frame(), f.error().getMessage());
        }
        assertTrue(tried >= 5, "data errors made: " + tried);
    }

    /** Records of a little-endian pcap that end within its first {@code length} bytes. */
    private static long recordsWithin(byte[] pcap, int length) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long n = 0;
        for (int at = 24; at + 16 <= pcap.length && at + 16 + b.getInt(at + 8) <= length; at += 16 + b.getInt(at + 8)) {
            n++;
        }
        return n;
    }

    /** How many bytes decompress, one at a time, before a data error; -1 if there is none. */
    private static int decompressibleBytes(byte[] gz, byte[] original) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            for (int c; (c = in.read()) >= 0; ) {
                out.write(c);
            }
        } catch (ZipException e) {
            if (e.getMessage() != null && e.getMessage().contains("trailer")) {
                return -1;
            }
            byte[] got = out.toByteArray();
            int same = Arrays.mismatch(got, original);
            return same < 0 ? got.length : same;
        }
        return -1;
    }
}
