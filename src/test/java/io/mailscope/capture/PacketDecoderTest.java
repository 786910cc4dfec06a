package io.mailscope.capture;

import static io.mailscope.capture.Packets.CLIENT4;
import static io.mailscope.capture.Packets.CLIENT6;
import static io.mailscope.capture.Packets.SERVER4;
import static io.mailscope.capture.Packets.SERVER6;
import static io.mailscope.capture.Packets.ascii;
import static io.mailscope.capture.Packets.concat;
import static io.mailscope.capture.Packets.ethernet;
import static io.mailscope.capture.Packets.extension;
import static io.mailscope.capture.Packets.ipv4;
import static io.mailscope.capture.Packets.ipv6;
import static io.mailscope.capture.Packets.padTo;
import static io.mailscope.capture.Packets.tcp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Link, IP and TCP decoding of single frames, and what is counted instead when a frame is not TCP. */
class PacketDecoderTest {
    static final byte[] PAYLOAD = ascii("* OK IMAP ready\r\n");
    static final byte[] TCP = tcp(PAYLOAD);
    static final byte[] IPV4_TCP = ipv4(6, TCP);
    static final byte[] IPV6_TCP = ipv6(6, TCP);

    final Recorded.Segments segments = new Recorded.Segments();
    final PacketDecoder decoder = new PacketDecoder(segments);

    void decode(int linkType, byte[] frame) {
        decoder.frame(7, 123_456_789L, linkType, frame, 0, frame.length, frame.length);
    }

    /** The frame was one TCP segment carrying {@link #PAYLOAD} and nothing else was counted. */
    Recorded.Segment assertPayloadSegment(int ipVersion) {
        Recorded.Segment s = segments.only();
        assertEquals(ipVersion, s.ipVersion());
        assertEquals("* OK IMAP ready\r\n", s.text());
        assertEquals(PAYLOAD.length, s.wireLength());
        assertArrayEquals(ipVersion == 4 ? CLIENT4 : CLIENT6, s.src());
        assertArrayEquals(ipVersion == 4 ? SERVER4 : SERVER6, s.dst());
        assertEquals(1, decoder.stats().tcp());
        return s;
    }

    CaptureStats counts(long tcp, long nonTcp, long undecodable, long fragments) {
        return new CaptureStats(decoder.stats().frames(), decoder.stats().bytes(), tcp, nonTcp, undecodable,
                decoder.stats().truncated(), fragments);
    }

    // --- TCP fields

    @Test
    void ethernetIpv4TcpGivesEveryField() {
        byte[] tcp = Packets.tcp(49152, 993, 0xFFFF_FFF0L, 0x8000_0001L, TcpSegment.SYN | TcpSegment.ACK, 65535,
                new byte[] {2, 4, 5, (byte) 0xb4}, PAYLOAD);
        byte[] frame = ethernet(0x0800, ipv4(6, tcp));
        decoder.frame(42, 1_700_000_000_000_000_001L, 1, frame, 0, frame.length, frame.length);
        Recorded.Segment s = segments.only();
        assertEquals(42, s.frame());
        assertEquals(1_700_000_000_000_000_001L, s.timeNanos());
        assertEquals(49152, s.srcPort());
        assertEquals(993, s.dstPort());
        assertEquals(0xFFFF_FFF0L, s.seq());
        assertEquals(0x8000_0001L, s.ack());
        assertEquals(TcpSegment.SYN | TcpSegment.ACK, s.flags());
        assertEquals(65535, s.window());
        assertEquals("* OK IMAP ready\r\n", s.text());
        assertEquals(new CaptureStats(1, frame.length, 1, 0, 0, 0, 0), decoder.stats());
    }

    @Test
    void frameInTheMiddleOfABufferIsReadAtItsOffset() {
        byte[] frame = ethernet(0x0800, IPV4_TCP);
        byte[] buffer = concat(new byte[100], frame, new byte[50]);
        Arrays.fill(buffer, 0, 100, (byte) 0x45);
        decoder.frame(1, 0, 1, buffer, 100, frame.length, frame.length);
        assertPayloadSegment(4);
    }

    @Test
    void ipv4AddressAfterAnIpv6OneHasNoStaleTail() {
        byte[][] fullSource = new byte[1][];
        PacketDecoder d = new PacketDecoder(seg -> fullSource[0] = seg.src.clone());
        d.frame(1, 0, LinkTypes.RAW, IPV6_TCP, 0, IPV6_TCP.length, IPV6_TCP.length);
        d.frame(2, 0, LinkTypes.RAW, IPV4_TCP, 0, IPV4_TCP.length, IPV4_TCP.length);
        assertArrayEquals(Arrays.copyOf(CLIENT4, 16), fullSource[0]);
    }

    // --- Ethernet and VLAN tags

    @Test
    void singleVlanTag() {
        decode(1, ethernet(0x0800, IPV4_TCP, 0x8100, 100));
        assertPayloadSegment(4);
    }

    @Test
    void qinqWith8021adOuterTag() {
        decode(1, ethernet(0x86dd, IPV6_TCP, 0x88a8, 10, 0x8100, 20));
        assertPayloadSegment(6);
    }

    @Test
    void oldQinqTagAndThreeDeep() {
        decode(1, ethernet(0x0800, IPV4_TCP, 0x9100, 1, 0x88a8, 2, 0x8100, 3));
        assertPayloadSegment(4);
    }

    @Test
    void vlanTagCutShortIsUndecodable() {
        decode(1, Arrays.copyOf(ethernet(0x0800, IPV4_TCP, 0x8100, 100), 16));
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void arpIsNotTcp() {
        decode(1, padTo(ethernet(0x0806, new byte[28]), 60));
        assertEquals(counts(0, 1, 0, 0), decoder.stats());
    }

    @Test
    void ieee8023LengthFieldIsNotTcp() {
        decode(1, padTo(ethernet(0x0026, new byte[38]), 60));
        assertEquals(counts(0, 1, 0, 0), decoder.stats());
    }

    @Test
    void paddedMinimumFrameHasNoFakePayload() {
        byte[] syn = tcp(40000, 143, 1, 0, TcpSegment.SYN, 1024, new byte[0], new byte[0]);
        byte[] frame = padTo(ethernet(0x0800, ipv4(6, syn)), 60);
        Arrays.fill(frame, 54, 60, (byte) 0xAA);
        decode(1, frame);
        Recorded.Segment s = segments.only();
        assertEquals(0, s.payload().length);
        assertEquals(0, s.wireLength());
        assertEquals(0, decoder.stats().truncated());
    }

    @Test
    void paddedShortPayloadKeepsOnlyItsTwoBytes() {
        byte[] frame = padTo(ethernet(0x0800, ipv4(6, tcp(ascii("\r\n")))), 60);
        Arrays.fill(frame, 56, 60, (byte) 'X');
        decode(1, frame);
        assertEquals("\r\n", segments.only().text());
        assertEquals(2, segments.only().wireLength());
    }

    @Test
    void trailingFrameCheckSequenceIsNotPayload() {
        decode(1, concat(ethernet(0x86dd, IPV6_TCP), new byte[] {1, 2, 3, 4}));
        assertPayloadSegment(6);
    }

    // --- IPv4

    @Test
    void ipv4OptionsAreSkippedByTheHeaderLength() {
        byte[] routerAlert = {(byte) 0x94, 4, 0, 0, 1, 1, 1, 0};
        decode(1, ethernet(0x0800, ipv4(6, routerAlert, 0, TCP)));
        assertPayloadSegment(4);
    }

    @Test
    void dontFragmentFlagIsAWholePacket() {
        decode(1, ethernet(0x0800, ipv4(6, new byte[0], 0x4000, TCP)));
        assertPayloadSegment(4);
    }

    @Test
    void firstFragmentIsCountedAndSkipped() {
        decode(1, ethernet(0x0800, ipv4(6, new byte[0], 0x2000, TCP)));
        assertEquals(counts(0, 0, 0, 1), decoder.stats());
    }

    @Test
    void laterFragmentIsCountedAndSkipped() {
        decode(1, ethernet(0x0800, ipv4(6, new byte[0], 185, PAYLOAD)));
        assertEquals(counts(0, 0, 0, 1), decoder.stats());
    }

    @Test
    void udpIsNotTcp() {
        decode(1, ethernet(0x0800, ipv4(17, new byte[20])));
        assertEquals(counts(0, 1, 0, 0), decoder.stats());
    }

    @Test
    void headerLengthBelowFiveWordsIsUndecodable() {
        byte[] ip = IPV4_TCP.clone();
        ip[0] = 0x44;
        decode(LinkTypes.IPV4, ip);
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void totalLengthShorterThanTheHeaderIsUndecodable() {
        byte[] ip = IPV4_TCP.clone();
        ip[2] = 0;
        ip[3] = 19;
        decode(LinkTypes.IPV4, ip);
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void ipv6InsideAnIpv4EtherTypeIsUndecodable() {
        decode(1, ethernet(0x0800, IPV6_TCP));
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void zeroTotalLengthFromSegmentationOffloadTakesTheFrameLength() {
        byte[] ip = IPV4_TCP.clone();
        ip[2] = 0;
        ip[3] = 0;
        decode(LinkTypes.IPV4, ip);
        assertPayloadSegment(4);
    }

    // --- IPv6

    @Test
    void ipv6ExtensionHeaderChainIsWalked() {
        byte[] chain = concat(
                extension(43, 8, 0), // hop-by-hop, then routing
                extension(60, 24, 2), // routing (3 x 8 bytes), then destination options
                extension(51, 8, 0), // destination options, then AH
                extension(6, 16, 2)); // AH: (2 + 2) x 4 bytes, then TCP
        decode(1, ethernet(0x86dd, ipv6(0, chain, TCP)));
        assertPayloadSegment(6);
    }

    @Test
    void atomicIpv6FragmentIsAWholePacket() {
        decode(LinkTypes.IPV6, ipv6(44, extension(6, 8, 0), TCP));
        assertPayloadSegment(6);
    }

    @Test
    void ipv6FragmentIsCountedAndSkipped() {
        byte[] fragment = extension(6, 8, 0);
        fragment[3] = 1; // more fragments
        decode(LinkTypes.IPV6, ipv6(44, fragment, TCP));
        assertEquals(counts(0, 0, 0, 1), decoder.stats());
    }

    @Test
    void zeroIpv6PayloadLengthFromOffloadTakesTheFrameLength() {
        byte[] ip = IPV6_TCP.clone();
        ip[4] = 0;
        ip[5] = 0;
        decode(LinkTypes.IPV6, ip);
        assertPayloadSegment(6);
    }

    @Test
    void espEndsTheChainAsNotTcp() {
        decode(LinkTypes.IPV6, ipv6(50, new byte[32]));
        assertEquals(counts(0, 1, 0, 0), decoder.stats());
    }

    @Test
    void noNextHeaderIsNotTcp() {
        decode(LinkTypes.IPV6, ipv6(0, extension(59, 8, 0), new byte[0]));
        assertEquals(counts(0, 1, 0, 0), decoder.stats());
    }

    @Test
    void extensionHeaderLongerThanThePayloadIsUndecodable() {
        decode(LinkTypes.IPV6, ipv6(60, extension(6, 8, 200), TCP));
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    // --- other link types

    @Test
    void linuxCookedV1() {
        byte[] sll = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00};
        decode(LinkTypes.LINUX_SLL, concat(sll, IPV4_TCP));
        assertPayloadSegment(4);
    }

    @Test
    void linuxCookedV1OfArpIsNotTcp() {
        byte[] sll = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x06};
        decode(LinkTypes.LINUX_SLL, concat(sll, new byte[28]));
        assertEquals(counts(0, 1, 0, 0), decoder.stats());
    }

    @Test
    void linuxCookedV2() {
        byte[] sll2 = {(byte) 0x86, (byte) 0xdd, 0, 0, 0, 0, 0, 1, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0};
        decode(LinkTypes.LINUX_SLL2, concat(sll2, IPV6_TCP));
        assertPayloadSegment(6);
    }

    @Test
    void rawIpv4ByVersionNibble() {
        decode(LinkTypes.RAW, IPV4_TCP);
        assertPayloadSegment(4);
    }

    @Test
    void rawIpv6ByVersionNibble() {
        decode(LinkTypes.RAW, IPV6_TCP);
        assertPayloadSegment(6);
    }

    @Test
    void rawOfAnotherVersionIsUndecodable() {
        byte[] ip = IPV4_TCP.clone();
        ip[0] = 0x55;
        decode(LinkTypes.RAW, ip);
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void linkTypeIpv4() {
        decode(LinkTypes.IPV4, IPV4_TCP);
        assertPayloadSegment(4);
    }

    @Test
    void linkTypeIpv6() {
        decode(LinkTypes.IPV6, IPV6_TCP);
        assertPayloadSegment(6);
    }

    @Test
    void nullLoopbackWrittenByALittleEndianHost() {
        decode(LinkTypes.NULL, concat(new byte[] {2, 0, 0, 0}, IPV4_TCP));
        assertPayloadSegment(4);
    }

    @Test
    void nullLoopbackWrittenByABigEndianHost() {
        decode(LinkTypes.NULL, concat(new byte[] {0, 0, 0, 2}, IPV4_TCP));
        assertPayloadSegment(4);
    }

    @Test
    void nullLoopbackIpv6FamiliesOfEveryBsdInBothOrders() {
        for (int family : new int[] {24, 28, 30}) {
            decode(LinkTypes.NULL, concat(new byte[] {(byte) family, 0, 0, 0}, IPV6_TCP));
            decode(LinkTypes.NULL, concat(new byte[] {0, 0, 0, (byte) family}, IPV6_TCP));
        }
        assertEquals(counts(6, 0, 0, 0), decoder.stats());
    }

    @Test
    void nullLoopbackOfAnotherFamilyIsNotTcp() {
        decode(LinkTypes.NULL, concat(new byte[] {7, 0, 0, 0}, IPV4_TCP));
        assertEquals(counts(0, 1, 0, 0), decoder.stats());
    }

    @Test
    void openBsdLoopIsInNetworkOrder() {
        decode(LinkTypes.LOOP, concat(new byte[] {0, 0, 0, 24}, IPV6_TCP));
        assertPayloadSegment(6);
    }

    @Test
    void unsupportedLinkTypeFromALiveSourceIsUndecodable() {
        decode(189, ethernet(0x0800, IPV4_TCP));
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void supportedLinkTypesAreExactlyTheDecodedOnes() {
        for (int linkType = 0; linkType < 300; linkType++) {
            boolean expected = Arrays.asList(0, 1, 101, 108, 113, 228, 229, 276).contains(linkType);
            assertEquals(expected, PacketDecoder.supportsLinkType(linkType), "link type " + linkType);
        }
    }

    // --- snaplen

    @Test
    void payloadCutBySnaplenKeepsItsWireLength() {
        byte[] frame = ethernet(0x0800, IPV4_TCP);
        decoder.frame(1, 0, 1, frame, 0, 14 + 20 + 20 + 4, frame.length);
        Recorded.Segment s = segments.only();
        assertEquals("* OK", s.text());
        assertEquals(PAYLOAD.length, s.wireLength());
        assertEquals(1, decoder.stats().truncated());
    }

    @Test
    void tcpOptionsCutBySnaplenStillGiveTheHeaderFields() {
        byte[] tcp = Packets.tcp(1, 2, 3, 4, TcpSegment.ACK, 5, new byte[12], PAYLOAD);
        byte[] frame = ethernet(0x0800, ipv4(6, tcp));
        decoder.frame(1, 0, 1, frame, 0, 14 + 20 + 24, frame.length);
        Recorded.Segment s = segments.only();
        assertEquals(0, s.payload().length);
        assertEquals(PAYLOAD.length, s.wireLength());
        assertEquals(2, s.dstPort());
    }

    @Test
    void tcpHeaderCutBySnaplenIsUndecodable() {
        byte[] frame = ethernet(0x0800, IPV4_TCP);
        decoder.frame(1, 0, 1, frame, 0, 14 + 20 + 10, frame.length);
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void tcpDataOffsetBelowFiveWordsIsUndecodable() {
        byte[] tcp = TCP.clone();
        tcp[12] = 0x40;
        decode(LinkTypes.IPV4, ipv4(6, tcp));
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    @Test
    void tcpDataOffsetBeyondTheIpPayloadIsUndecodable() {
        byte[] tcp = tcp(new byte[0]);
        tcp[12] = (byte) 0xF0;
        decode(LinkTypes.IPV4, ipv4(6, tcp));
        assertEquals(counts(0, 0, 1, 0), decoder.stats());
    }

    // --- hostile input

    /** Every prefix and random corruption of valid frames of every link type: counted, never thrown. */
    @Test
    void anyBytesAreCountedNeverThrown() {
        byte[][] valid = {
            ethernet(0x0800, ipv4(6, new byte[] {(byte) 0x94, 4, 0, 0}, 0, TCP), 0x8100, 1),
            ethernet(0x86dd, ipv6(0, concat(extension(44, 8, 0), extension(6, 8, 0)), TCP)),
            concat(new byte[] {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00}, IPV4_TCP),
            concat(new byte[20], IPV6_TCP),
            IPV4_TCP, IPV6_TCP,
            concat(new byte[] {30, 0, 0, 0}, IPV6_TCP),
        };
        int[] linkTypes = {1, 1, 113, 276, 101, 229, 0};
        Random random = new Random(7);
        long frames = 0;
        for (int i = 0; i < valid.length; i++) {
            for (int cut = 0; cut <= valid[i].length; cut++) {
                decoder.frame(++frames, 0, linkTypes[i], valid[i], 0, cut, valid[i].length);
            }
            for (int round = 0; round < 2000; round++) {
                byte[] bad = valid[i].clone();
                for (int flips = random.nextInt(4) + 1; flips > 0; flips--) {
                    bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
                }
                int origLen = random.nextBoolean() ? bad.length : random.nextInt(100_000);
                decoder.frame(++frames, 0, linkTypes[i], bad, 0, random.nextInt(bad.length + 1), origLen);
            }
        }
        for (int round = 0; round < 2000; round++) {
            byte[] noise = new byte[random.nextInt(120)];
            random.nextBytes(noise);
            decoder.frame(++frames, 0, linkTypes[round % linkTypes.length], noise, 0, noise.length, noise.length);
        }
        CaptureStats s = decoder.stats();
        assertEquals(frames, s.frames());
        assertEquals(s.frames(), s.tcp() + s.nonTcp() + s.undecodable() + s.fragments());
        assertEquals(s.tcp(), segments.segments().size());
        for (Recorded.Segment seg : segments.segments()) {
            assertTrue(seg.payload().length <= seg.wireLength(), "captured payload never exceeds the wire length");
        }
    }

    @Test
    void capturedLengthBeyondTheBufferIsClampedToIt() {
        byte[] frame = ethernet(0x0800, IPV4_TCP);
        decoder.frame(1, 0, 1, frame, 0, frame.length + 1000, frame.length + 1000);
        assertPayloadSegment(4);
    }
}
