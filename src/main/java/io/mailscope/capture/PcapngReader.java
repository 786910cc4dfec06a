package io.mailscope.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * pcapng files (IETF draft-ietf-opsawg-pcapng): a sequence of blocks {type, length, body, length}. A Section Header
 * Block sets the byte order and starts a new interface list; Interface Description Blocks give each interface its
 * link type, snaplen and timestamp unit; Enhanced, Simple and (obsolete) Packet Blocks carry frames. Every other
 * block (statistics, name resolution, decryption secrets, custom...) is skipped by its length.
 *
 * <p>An interface whose link type we cannot decode is reported when its first packet arrives, not at its
 * description: dumpcap describes every interface it was asked for, and one that carried no packet should not
 * make the file unreadable.
 */
final class PcapngReader extends FormatReader {
    static final int SECTION_HEADER = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION = 1;
    static final int PACKET = 2;
    static final int SIMPLE_PACKET = 3;
    static final int INTERFACE_STATISTICS = 5;
    static final int ENHANCED_PACKET = 6;
    static final int DECRYPTION_SECRETS = 10;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** A packet block holds a frame of at most {@link #MAX_FRAME} bytes plus its headers and options. */
    static final int MAX_BLOCK = MAX_FRAME + 64 * 1024;
    /** Blocks we skip are streamed through, never held, but a length beyond this is corruption, not data. */
    static final long MAX_SKIPPED_BLOCK = 64L << 20;

    /** Interface ids are 32-bit; a section describing more than this many is corrupt (and would cost memory). */
    static final int MAX_INTERFACES = 1 << 16;

    private static final int OPT_END = 0;
    private static final int IF_NAME = 2;
    private static final int IF_TSRESOL = 9;
    private static final int ISB_IFRECV = 4;
    private static final int ISB_IFDROP = 5;
    private static final int ISB_OSDROP = 7;
    private static final int ISB_USRDELIV = 8;
    private static final int IF_TSOFFSET = 14;

    /** One described interface of the current section. */
    private record Interface(int linkType, long snaplen, TimestampScale scale, boolean supported, long describedAt) {
    }

    private final List<Interface> interfaces = new ArrayList<>();
    private boolean bigEndian;
    /** Told about interface descriptions and statistics; null when nobody asked (files). */
    private final InterfaceListener listener;
    /** Simple Packet Blocks carry no timestamp: they get the last one seen. */
    private long lastTimeNanos;

    PcapngReader(String name, CaptureInput input, IntPredicate linkTypes, long firstFrame, InterfaceListener listener) {
        super(name, input, linkTypes, firstFrame);
        this.listener = listener;
    }

    @Override
    void readAll(FrameSink sink) throws IOException, CaptureFormatException {
        CaptureInput in = input;
        while (true) {
            long blockOffset = in.offset();
            if (!in.ensure(8, nextFrame)) {
                CaptureFormatException damage = damageReport();
                if (in.available() == 0 && damage == null) {
                    return;
                }
                throw damage != null ? damage : fault(blockOffset, "block header cut short: " + in.available()
                        + " of 8 bytes before the end of the file");
            }
            byte[] b = in.buf;
            int at = in.pos;
            boolean sectionHeader = b[at] == 0x0A && b[at + 1] == 0x0D && b[at + 2] == 0x0D && b[at + 3] == 0x0A;
            if (sectionHeader) {
                readByteOrder(blockOffset);
                b = in.buf;
                at = in.pos;
            }
            int type = (int) Bytes.u32(b, at, bigEndian);
            long length = Bytes.u32(b, at + 4, bigEndian);
            try {
                checkLength(blockOffset, type, length);
            } catch (CaptureFormatException e) {
                readOnPast(e);
                continue;
            }
            // A key log embedded for thousands of sessions outgrows a packet block: read it whole while it fits the
            // input buffer (4 MiB, some 6,000 TLS 1.3 sessions); beyond that it is skipped like other big blocks.
            boolean secretsThatFit = type == DECRYPTION_SECRETS && length <= in.buf.length;
            if (length > MAX_BLOCK && !secretsThatFit) {
                skipLargeBlock(blockOffset, length);
                continue;
            }
            int len = (int) length;
            if (!in.ensure(len, nextFrame)) {
                CaptureFormatException cut = fault(blockOffset, "block of " + len + " bytes (type " + typeName(type)
                        + ") is cut short: " + in.available() + " bytes left in the file");
                readOnPast(cut);
                continue;
            }
            b = in.buf;
            at = in.pos;
            long trailing = Bytes.u32(b, at + len - 4, bigEndian);
            if (trailing != length) {
                readOnPast(fault(blockOffset, "trailing block length " + trailing
                        + " does not match the leading length " + length + " (type " + typeName(type) + ")"));
                continue;
            }
            try {
                switch (type) {
                    case SECTION_HEADER -> sectionHeader(blockOffset, at, len);
                    case INTERFACE_DESCRIPTION -> interfaceDescription(blockOffset, at, len);
                    case ENHANCED_PACKET -> enhancedPacket(sink, blockOffset, at, len, false);
                    case PACKET -> enhancedPacket(sink, blockOffset, at, len, true);
                    case SIMPLE_PACKET -> simplePacket(sink, blockOffset, at, len);
                    case DECRYPTION_SECRETS -> decryptionSecrets(sink, blockOffset, at, len);
                    case INTERFACE_STATISTICS -> interfaceStatistics(at, len);
                    default -> {
                        // Name resolution, custom blocks: nothing for us.
                    }
                }
            } catch (DamagedBlock e) {
                readOnPast(e.fault);
                continue;
            }
            in.pos = at + len;
        }
    }

    /** A block whose framing is whole but whose contents cannot be (a packet longer than its block...). */
    private static final class DamagedBlock extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient CaptureFormatException fault;

        DamagedBlock(CaptureFormatException fault) {
            super(null, null, false, false);
            this.fault = fault;
        }
    }

    /**
     * A block is damaged (a bad or cut length, a trailer that does not match: bytes lost or garbled in the middle
     * of the file): look for the next block that reads whole, byte by byte from just after the damaged one's start,
     * and read on from there. The damage is reported when the file ends ({@link #damageReport()}); without a
     * block after it, at once.
     */
    private void readOnPast(CaptureFormatException damage) throws IOException, CaptureFormatException {
        CaptureInput in = input;
        while (in.ensure(1 + 12, nextFrame)) {
            in.pos++;
            if (wholeBlockHere()) {
                skippedTo(damage, in.offset());
                return;
            }
        }
                CaptureFormatException report = damageReport();
        throw report != null ? report : damage;
    }

    /** Is there a whole block of a known type at the read position (lengths agree, a packet fits its block)? */
    private boolean wholeBlockHere() throws IOException, CaptureFormatException {
        CaptureInput in = input;
        byte[] b = in.buf;
        int at = in.pos;
        int type = (int) Bytes.u32(b, at, bigEndian);
        long length = Bytes.u32(b, at + 4, bigEndian);
        boolean known = type == ENHANCED_PACKET || type == SIMPLE_PACKET || type == PACKET
                || type == INTERFACE_DESCRIPTION || type == SECTION_HEADER || type == 4 || type == 5 || type == 10;
        if (!known || length < 12 || length % 4 != 0 || length > MAX_BLOCK
                || (type == ENHANCED_PACKET && length < 32) || !in.ensure((int) length, nextFrame)) {
            return false;
        }
        b = in.buf;
        at = in.pos;
        if (Bytes.u32(b, at + (int) length - 4, bigEndian) != length) {
            return false;
        }
        if (type == ENHANCED_PACKET) {
            long interfaceId = Bytes.u32(b, at + 8, bigEndian);
            long capLen = Bytes.u32(b, at + 20, bigEndian);
            return interfaceId < interfaces.size() && 28 + capLen + 4 <= length;
        }
        if (type == SECTION_HEADER) {
            long magic = Bytes.be32(b, at + 8);
            return magic == BYTE_ORDER_MAGIC || magic == Integer.reverseBytes(BYTE_ORDER_MAGIC);
        }
        return true;
    }

    /** Reads the byte-order magic of a Section Header Block (the block type reads the same in both orders). */
    private void readByteOrder(long blockOffset) throws IOException, CaptureFormatException {
        CaptureInput in = input;
        if (!in.ensure(12, nextFrame)) {
            throw fault(blockOffset, "section header block cut short: " + in.available()
                    + " bytes before the end of the file");
        }
        long magic = Bytes.be32(in.buf, in.pos + 8);
        if (magic == BYTE_ORDER_MAGIC) {
            bigEndian = true;
        } else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC)) {
            bigEndian = false;
        } else {
            throw fault(blockOffset + 8, "section header block has a bad byte-order magic "
                    + Bytes.describe(in.buf, in.pos + 8, 4));
        }
    }

    private void checkLength(long blockOffset, int type, long length) throws CaptureFormatException {
        String problem = null;
        if (length < 12) {
            problem = "is smaller than the 12-byte minimum";
        } else if (length % 4 != 0) {
            problem = "is not a multiple of 4";
        } else if (length > MAX_BLOCK && (mustHold(type) || length > MAX_SKIPPED_BLOCK)) {
            problem = "is larger than the " + (mustHold(type) ? MAX_BLOCK : MAX_SKIPPED_BLOCK) + "-byte limit";
        }
        if (problem != null) {
            throw fault(blockOffset, "block length " + length + " (type " + typeName(type) + ") " + problem);
        }
    }

    /** Blocks we read whole, so they must fit the buffer. */
    private static boolean mustHold(int type) {
        return type == SECTION_HEADER || type == INTERFACE_DESCRIPTION || type == PACKET || type == SIMPLE_PACKET
                || type == ENHANCED_PACKET;
    }

    /** A long block of a type we ignore (e.g. many decryption secrets): stream past it, then check its trailer. */
    private void skipLargeBlock(long blockOffset, long length) throws IOException, CaptureFormatException {
        CaptureInput in = input;
        if (!in.skip(length - 4, nextFrame) || !in.ensure(4, nextFrame)) {
            throw fault(blockOffset, "block of " + length + " bytes is cut short by the end of the file");
        }
        long trailing = Bytes.u32(in.buf, in.pos, bigEndian);
        if (trailing != length) {
            throw fault(blockOffset, "trailing block length " + trailing + " does not match the leading length "
                    + length);
        }
        in.pos += 4;
    }

    private void sectionHeader(long blockOffset, int at, int len) throws CaptureFormatException {
        if (len < 28) {
            throw fault(blockOffset, "section header block of " + len + " bytes is shorter than 28");
        }
        byte[] b = input.buf;
        int major = Bytes.u16(b, at + 12, bigEndian);
        if (major != 1) {
            throw fault(blockOffset, "pcapng version " + major + "." + Bytes.u16(b, at + 14, bigEndian)
                    + " is not 1.x");
        }
        interfaces.clear();
    }

    private void interfaceDescription(long blockOffset, int at, int len) throws CaptureFormatException {
        if (len < 20) {
            throw fault(blockOffset, "interface description block of " + len + " bytes is shorter than 20");
        }
        if (interfaces.size() == MAX_INTERFACES) {
            throw fault(blockOffset, "more than " + MAX_INTERFACES + " interfaces described in one section");
        }
        byte[] b = input.buf;
        int linkType = Bytes.u16(b, at + 8, bigEndian);
        long snaplen = Bytes.u32(b, at + 12, bigEndian);
        int tsresol = 6;
        long tsoffset = 0;
        String ifName = null;
        // Options are metadata: a malformed one ends the list rather than the file.
        int p = at + 16;
        int end = at + len - 4;
        while (p + 4 <= end) {
            int code = Bytes.u16(b, p, bigEndian);
            int optionLength = Bytes.u16(b, p + 2, bigEndian);
            if (code == OPT_END || p + 4 + optionLength > end) {
                break;
            }
            if (code == IF_TSRESOL && optionLength >= 1) {
                tsresol = Bytes.u8(b, p + 4);
            } else if (code == IF_TSOFFSET && optionLength >= 8) {
                tsoffset = Bytes.s64(b, p + 4, bigEndian);
            } else if (code == IF_NAME && listener != null) {
                int n = optionLength;
                while (n > 0 && b[p + 4 + n - 1] == 0) {
                    n--; // some writers count a terminating NUL
                }
                ifName = new String(b, p + 4, n, StandardCharsets.UTF_8);
            }
            p += 4 + ((optionLength + 3) & ~3);
        }
        interfaces.add(new Interface(linkType, snaplen, TimestampScale.of(tsresol, tsoffset),
                linkTypes.test(linkType), blockOffset));
        if (listener != null) {
            listener.described(interfaces.size() - 1, linkType, snaplen, ifName, tsresol);
        }
    }

    /** Interface Statistics Block: only read when someone listens; like all options, a malformed one ends the list. */
    private void interfaceStatistics(int at, int len) {
        if (listener == null || len < 24) {
            return;
        }
        byte[] b = input.buf;
        long interfaceId = Bytes.u32(b, at + 8, bigEndian);
        long[] counters = {-1, -1, -1, -1};
        int p = at + 20;
        int end = at + len - 4;
        while (p + 4 <= end) {
            int code = Bytes.u16(b, p, bigEndian);
            int optionLength = Bytes.u16(b, p + 2, bigEndian);
            if (code == OPT_END || p + 4 + optionLength > end) {
                break;
            }
            int slot = switch (code) {
                case ISB_IFRECV -> 0;
                case ISB_IFDROP -> 1;
                case ISB_OSDROP -> 2;
                case ISB_USRDELIV -> 3;
                default -> -1;
            };
            if (slot >= 0 && optionLength == 8) {
                counters[slot] = Bytes.s64(b, p + 4, bigEndian);
            }
            p += 4 + ((optionLength + 3) & ~3);
        }
        listener.statistics(interfaceId, new InterfaceStatistics(counters[0], counters[1], counters[2], counters[3]));
    }

    /** Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id and a drops count). */
    private void enhancedPacket(FrameSink sink, long blockOffset, int at, int len, boolean obsolete)
            throws CaptureFormatException {
        String kind = obsolete ? "packet block" : "enhanced packet block";
        if (len < 32) {
            throw new DamagedBlock(fault(blockOffset, kind + " of " + len + " bytes is shorter than 32"));
        }
        byte[] b = input.buf;
        long interfaceId = obsolete ? Bytes.u16(b, at + 8, bigEndian) : Bytes.u32(b, at + 8, bigEndian);
        Interface nic = packetInterface(blockOffset, interfaceId);
        long ticks = Bytes.u32(b, at + 12, bigEndian) << 32 | Bytes.u32(b, at + 16, bigEndian);
        long capLen = Bytes.u32(b, at + 20, bigEndian);
        long origLen = Bytes.u32(b, at + 24, bigEndian);
        if (capLen > MAX_FRAME) {
            throw new DamagedBlock(fault(blockOffset, "captured length " + capLen + " is larger than the "
                    + MAX_FRAME + "-byte limit: the file is corrupt"));
        }
        if (28 + capLen + 4 > len) {
            throw new DamagedBlock(fault(blockOffset, "captured length " + capLen + " overruns its " + kind + " of "
                    + len + " bytes"));
        }
        long timeNanos = nic.scale().toNanos(ticks);
        lastTimeNanos = timeNanos;
        deliver(sink, timeNanos, nic.linkType(), at + 28, (int) capLen, (int) Math.min(origLen, Integer.MAX_VALUE));
    }

    /** Decryption Secrets Block: type, length, secrets (e.g. a TLS key log from editcap --inject-secrets). */
    private void decryptionSecrets(FrameSink sink, long blockOffset, int at, int len) throws CaptureFormatException {
        if (len < 20) {
            throw fault(blockOffset, "decryption secrets block of " + len + " bytes is shorter than 20");
        }
        byte[] b = input.buf;
        int type = (int) Bytes.u32(b, at + 8, bigEndian);
        long secretsLength = Bytes.u32(b, at + 12, bigEndian);
        if (16 + secretsLength + 4 > len) {
            throw fault(blockOffset, "decryption secrets length " + secretsLength + " overruns its block of " + len
                    + " bytes");
        }
        sink.decryptionSecrets(name + ": decryption secrets block at byte " + blockOffset, type, b, at + 16,
                (int) secretsLength);
    }

    /** Simple Packet Block: interface 0, no timestamp, captured length = min(original, snaplen, block room). */
    private void simplePacket(FrameSink sink, long blockOffset, int at, int len) throws CaptureFormatException {
        if (len < 16) {
            throw fault(blockOffset, "simple packet block of " + len + " bytes is shorter than 16");
        }
        Interface nic = packetInterface(blockOffset, 0);
        long origLen = Bytes.u32(input.buf, at + 8, bigEndian);
        long capLen = Math.min(origLen, len - 16);
        if (nic.snaplen() > 0) {
            capLen = Math.min(capLen, nic.snaplen());
        }
        deliver(sink, lastTimeNanos, nic.linkType(), at + 12, (int) capLen, (int) Math.min(origLen, Integer.MAX_VALUE));
    }

    private Interface packetInterface(long blockOffset, long interfaceId) throws CaptureFormatException {
        if (interfaceId >= interfaces.size()) {
            throw fault(blockOffset, "packet refers to interface " + interfaceId + " but its section describes "
                    + (interfaces.isEmpty() ? "no interface" : "only " + interfaces.size()
                    + (interfaces.size() == 1 ? " interface" : " interfaces")));
        }
        Interface nic = interfaces.get((int) interfaceId);
        if (!nic.supported()) {
            throw unsupportedLinkType(blockOffset, nic.linkType(), "interface " + interfaceId
                    + " described at byte offset " + nic.describedAt());
        }
        return nic;
    }

    private static String typeName(int type) {
        return switch (type) {
            case SECTION_HEADER -> "section header";
            case INTERFACE_DESCRIPTION -> "interface description";
            case PACKET -> "packet";
            case SIMPLE_PACKET -> "simple packet";
            case ENHANCED_PACKET -> "enhanced packet";
            case 4 -> "name resolution";
            case 5 -> "interface statistics";
            case 10 -> "decryption secrets";
            default -> "0x" + Integer.toHexString(type);
        };
    }
}
