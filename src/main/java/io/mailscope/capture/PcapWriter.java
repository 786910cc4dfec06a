package io.mailscope.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one capture-file writer: {@code mailscope live -w} (pcap, nanoseconds), {@code mailscope bench generate}
 * (pcap in microseconds or pcapng) and the tests that make captures all write through it. Little-endian, as
 * libpcap writes on x86; one link type and snaplen per file; frames streamed through one fixed buffer, so memory
 * stays the same however many frames are written.
 *
 * <p>Why our own writer and not libpcap's pcap_dump through pcap4j: pcap4j's dumper costs a JNA call per packet
 * (and copies the packet back into native memory we just copied it out of), whereas this one appends to a Java
 * buffer; and the formats are small and fixed, so a test can prove, byte by byte, that our own
 * {@link CaptureReader} (and tcpdump) read back exactly what we wrote.
 *
 * <p>Two ways to write a frame, for two kinds of caller. {@link #write} throws on a write error, for a generator
 * that should stop at a full disk. {@link #frame} (the {@link FrameSink} of a live capture) never throws into the
 * capture thread: writing stops, the error is kept and rethrown by {@link #close}.
 *
 * <p>Threading: every method holds one lock, so {@link #close} may come from any thread, including a shutdown hook
 * during Ctrl-C while frames are still arriving: a record is never cut in half, the file always ends on a record
 * boundary, and frames arriving after close are ignored (counted in {@link #framesAfterClose()}). Uncontended, the
 * lock costs a few nanoseconds a frame, which the generator's 1.3 million frames a second do not notice.
 */
public final class PcapWriter implements FrameSink, Closeable {

    /** The file formats written. */
    public enum Format {
        /** Classic pcap with microsecond timestamps (magic a1b2c3d4): what tcpdump writes and every tool reads. */
        PCAP_MICROS(0xa1b2c3d4, 1_000L),
        /** Classic pcap with nanosecond timestamps (magic a1b23c4d): keeps a live capture's full clock. */
        PCAP_NANOS(0xa1b23c4d, 1L),
        /** pcapng: one section, one interface, the default microsecond timestamps (no if_tsresol option). */
        PCAPNG(0, 1_000L);

        final int magic;
        final long nanosPerTick;

        Format(int magic, long nanosPerTick) {
            this.magic = magic;
            this.nanosPerTick = nanosPerTick;
        }

        /** Bytes a record adds besides the captured frame and its padding. */
        int recordOverhead() {
            return this == PCAPNG ? PCAPNG_EPB_BYTES : PCAP_RECORD_BYTES;
        }
    }

    /** The classic pcap file header. */
    public static final int PCAP_FILE_HEADER_BYTES = 24;
    /** A classic pcap record header. */
    public static final int PCAP_RECORD_BYTES = 16;
    /** An enhanced packet block without its packet data: block header, fixed fields and trailing length. */
    static final int PCAPNG_EPB_BYTES = 32;
    static final int BUFFER_BYTES = 1 << 16;
    private static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    private static final int INTERFACE_DESCRIPTION_BLOCK = 1;
    private static final int ENHANCED_PACKET_BLOCK = 6;

    private final String name;
    private final OutputStream out;
    private final Format format;
    private final int snaplen;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int used;
    private long flushedBytes;
    private long frames;
    private long framesAfterClose;
    private boolean closed;
    private IOException error;

    private PcapWriter(String name, OutputStream out, Format format, int linkType, int snaplen) throws IOException {
        if (snaplen <= 0) {
            throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
        }
        this.name = name;
        this.out = out;
        this.format = format;
        this.snaplen = snaplen;
        if (format == Format.PCAPNG) {
            // Section header block: version 1.0, no options, section length unknown (-1).
            putInt(SECTION_HEADER_BLOCK);
            putInt(28);
            putInt(0x1A2B3C4D);
            putShort(1);
            putShort(0);
            putInt(-1);
            putInt(-1);
            putInt(28);
            // Interface description block without options: microsecond timestamps by default.
            putInt(INTERFACE_DESCRIPTION_BLOCK);
            putInt(20);
            putShort(linkType);
            putShort(0);
            putInt(snaplen);
            putInt(20);
        } else {
            putInt(format.magic);
            putShort(2);
            putShort(4);
            putInt(0); // thiszone: timestamps are UTC
            putInt(0); // sigfigs
            putInt(snaplen);
            putInt(linkType);
        }
        flushBuffer();
    }

    /** Creates (or truncates) the file and writes its header. */
    public static PcapWriter create(Path path, Format format, int linkType, int snaplen) throws IOException {
        OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
        try {
            return new PcapWriter(path.toString(), out, format, linkType, snaplen);
        } catch (IOException | RuntimeException e) {
            out.close();
            throw e;
        }
    }

    /** Writes to any stream (a pipe, memory), which {@link #close} closes; the header is written at once. */
    public static PcapWriter to(OutputStream out, Format format, int linkType, int snaplen) throws IOException {
        return new PcapWriter("capture file", out, format, linkType, snaplen);
    }

    /**
     * Appends one frame: {@code capLen} bytes of {@code data} from {@code offset} (cut to the snaplen), of a frame
     * {@code origLen} bytes long on the wire (never less than what is stored), stamped {@code timeNanos} since the
     * epoch and truncated to the format's resolution.
     *
     * @throws IOException the stream failed, or the writer is closed
     */
    public synchronized void write(long timeNanos, byte[] data, int offset, int capLen, int origLen) throws IOException {
        if (closed) {
            throw new IOException(name + ": already closed");
        }
        if (error != null) {
            throw error;
        }
        append(timeNanos, data, offset, capLen, origLen);
    }

    /**
     * The live capture's sink: {@link #write} that never throws. The frame number and link type are not stored
     * per record (the file has one link type, and a reader numbers frames itself).
     */
    @Override
    public synchronized void frame(long frameNumber, long timeNanos, int linkType, byte[] data, int offset, int capLen,
                                   int origLen) {
        if (closed) {
            framesAfterClose++;
            return;
        }
        if (error != null) {
            return;
        }
        try {
            append(timeNanos, data, offset, capLen, origLen);
        } catch (IOException e) {
            error = e;
        }
    }

    private void append(long timeNanos, byte[] data, int offset, int capLen, int origLen) throws IOException {
        int len = Math.min(capLen, snaplen);
        int wire = Math.max(origLen, len);
        long ticks = Math.floorDiv(timeNanos, format.nanosPerTick);
        int padded = format == Format.PCAPNG ? (len + 3) & ~3 : len;
        int record = format.recordOverhead() + padded;
        if (record > buf.length - used) {
            flushBuffer();
        }
        if (format == Format.PCAPNG) {
            putInt(ENHANCED_PACKET_BLOCK);
            putInt(record);
            putInt(0); // interface 0
            putInt((int) (ticks >>> 32));
            putInt((int) ticks);
        } else {
            long perSecond = 1_000_000_000L / format.nanosPerTick;
            putInt((int) Math.floorDiv(ticks, perSecond));
            putInt((int) Math.floorMod(ticks, perSecond));
        }
        putInt(len);
        putInt(wire);
        int trailer = format == Format.PCAPNG ? padded - len + 4 : 0;
        if (used + len + trailer <= buf.length) {
            System.arraycopy(data, offset, buf, used, len);
            used += len;
        } else {
            // Larger than the buffer (a jumbo frame with a big snaplen): the header goes first, the data straight out.
            flushBuffer();
            out.write(data, offset, len);
            flushedBytes += len;
        }
        if (format == Format.PCAPNG) {
            for (int i = len; i < padded; i++) {
                buf[used++] = 0;
            }
            putInt(record);
        }
        frames++;
    }

    /** Pushes buffered records to the operating system, so a reader sees every frame so far. */
    public synchronized void flush() throws IOException {
        if (closed || error != null) {
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
            throw new IOException(name + ": " + error.getMessage(), error);
        }
    }

    /** Frames written (or buffered) so far. */
    public synchronized long frames() {
        return frames;
    }

    /** Frames handed to {@link #frame} after {@link #close}: a capture still running while the file was closed. */
    public synchronized long framesAfterClose() {
        return framesAfterClose;
    }

    /** Bytes written so far, headers and buffered records included: the file's size once closed. */
    public synchronized long bytes() {
        return flushedBytes + used;
    }

    private void flushBuffer() throws IOException {
        if (used > 0) {
            out.write(buf, 0, used);
            flushedBytes += used;
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
