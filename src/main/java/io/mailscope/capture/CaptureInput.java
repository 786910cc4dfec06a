package io.mailscope.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipException;

/**
 * The one reusable read buffer under a capture reader: 4 MiB, refilled and compacted in place, so a frame is a
 * slice of it and reading allocates nothing per frame. Offsets are positions in the (decompressed) capture stream.
 *
 * <p>A file is read ahead: while the frames just read are decoded, a thread of its own reads (and, for gzip,
 * inflates) the next piece straight into the buffer, just past the valid data ({@link #limit}), where the decoding
 * thread never looks until that read is done. Why: a read(2) from the page cache is a copy the kernel makes on the
 * calling thread; on the 1.09 GiB long-session capture it was a tenth to a fifth of the analysing thread's time,
 * while the second core had only the JIT compiler on it (docs/performance.md "Read-ahead"). At most one read is in
 * flight, and the buffer is only compacted when none is, so the two threads never touch the same bytes; the
 * {@link Future} of each read orders its bytes before the decoding thread's use of them.
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
    /** The thread that reads ahead, or null to read on the caller's thread. */
    private final ExecutorService ahead;
    /** The read in flight into {@code buf[limit...]}, or null. */
    private Future<Integer> pending;

    CaptureInput(String name, InputStream in, boolean gzip, int bufferSize) {
        this(name, in, gzip, bufferSize, false);
    }

    /** @param readAhead read on a thread of its own (for files: a read from a pipe could block {@link #close()}) */
    CaptureInput(String name, InputStream in, boolean gzip, int bufferSize, boolean readAhead) {
        this.name = name;
        this.in = in;
        this.gzip = gzip;
        this.gzipPending = gzip;
        this.buf = new byte[bufferSize];
        this.ahead = readAhead ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mailscope-read-ahead");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Whether reading ahead on another thread pays: only with a core to spare for it. */
    static boolean readAheadPays() {
        return Runtime.getRuntime().availableProcessors() > 1;
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
        while (limit - pos < n) {
            int r;
            try {
                r = nextRead(n);
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
        readAhead();
        return true;
    }

    /** The result of the read in flight, or of a read made now: bytes added at {@link #limit}, or -1 at the end. */
    private int nextRead(int n) throws IOException {
        if (pending != null) {
            Future<Integer> p = pending;
            pending = null;
            return await(p);
        }
        if (pos + n > buf.length || limit == buf.length) {
            compact();
        }
        if (gzipPending) {
            gzipPending = false;
            in = new SalvagingGzipInputStream(in, GZIP_BUFFER);
        }
        return in.read(buf, limit, Math.min(READ_SIZE, buf.length - limit));
    }

    /** Starts reading the next piece past {@link #limit} on the read-ahead thread. */
    private void readAhead() {
        if (ahead == null || pending != null || eof || gzipPending) {
            return;
        }
        if (buf.length - limit < READ_SIZE && pos > 0) {
            compact();
        }
        int at = limit;
        int len = Math.min(READ_SIZE, buf.length - limit);
        if (len > 0) {
            InputStream from = in;
            pending = ahead.submit(() -> from.read(buf, at, len));
        }
    }

    private static int await(Future<Integer> read) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        }
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
        if (ahead != null) {
            // the read in flight finishes first (a file read does not block): the stream is not closed under it
            if (pending != null) {
                try {
                    await(pending);
                } catch (IOException | RuntimeException e) {
                    // nobody wants those bytes any more, nor their error
                }
                pending = null;
            }
            ahead.shutdown();
        }
        in.close();
    }
}
