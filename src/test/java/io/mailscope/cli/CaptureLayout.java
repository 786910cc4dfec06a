package io.mailscope.cli;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper: where the records of a (well-formed) pcap or pcapng file start and end, so a test can corrupt
 * one at a chosen boundary and know how many frames come before the damage. Knows only enough of the formats to
 * walk them; the reader under test is the authority on everything else.
 *
 * @param headerLength bytes before the first record (pcap file header; pcapng: the section header block and
 *                     the blocks before the first packet are records too, with {@code frame} false)
 * @param records      every record (pcap) or block (pcapng) in file order
 * @param order        the file's byte order
 * @param pcapng       whether the file is pcapng
 */
record CaptureLayout(int headerLength, List<Record> records, ByteOrder order, boolean pcapng) {

    /**
     * One record or block.
     *
     * @param offset  where it starts
     * @param length  its whole length (header and data)
     * @param header  length of its header, the part holding lengths and timestamps (pcap: 16 or 24; pcapng: 8)
     * @param frame   whether it carries a frame (pcapng: EPB, SPB, OPB)
     */
    record Record(int offset, int length, int header, boolean frame) {
        int end() {
            return offset + length;
        }
    }

    static CaptureLayout of(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int magic = b.getInt(0);
        if (magic == 0x0a0d0d0a) {
            return pcapng(file);
        }
        ByteOrder order = switch (magic) {
            case 0xa1b2c3d4, 0xa1b23c4d, 0xa1b2cd34 -> ByteOrder.BIG_ENDIAN;
            default -> ByteOrder.LITTLE_ENDIAN;
        };
        b.order(order);
        int header = b.getInt(0) == 0xa1b2cd34 ? 24 : 16;
        List<Record> records = new ArrayList<>();
        int at = 24;
        while (at + header <= file.length) {
            int capLen = b.getInt(at + 8);
            records.add(new Record(at, header + capLen, header, true));
            at += header + capLen;
        }
        if (at != file.length) {
            throw new IllegalArgumentException("not a well-formed pcap file");
        }
        return new CaptureLayout(24, records, order, false);
    }

    private static CaptureLayout pcapng(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        ByteOrder order = b.order(ByteOrder.BIG_ENDIAN).getInt(8) == 0x1a2b3c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        b.order(order);
        List<Record> records = new ArrayList<>();
        int at = 0;
        while (at + 12 <= file.length) {
            int type = b.getInt(at);
            int length = b.getInt(at + 4);
            records.add(new Record(at, length, 8, type == 6 || type == 3 || type == 2));
            at += length;
        }
        if (at != file.length) {
            throw new IllegalArgumentException("not a well-formed pcapng file");
        }
        return new CaptureLayout(0, records, order, true);
    }

    /** How many frames lie wholly before byte {@code offset}: frames 1..n are untouched by damage there. */
    long framesBefore(int offset) {
        long n = 0;
        for (Record r : records) {
            if (r.end() > offset) {
                break;
            }
            if (r.frame()) {
                n++;
            }
        }
        return n;
    }

    List<Record> frames() {
        return records.stream().filter(Record::frame).toList();
    }
}
