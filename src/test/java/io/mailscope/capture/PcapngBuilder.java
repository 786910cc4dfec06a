package io.mailscope.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Test helper: writes pcapng blocks byte by byte, including broken ones. */
final class PcapngBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

    /** Starts a new section in the given byte order (later blocks use it). */
    PcapngBuilder section(ByteOrder order) {
        this.order = order;
        ByteBuffer body = buffer(16);
        body.putInt(PcapngReader.BYTE_ORDER_MAGIC).putShort((short) 1).putShort((short) 0).putLong(-1);
        return block(PcapngReader.SECTION_HEADER, body.array());
    }

    PcapngBuilder section() {
        return section(ByteOrder.LITTLE_ENDIAN);
    }

    PcapngBuilder iface(int linkType) {
        return iface(linkType, 262144, null, null);
    }

    /** @param tsresol the if_tsresol byte, or null; @param tsoffset if_tsoffset seconds, or null */
    PcapngBuilder iface(int linkType, int snaplen, Integer tsresol, Long tsoffset) {
        ByteBuffer body = buffer(8 + 8 + 12 + 4);
        body.putShort((short) linkType).putShort((short) 0).putInt(snaplen);
        if (tsresol != null) {
            body.putShort((short) 9).putShort((short) 1).put((byte) (int) tsresol).put(new byte[3]);
        }
        if (tsoffset != null) {
            body.putShort((short) 14).putShort((short) 8).putLong(tsoffset);
        }
        body.putInt(0); // opt_endofopt
        return block(PcapngReader.INTERFACE_DESCRIPTION, used(body));
    }

    PcapngBuilder epb(int iface, long ticks, byte[] frame) {
        return epb(iface, ticks, frame, frame.length);
    }

    PcapngBuilder epb(int iface, long ticks, byte[] frame, int origLen) {
        ByteBuffer body = buffer(20 + pad(frame.length));
        body.putInt(iface).putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(frame.length).putInt(origLen);
        body.put(frame);
        return block(PcapngReader.ENHANCED_PACKET, body.array());
    }

    /** The obsolete Packet Block (type 2). */
    PcapngBuilder packetBlock(int iface, long ticks, byte[] frame) {
        ByteBuffer body = buffer(20 + pad(frame.length));
        body.putShort((short) iface).putShort((short) 0).putInt((int) (ticks >>> 32)).putInt((int) ticks)
                .putInt(frame.length).putInt(frame.length).put(frame);
        return block(PcapngReader.PACKET, body.array());
    }

    PcapngBuilder spb(byte[] frame, int origLen) {
        ByteBuffer body = buffer(4 + pad(frame.length));
        body.putInt(origLen).put(frame);
        return block(PcapngReader.SIMPLE_PACKET, body.array());
    }

    /** Any block with a correct length; the body is padded to 4 bytes. */
    PcapngBuilder block(int type, byte[] body) {
        int length = 12 + pad(body.length);
        return blockWithLengths(type, body, length, length);
    }

    /** Any block with the lengths given, right or wrong. */
    PcapngBuilder blockWithLengths(int type, byte[] body, int leading, int trailing) {
        ByteBuffer b = buffer(12 + pad(body.length));
        b.putInt(type).putInt(leading).put(body);
        b.position(8 + pad(body.length));
        b.putInt(trailing);
        out.writeBytes(b.array());
        return this;
    }

    PcapngBuilder raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(order);
    }

    private static byte[] used(ByteBuffer b) {
        byte[] r = new byte[b.position()];
        System.arraycopy(b.array(), 0, r, 0, r.length);
        return r;
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }
}
