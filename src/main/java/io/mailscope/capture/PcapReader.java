package io.mailscope.capture;

import java.io.IOException;
import java.util.function.IntPredicate;

/**
 * Classic libpcap files: a 24-byte header (magic, version, snaplen, link type) then records of a 16-byte header
 * (seconds, micro- or nanoseconds, captured length, original length) and the frame. The magic says the byte order
 * and the timestamp unit; the Kuznetzov "modified" format (magic a1b2cd34) adds 8 bytes to each record header.
 */
final class PcapReader extends FormatReader {
    static final int MAGIC_MICROS = 0xa1b2c3d4;
    static final int MAGIC_NANOS = 0xa1b23c4d;
    static final int MAGIC_MODIFIED = 0xa1b2cd34;
    static final int FILE_HEADER = 24;

    private final boolean bigEndian;
    private final long fractionToNanos;
    private final int recordHeader;

    /** @param magic the magic read in big-endian order (one of the three above); @param bigEndian the file's order */
    PcapReader(String name, CaptureInput input, IntPredicate linkTypes, long firstFrame, int magic, boolean bigEndian) {
        super(name, input, linkTypes, firstFrame);
        this.bigEndian = bigEndian;
        this.fractionToNanos = magic == MAGIC_NANOS ? 1 : 1000;
        this.recordHeader = magic == MAGIC_MODIFIED ? 24 : 16;
    }

    @Override
    void readAll(FrameSink sink) throws IOException, CaptureFormatException {
        CaptureInput in = input;
        if (!in.ensure(FILE_HEADER, nextFrame)) {
            throw fault(0, "pcap file header cut short: " + in.available() + " of " + FILE_HEADER + " bytes");
        }
        byte[] b = in.buf;
        int headerAt = in.pos;
        int major = Bytes.u16(b, headerAt + 4, bigEndian);
        if (major != 2) {
            throw fault(4, "pcap version " + major + "." + Bytes.u16(b, headerAt + 6, bigEndian) + " is not 2.x");
        }
        // The upper bits of the link-type field carry FCS information (pcap spec, "LinkType and additional
        // information"); the link type is the low 16 bits.
        int linkType = (int) (Bytes.u32(b, headerAt + 20, bigEndian) & 0xffff);
        boolean linkTypeSupported = linkTypes.test(linkType);
        in.pos += FILE_HEADER;

        long snaplen = Bytes.u32(b, headerAt + 16, bigEndian);
        while (true) {
            long recordOffset = in.offset();
            if (!in.ensure(recordHeader, nextFrame)) {
                CaptureFormatException damage = damageReport();
                if (in.available() == 0 && damage == null) {
                    return;
                }
                throw damage != null ? damage : fault(recordOffset, "record header cut short: " + in.available()
                        + " of " + recordHeader + " bytes before the end of the file");
            }
            b = in.buf;
            int at = in.pos;
            long capLen = Bytes.u32(b, at + 8, bigEndian);
            long origLen = Bytes.u32(b, at + 12, bigEndian);
            if (capLen > MAX_FRAME) {
                readOnPast(fault(recordOffset, "record length " + capLen + " is larger than the " + MAX_FRAME
                        + "-byte limit: the file is corrupt"), snaplen);
                continue;
            }
            if (!linkTypeSupported) {
                throw unsupportedLinkType(recordOffset, linkType, "from the pcap file header");
            }
            if (!in.ensure(recordHeader + (int) capLen, nextFrame)) {
                readOnPast(fault(recordOffset, "record length " + capLen + " is larger than the rest of the file ("
                        + (in.available() - recordHeader) + " bytes): the file is cut short"), snaplen);
                continue;
            }
            b = in.buf;
            at = in.pos;
            long seconds = Bytes.u32(b, at, bigEndian);
            long fraction = Bytes.u32(b, at + 4, bigEndian);
            long timeNanos = seconds * 1_000_000_000L + fraction * fractionToNanos;
            lastSeconds = seconds;
            int origLength = (int) Math.min(origLen, Integer.MAX_VALUE);
            deliver(sink, timeNanos, linkType, at + recordHeader, (int) capLen, origLength);
            in.pos = at + recordHeader + (int) capLen;
        }
    }

    /** Seconds of the last record read: a record found again after damage must be close to it. */
    private long lastSeconds = -1;

    /**
     * A record length is impossible (bytes lost or garbled in the middle of the file): look byte by byte for the
     * next place where two records in a row read whole (or one that ends the file exactly), and read on from there.
     * The damage is reported when the file ends; without such a place, at once.
     */
    private void readOnPast(CaptureFormatException damage, long snaplen) throws IOException, CaptureFormatException {
        CaptureInput in = input;
        while (in.ensure(1 + recordHeader, nextFrame)) {
            in.pos++;
            int length = plausibleRecord(in.pos, snaplen);
            if (length > 0) {
                boolean endsFile = !in.ensure(length + 1, nextFrame) && in.available() == length;
                if (endsFile || plausibleRecord(in.pos + length, snaplen) > 0) {
                    skippedTo(damage, in.offset());
                    return;
                }
            }
        }
        CaptureFormatException report = damageReport();
        throw report != null ? report : damage;
    }

    /** The length of a record that reads whole at {@code at} (header checks, time near the last), else 0. */
    private int plausibleRecord(int at, long snaplen) throws IOException, CaptureFormatException {
        CaptureInput in = input;
        int offset = at - in.pos;
        if (!in.ensure(offset + recordHeader, nextFrame)) {
            return 0;
        }
        at = in.pos + offset;
        byte[] b = in.buf;
        long seconds = Bytes.u32(b, at, bigEndian);
        long fraction = Bytes.u32(b, at + 4, bigEndian);
        long capLen = Bytes.u32(b, at + 8, bigEndian);
        long origLen = Bytes.u32(b, at + 12, bigEndian);
        long maxCap = Math.min(MAX_FRAME, snaplen > 0 ? Math.max(snaplen, 96) : MAX_FRAME);
        boolean ok = capLen > 0 && capLen <= maxCap && origLen >= capLen && origLen <= 16L * MAX_FRAME
                && fraction < (fractionToNanos == 1 ? 1_000_000_000L : 1_000_000L)
                && (lastSeconds < 0 || Math.abs(seconds - lastSeconds) <= 7 * 86_400);
        if (!ok || !in.ensure(offset + recordHeader + (int) capLen, nextFrame)) {
            return 0;
        }
        return recordHeader + (int) capLen;
    }
}
