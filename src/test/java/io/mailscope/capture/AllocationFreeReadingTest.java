package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The per-frame path (reader, decoder, segment) allocates nothing: memory use does not grow with the frames. */
class AllocationFreeReadingTest {
    static final int FRAMES = 50_000;

    static final class CountingSink implements SegmentSink {
        long payload;

        @Override
        public void segment(TcpSegment s) {
            payload += s.capturedLength;
        }
    }

    static long allocatedWhileReading(byte[] file) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        CountingSink sink = new CountingSink();
        PacketDecoder decoder = new PacketDecoder(sink);
        try (CaptureReader reader = CaptureReader.open("alloc", new ByteArrayInputStream(file))) {
            long before = threads.getThreadAllocatedBytes(thread);
            reader.readFrames(decoder);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertEquals(FRAMES, decoder.stats().tcp());
            return allocated;
        }
    }

    @Test
    void readingAndDecodingFramesAllocatesNothingPerFrame() throws Exception {
        byte[] frame = PcapFormatTest.FRAME;
        PcapBuilder pcap = PcapBuilder.ethernet();
        PcapngBuilder pcapng = new PcapngBuilder().section().iface(1, 0, 9, null);
        for (int i = 0; i < FRAMES; i++) {
            pcap.record(i, 0, frame);
            pcapng.epb(0, i, frame);
        }
        for (byte[] file : new byte[][] {pcap.bytes(), pcapng.bytes()}) {
            allocatedWhileReading(file); // warm up
            long allocated = allocatedWhileReading(file);
            // A few small objects per file are fine; one per frame would be 50 000 x at least 16 bytes.
            assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + FRAMES + " frames");
        }
    }

    @Test
    void decodingNestedTunnelsAllocatesNothingPerFrame() throws Exception {
        // ERSPAN II over GRE, then VXLAN, then a VLAN tag: every layer is kept, in the reused segment's arrays.
        byte[] tenant = Encapsulation.ethernet(Encapsulation.ETHERTYPE_IPV4, Encapsulation.ipv4(
                Encapsulation.v4("198.51.100.1"), Encapsulation.v4("198.51.100.2"), Encapsulation.PROTO_UDP,
                Encapsulation.udp(33333, 4789, Encapsulation.vxlan(5001, PcapFormatTest.FRAME))));
        byte[] frame = Encapsulation.ethernet(Encapsulation.ETHERTYPE_IPV4, Encapsulation.ipv4(
                Encapsulation.v4("192.0.2.10"), Encapsulation.v4("192.0.2.20"), Encapsulation.PROTO_GRE,
                Encapsulation.gre(Encapsulation.ETHERTYPE_ERSPAN, null, 1L, Encapsulation.erspan2(3, tenant))),
                Encapsulation.ETHERTYPE_VLAN, 10);
        PcapBuilder pcap = PcapBuilder.ethernet();
        for (int i = 0; i < FRAMES; i++) {
            pcap.record(i, 0, frame);
        }
        allocatedWhileReading(pcap.bytes()); // warm up
        long allocated = allocatedWhileReading(pcap.bytes());
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated for " + FRAMES + " tunnelled frames");
    }
}
