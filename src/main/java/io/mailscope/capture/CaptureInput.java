package io.mailscope.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.ZipException;

/**
 * The one reusable read buffer under a capture reader: 4 MiB, refilled and compacted in place, so a frame is a
 * slice of it and reading allocates nothing per frame. Offsets are positions in the (decompressed) capture stream.
 */
final class CaptureInput {
    static final int BUFFER_SIZE = 4 << 20;
    /**
     * The most asked of the stream per read. A file's read goes through a native buffer of the size asked, copied
     * again into {@link #buf}: in pieces that fit the core's L2 cache, that copy reads what the kernel just wrote, and
     * the frames are still cached when they are decoded, instead of 4 MiB passing through memory twice.
     */
    static final int READ_SIZE = 256 << 10;
    private static final int GZIP_BUFFER = 64 * 1024;

    private final String name;
    private InputStream in;
    private final boolean gzip;
    /** The gzip stream is made at the first read, so a cut gzip header is reported like any other fault. */
    private boolean gzipPending;
    final byte[] buf;
    /** Next unread byte and end of valid data in {@link #buf}. */
    int pos;
    private int limit;
    /** Stream offset of {@code buf[0]}. */
    private long base;
    private boolean eof;

    CaptureInput(String name, InputStream in, boolean gzip, int bufferSize) {
        this.name = name;
        this.in = in;
        this.gzip = gzip;
        this.gzipPending = gzip;
        this.buf = new byte[bufferSize];
    }

    /** Stream offset of the next unread byte. */
    long offset() {
        return base + pos;
    }

    int available() {
        return limit - pos;
    }

    /**
     * Makes at least {@code n} bytes (at most the buffer size) readable from {@link #pos}.
     *
     * @return false when the stream ends first; {@link #available()} then says how many bytes were left
     * @throws CaptureFormatException when gzip data is corrupt or cut, reported at the frame given
     */
    boolean ensure(int n, long frame) throws IOException, CaptureFormatException {
        if (limit - pos >= n) {
            return true;
        }
        if (eof) {
            return false;
        }
        if (n > buf.length) {
            throw new IllegalArgumentException(n + " bytes do not fit a buffer of " + buf.length);
        }
        if (pos + n > buf.length) {
            compact();
        }
        while (limit - pos < n) {
            int r;
            try {
                if (gzipPending) {
                    gzipPending = false;
                    in = new SalvagingGzipInputStream(in, GZIP_BUFFER);
                }
                r = in.read(buf, limit, Math.min(READ_SIZE, buf.length - limit));
            } catch (ZipException | EOFException e) {
                if (!gzip) {
                    throw e;
                }
                eof = true;
                throw new CaptureFormatException(name, frame, base + limit,
                        "gzip data is corrupt or cut short (" + e.getMessage() + ")");
            }
            if (r < 0) {
                eof = true;
                return false;
            }
            limit += r;
        }
        return true;
    }

    /** Skips {@code n} bytes, which may be more than the buffer holds (streamed through, never kept). */
    boolean skip(long n, long frame) throws IOException, CaptureFormatException {
        while (n > 0) {
            if (!ensure(1, frame)) {
                return false;
            }
            int step = (int) Math.min(n, limit - pos);
            pos += step;
            n -= step;
        }
        return true;
    }

    private void compact() {
        int remaining = limit - pos;
        System.arraycopy(buf, pos, buf, 0, remaining);
        base += pos;
        pos = 0;
        limit = remaining;
    }

    void close() throws IOException {
        in.close();
    }
}
