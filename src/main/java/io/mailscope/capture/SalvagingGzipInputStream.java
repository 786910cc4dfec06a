package io.mailscope.capture;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A {@link GZIPInputStream} that keeps what it decompressed before corrupt data. The plain stream throws away the
 * whole output of the read call that met the damage, and a capture is read in 4 MiB calls: every frame of a small
 * damaged .pcap.gz was lost, not only those after the damage. {@link java.util.zip.Inflater#inflate} documents
 * that {@link java.util.zip.Inflater#getBytesWritten()} counts what it produced before a
 * {@link java.util.zip.DataFormatException}, so those bytes are returned first and the fault comes with the next read.
 */
final class SalvagingGzipInputStream extends GZIPInputStream {
    private ZipException pending;

    SalvagingGzipInputStream(InputStream in, int size) throws IOException {
        super(in, size);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (pending != null) {
            throw pending;
        }
        long before = inf.getBytesWritten();
        try {
            return super.read(b, off, len);
        } catch (ZipException e) {
            long salvaged = inf.getBytesWritten() - before;
            if (salvaged <= 0 || salvaged > len) {
                throw e;
            }
            pending = e;
            return (int) salvaged;
        }
    }
}
