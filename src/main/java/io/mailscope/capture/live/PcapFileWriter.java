package io.mailscope.capture.live;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.mailscope.capture.FrameSink;

/**
 * Writes frames to a classic pcap file with nanosecond timestamps (magic a1b23c4d, version 2.4, little-endian),
 * the link type and snaplen of the live handle: what {@code mailscope live -w FILE} saves.
 *
 * <p>Why our own writer and not libpcap's pcap_dump through pcap4j: pcap4j's dumper costs a JNA call per packet
 * (and copies the packet back into native memory we just copied it out of), whereas this one appends to a
 * Java buffer; and the format is small and fixed, so we can prove in a test, byte by byte, that our own
 * CaptureReader reads back exactly what we wrote.
 *
 * <p>Threading: {@link #frame} runs on the capture thread; {@link #close} may be called from any thread,
 * including a shutdown hook during Ctrl-C while frames are still arriving. Both hold one lock, so a record is
 * never cut in half: the file always ends on a record boundary, and frames arriving after close are ignored
 * (counted in {@link #framesAfterClose()}). A write error (disk full) never throws into the capture: writing stops,
 * the error is kept and rethrown by {@link #close}.
 */
public final class PcapFileWriter implements FrameSink, AutoCloseable {
    /** pcap magic for nanosecond timestamps; written little-endian, as libpcap does on x86. */
    public static final int MAGIC_NANOS = 0xa1b23c4d;
    static final int FILE_HEADER_BYTES = 24;
    static final int RECORD_HEADER_BYTES = 16;
    private static final int BUFFER_BYTES = 1 << 16;

    private final Path path;
    private final OutputStream out;
    private final int snaplen;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int used;
    private long framesWritten;
    private long framesAfterClose;
    private boolean closed;
    private IOException error;

    private PcapFileWriter(Path path, OutputStream out, int linkType, int snaplen) throws IOException {
        this.path = path;
        this.out = out;
        this.snaplen = snaplen;
        putInt(MAGIC_NANOS);
        putShort(2);
        putShort(4);
        putInt(0); // thiszone: timestamps are UTC
        putInt(0); // sigfigs
        putInt(snaplen);
        putInt(linkType);
        flushBuffer();
    }

    /** Creates (or truncates) the file and writes the file header. */
    public static PcapFileWriter create(Path path, int linkType, int snaplen) throws IOException {
        OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        try {
            return new PcapFileWriter(path, out, linkType, snaplen);
        } catch (IOException e) {
            out.close();
            throw e;
        }
    }

    /** For tests and pipes: writes to any stream, which {@link #close} closes. */
    public static PcapFileWriter to(OutputStream out, int linkType, int snaplen) throws IOException {
        return new PcapFileWriter(null, out, linkType, snaplen);
    }

    /** Appends one record. The frame number and link type are not stored per record in classic pcap. */
    @Override
    public synchronized void frame(long frameNumber, long timeNanos, int linkType, byte[] data, int offset,
                                   int capLen, int origLen) {
        if (closed || error != null) {
            framesAfterClose += closed ? 1 : 0;
            return;
        }
        int len = Math.min(capLen, snaplen);
        try {
            if (used + RECORD_HEADER_BYTES > buf.length) {
                flushBuffer();
            }
            putInt((int) Math.floorDiv(timeNanos, 1_000_000_000L));
            putInt((int) Math.floorMod(timeNanos, 1_000_000_000L));
            putInt(len);
            putInt(Math.max(origLen, len));
            if (used + len <= buf.length) {
                System.arraycopy(data, offset, buf, used, len);
                used += len;
            } else {
                flushBuffer();
                out.write(data, offset, len);
            }
            framesWritten++;
        } catch (IOException e) {
            error = e;
        }
    }

    /** Pushes buffered records to the operating system, so a reader sees every frame so far. */
    public synchronized void flush() throws IOException {
        if (closed) {
            return;
        }
        flushBuffer();
        out.flush();
    }

    /** Flushes and closes; safe to call more than once and from a shutdown hook. Rethrows a write error seen earlier. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (error == null) {
                flushBuffer();
                out.flush();
            }
        } catch (IOException e) {
            error = e;
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                if (error == null) {
                    error = e;
                }
            }
        }
        if (error != null) {
            throw new IOException((path == null ? "capture file" : path.toString()) + ": " + error.getMessage(), error);
        }
    }

    public synchronized long framesWritten() {
        return framesWritten;
    }

    public synchronized long framesAfterClose() {
        return framesAfterClose;
    }

    private void flushBuffer() throws IOException {
        if (used > 0) {
            out.write(buf, 0, used);
            used = 0;
        }
    }

    private void putInt(int v) {
        buf[used] = (byte) v;
        buf[used + 1] = (byte) (v >>> 8);
        buf[used + 2] = (byte) (v >>> 16);
        buf[used + 3] = (byte) (v >>> 24);
        used += 4;
    }

    private void putShort(int v) {
        buf[used] = (byte) v;
        buf[used + 1] = (byte) (v >>> 8);
        used += 2;
    }
}
