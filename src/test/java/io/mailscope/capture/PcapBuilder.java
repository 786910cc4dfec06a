package io.mailscope.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helper: writes classic pcap files byte by byte, including broken ones. */
final class PcapBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteOrder order;
    private final boolean modified;

    private PcapBuilder(int magic, ByteOrder order, int linkType) {
        this.order = order;
        this.modified = magic == PcapReader.MAGIC_MODIFIED;
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(262144).putInt(linkType);
        out.writeBytes(h.array());
    }

    static PcapBuilder micros(ByteOrder order, int linkType) {
        return new PcapBuilder(PcapReader.MAGIC_MICROS, order, linkType);
    }

    static PcapBuilder nanos(ByteOrder order, int linkType) {
        return new PcapBuilder(PcapReader.MAGIC_NANOS, order, linkType);
    }

    static PcapBuilder modified(ByteOrder order, int linkType) {
        return new PcapBuilder(PcapReader.MAGIC_MODIFIED, order, linkType);
    }

    static PcapBuilder ethernet() {
        return micros(ByteOrder.LITTLE_ENDIAN, LinkTypes.ETHERNET);
    }

    /** A record whose original length equals its captured length. */
    PcapBuilder record(long seconds, long fraction, byte[] frame) {
        return record(seconds, fraction, frame, frame.length);
    }

    PcapBuilder record(long seconds, long fraction, byte[] frame, int origLen) {
        return recordHeader(seconds, fraction, frame.length, origLen).raw(frame);
    }

    PcapBuilder recordHeader(long seconds, long fraction, long capLen, long origLen) {
        ByteBuffer r = ByteBuffer.allocate(modified ? 24 : 16).order(order);
        r.putInt((int) seconds).putInt((int) fraction).putInt((int) capLen).putInt((int) origLen);
        out.writeBytes(r.array());
        return this;
    }

    PcapBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
