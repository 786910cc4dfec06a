package io.mailscope.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Streams frames into a little-endian pcap (microseconds) or pcapng file (one section, one Ethernet interface)
 * through one 1 MiB buffer: memory stays the same however many frames are written.
 */
public final class CaptureWriter implements Closeable {
    /** The file formats the writer produces. */
    public enum Format { PCAP, PCAPNG }

    static final int LINKTYPE_ETHERNET = 1;
    static final int SNAPLEN = 262_144;
    private static final int BUFFER = 1 << 20;

    private final OutputStream out;
    private final Format format;
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private long frames;
    private long bytesWritten;

    public CaptureWriter(OutputStream out, Format format) throws IOException {
        this.out = out;
        this.format = format;
        if (format == Format.PCAP) {
            u32(0xa1b2c3d4);
            u16(2);
            u16(4);
            u32(0); // thiszone
            u32(0); // sigfigs
            u32(SNAPLEN);
            u32(LINKTYPE_ETHERNET);
        } else {
            // Section header block: no options, section length unknown (-1).
            u32(0x0A0D0D0A);
            u32(28);
            u32(0x1A2B3C4D);
            u16(1);
            u16(0);
            u32(-1);
            u32(-1);
            u32(28);
            // Interface description block: Ethernet, default microsecond timestamps.
            u32(1);
            u32(20);
            u16(LINKTYPE_ETHERNET);
            u16(0);
            u32(SNAPLEN);
            u32(20);
        }
    }

    /** Appends one whole frame ({@code len} bytes captured and on the wire) stamped {@code timeNanos}. */
    public void frame(long timeNanos, byte[] frame, int len) throws IOException {
        int padded = (len + 3) & ~3;
        int record = format == Format.PCAP ? 16 + len : 32 + padded;
        if (BUFFER - pos < record) {
            flushBuffer();
        }
        long micros = timeNanos / 1000;
        if (format == Format.PCAP) {
            u32((int) (micros / 1_000_000));
            u32((int) (micros % 1_000_000));
            u32(len);
            u32(len);
            System.arraycopy(frame, 0, buf, pos, len);
            pos += len;
        } else {
            u32(6); // enhanced packet block
            u32(record);
            u32(0); // interface 0
            u32((int) (micros >>> 32));
            u32((int) micros);
            u32(len);
            u32(len);
            System.arraycopy(frame, 0, buf, pos, len);
            for (int i = len; i < padded; i++) {
                buf[pos + i] = 0;
            }
            pos += padded;
            u32(record);
        }
        frames++;
    }

    public long frames() {
        return frames;
    }

    /** Bytes written so far, headers included (the file size once closed). */
    public long bytes() {
        return bytesWritten + pos;
    }

    private void u16(int v) {
        buf[pos++] = (byte) v;
        buf[pos++] = (byte) (v >>> 8);
    }

    private void u32(int v) {
        buf[pos++] = (byte) v;
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 24);
    }

    private void flushBuffer() throws IOException {
        out.write(buf, 0, pos);
        bytesWritten += pos;
        pos = 0;
    }

    @Override
    public void close() throws IOException {
        try {
            flushBuffer();
        } finally {
            out.close();
        }
    }
}
