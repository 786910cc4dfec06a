package io.mailscope.tcp;

import io.mailscope.capture.LinkTypes;
import io.mailscope.capture.PcapWriter;
import io.mailscope.capture.SegmentSink;
import io.mailscope.capture.TcpSegment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Test utility: forwards every segment to a sink and also writes it to a classic pcap file (Ethernet, IPv4 or
 * IPv6, TCP, checksums left zero), so what a test fed to the reassembler can be shown to Wireshark/tshark as the
 * oracle. Only the captured part of the payload is written; the IP length says the wire length, as a snaplen
 * cut would.
 */
final class PcapTee implements SegmentSink, AutoCloseable {
    private final SegmentSink next;
    private final PcapWriter out;
    private final ByteBuffer buf = ByteBuffer.allocate(70_000);

    PcapTee(SegmentSink next, Path file) throws IOException {
        this.next = next;
        this.out = PcapWriter.create(file, PcapWriter.Format.PCAP_NANOS, LinkTypes.ETHERNET, 262_144);
    }

    @Override
    public void segment(TcpSegment s) {
        try {
            write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        next.segment(s);
    }

    private void write(TcpSegment s) throws IOException {
        boolean v6 = s.ipVersion == 6;
        int captured = Math.min(s.capturedLength, s.wireLength);
        int ipHeader = v6 ? 40 : 20;
        buf.clear();
        // Ethernet
        buf.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) (v6 ? 0x86dd : 0x0800));
        int tcpLen = 20 + s.wireLength;
        if (v6) {
            buf.putInt(0x6000_0000).putShort((short) tcpLen).put((byte) 6).put((byte) 64);
            buf.put(s.src, 0, 16).put(s.dst, 0, 16);
        } else {
            buf.put((byte) 0x45).put((byte) 0).putShort((short) (ipHeader + tcpLen)).putShort((short) 0)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 6).putShort((short) 0);
            buf.put(s.src, 0, 4).put(s.dst, 0, 4);
        }
        buf.putShort((short) s.srcPort).putShort((short) s.dstPort).putInt((int) s.seq).putInt((int) s.ack);
        buf.put((byte) 0x50).put((byte) s.flags).putShort((short) s.window).putShort((short) 0).putShort((short) 0);
        buf.put(s.data, s.dataOffset, captured);
        int frameLen = buf.position();
        int wireFrameLen = frameLen + (s.wireLength - captured);
        out.write(s.timeNanos, buf.array(), 0, frameLen, wireFrameLen);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
