package io.mailscope.dissect.imap;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates one direction of an IMAP COMPRESS=DEFLATE stream (RFC 4978: raw deflate, no zlib header) into a fixed
 * buffer and hands each piece to the line framer. java.util.zip is zlib itself: no reason for anything else.
 * The output buffer is fixed, so a deflate bomb costs time proportional to its output, never memory.
 */
final class DeflateInput {
    private static final int OUT = 16 * 1024;

    private final Inflater inflater = new Inflater(true);
    private final byte[] out = new byte[OUT];
    private long inflated;

    /** Inflates all of {@code data} and feeds the framer; throws when the deflate stream is broken. */
    void feed(byte[] data, int off, int len, LineFramer framer) throws DataFormatException {
        if (inflater.finished()) {
            if (len > 0) throw new DataFormatException("data after the end of the deflate stream");
            return;
        }
        inflater.setInput(data, off, len);
        while (true) {
            int n = inflater.inflate(out);
            if (n > 0) {
                inflated += n;
                int used = 0;
                while (used < n) used += framer.feed(out, used, n - used);
                continue;
            }
            if (inflater.finished()) {
                if (inflater.getRemaining() > 0) {
                    throw new DataFormatException("data after the end of the deflate stream");
                }
                return;
            }
            if (inflater.needsDictionary()) throw new DataFormatException("deflate stream asks for a dictionary");
            return; // needs input
        }
    }

    long inflated() {
        return inflated;
    }

    void end() {
        inflater.end();
    }
}
