package io.mailscope.capture;

import java.io.IOException;
import java.util.function.IntPredicate;

/** What the pcap and pcapng readers share: the input, the frame count and how faults are reported. */
abstract sealed class FormatReader permits PcapReader, PcapngReader {
    /** Largest frame we accept: tcpdump's default snaplen. Anything longer is a corrupt length, not a frame. */
    static final int MAX_FRAME = 256 * 1024;

    final String name;
    final CaptureInput input;
    final IntPredicate linkTypes;
    /** The number the next frame gets: also the frame a fault is reported at. */
    long nextFrame;
    long frames;
    long bytes;

    FormatReader(String name, CaptureInput input, IntPredicate linkTypes, long firstFrame) {
        this.name = name;
        this.input = input;
        this.linkTypes = linkTypes;
        this.nextFrame = firstFrame;
    }

    /** Reads every record after the file header (already checked by the caller) to the sink. */
    abstract void readAll(FrameSink sink) throws IOException, CaptureFormatException;

    final void deliver(FrameSink sink, long timeNanos, int linkType, int offset, int capLen, int origLen) {
        sink.frame(nextFrame, timeNanos, linkType, input.buf, offset, capLen, origLen);
        nextFrame++;
        frames++;
        bytes += capLen;
    }

    final CaptureFormatException fault(long offset, String problem) {
        return new CaptureFormatException(name, nextFrame, offset, problem);
    }

    // ---- damage in the middle of a file: read on from the next record that reads whole, say so at the end

    /** The first damaged place the reader read on past, or null. */
    private CaptureFormatException firstDamage;
    private long framesBeforeDamage;
    private long resumedAt;
    private long skippedBytes;
    private int damagedPlaces;

    /** A damaged record at {@code fault}'s offset was skipped; reading goes on at {@code resumeOffset}. */
    final void skippedTo(CaptureFormatException fault, long resumeOffset) {
        if (firstDamage == null) {
            firstDamage = fault;
            framesBeforeDamage = frames;
            resumedAt = resumeOffset;
        }
        damagedPlaces++;
        skippedBytes += Math.max(0, resumeOffset - fault.offset());
    }

    /**
     * At the end of a file read past damage: the first damage as the fault (frame and offset where it was), saying
     * how much was skipped and how many frames were read after it; null when the file was whole.
     */
    final CaptureFormatException damageReport() {
        if (firstDamage == null) {
            return null;
        }
        return new CaptureFormatException(name, firstDamage.frame(), firstDamage.offset(), firstDamage.problem()
                + "; read on from the next whole record at byte offset " + resumedAt + " (" + skippedBytes
                + " bytes skipped" + (damagedPlaces > 1 ? " in " + damagedPlaces + " damaged places" : "") + ", "
                + (frames - framesBeforeDamage) + " frames read after the damage)");
    }

    final CaptureFormatException unsupportedLinkType(long offset, int linkType, String where) {
        return fault(offset, "link type " + linkType + " (" + LinkTypes.name(linkType) + ", " + where
                + ") is not supported; supported: " + LinkTypes.SUPPORTED_NAMES);
    }
}
