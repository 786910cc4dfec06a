package io.mailscope.capture;

import static io.mailscope.capture.Encapsulation.ETHERTYPE_ERSPAN;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_ERSPAN_3;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_IPV4;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_IPV6;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_MPLS;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_PPPOE_SESSION;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_QINQ;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_TEB;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_VLAN;
import static io.mailscope.capture.Encapsulation.PROTO_GRE;
import static io.mailscope.capture.Encapsulation.PROTO_IPIP;
import static io.mailscope.capture.Encapsulation.PROTO_IPV6;
import static io.mailscope.capture.Encapsulation.PROTO_TCP;
import static io.mailscope.capture.Encapsulation.PROTO_UDP;
import static io.mailscope.capture.Encapsulation.controlWord;
import static io.mailscope.capture.Encapsulation.erspan2;
import static io.mailscope.capture.Encapsulation.erspan3;
import static io.mailscope.capture.Encapsulation.ethernet;
import static io.mailscope.capture.Encapsulation.geneve;
import static io.mailscope.capture.Encapsulation.gre;
import static io.mailscope.capture.Encapsulation.gtpu;
import static io.mailscope.capture.Encapsulation.ipv4;
import static io.mailscope.capture.Encapsulation.ipv6;
import static io.mailscope.capture.Encapsulation.mpls;
import static io.mailscope.capture.Encapsulation.pppoe;
import static io.mailscope.capture.Encapsulation.udp;
import static io.mailscope.capture.Encapsulation.v4;
import static io.mailscope.capture.Encapsulation.v6;
import static io.mailscope.capture.Encapsulation.vxlan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailscope.tcp.Tunnel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tunnels are decoded down to the inner TCP segment, and each layer is kept with its identifier and outer addresses,
 * outermost first. Frames are built by {@link Encapsulation} as the specifications lay them out.
 */
class TunnelDecodingTest {
    static final byte[] OUTER_A = v4("192.0.2.10");
    static final byte[] OUTER_B = v4("192.0.2.20");
    static final byte[] INNER_CLIENT = v4("10.0.0.1");
    static final byte[] INNER_SERVER = v4("10.0.0.2");
    static final byte[] PAYLOAD = "* OK IMAP ready\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What the sink saw of each segment: its tunnel as reports print it, its inner addresses and its payload. */
    record Seen(String tunnel, String inner, String payload) {
    }

    final List<Seen> seen = new ArrayList<>();
    final PacketDecoder decoder = new PacketDecoder(s -> seen.add(new Seen(Tunnel.of(s.tunnel).toString(),
            Arrays.toString(Arrays.copyOf(s.src, s.addressLength())) + ":" + s.srcPort + ">" + s.dstPort,
            new String(s.data, s.dataOffset, s.capturedLength, StandardCharsets.ISO_8859_1))));

    static byte[] innerTcp() {
        return Packets.tcp(993, 40000, 1, 1, TcpSegment.ACK | TcpSegment.PSH, 512, new byte[0], PAYLOAD);
    }

    static byte[] innerIpv4() {
        return ipv4(INNER_CLIENT, INNER_SERVER, PROTO_TCP, innerTcp());
    }

    static byte[] innerIpv6() {
        return ipv6(v6(1), v6(2), PROTO_TCP, innerTcp());
    }

    static byte[] innerEthernet() {
        return ethernet(ETHERTYPE_IPV4, innerIpv4());
    }

    /** Ethernet / IPv4 A -> B / {@code protocol} / payload. */
    static byte[] overIpv4(int protocol, byte[] payload) {
        return ethernet(ETHERTYPE_IPV4, ipv4(OUTER_A, OUTER_B, protocol, payload));
    }

    String decodeOne(byte[] frame) {
        decoder.frame(1, 0, LinkTypes.ETHERNET, frame, 0, frame.length, frame.length);
        assertEquals(1, decoder.stats().tcp(), () -> "not decoded to TCP: " + decoder.stats());
        Seen s = seen.get(0);
        assertEquals("* OK IMAP ready\r\n", s.payload());
        return s.tunnel();
    }

    @Test
    void plainFrameHasNoTunnel() {
        assertEquals("", decodeOne(innerEthernet()));
    }

    @Test
    void vlanTagsAreLayersNamedByTheirTagType() {
        assertEquals("qinq:300 / vlan:100",
                decodeOne(ethernet(ETHERTYPE_IPV4, innerIpv4(), ETHERTYPE_QINQ, 300, ETHERTYPE_VLAN, 0x2000 | 100)));
    }

    @Test
    void vxlanOnTheIanaPortAndOnLinuxsPortCarriesAnEthernetFrame() {
        assertEquals("vxlan:vni=4242 (192.0.2.10 -> 192.0.2.20)",
                decodeOne(overIpv4(PROTO_UDP, udp(51515, 4789, vxlan(4242, innerEthernet())))));
        seen.clear();
        PacketDecoder linux = new PacketDecoder(s -> seen.add(new Seen(Tunnel.of(s.tunnel).toString(), "", "")));
        byte[] frame = overIpv4(PROTO_UDP, udp(51515, 8472, vxlan(7, innerEthernet())));
        linux.frame(1, 0, LinkTypes.ETHERNET, frame, 0, frame.length, frame.length);
        assertEquals("vxlan:vni=7 (192.0.2.10 -> 192.0.2.20)", seen.get(0).tunnel());
    }

    @Test
    void vxlanHeaderOnAnotherPortOrWithoutItsFlagIsJustUdp() {
        byte[] otherPort = overIpv4(PROTO_UDP, udp(51515, 5000, vxlan(1, innerEthernet())));
        byte[] noFlag = overIpv4(PROTO_UDP, udp(51515, 4789, vxlan(1, innerEthernet())));
        noFlag[14 + 20 + 8] = 0;
        for (byte[] f : List.of(otherPort, noFlag)) {
            decoder.frame(1, 0, LinkTypes.ETHERNET, f, 0, f.length, f.length);
        }
        assertEquals(2, decoder.stats().nonTcp());
        assertTrue(seen.isEmpty());
    }

    @Test
    void geneveSkipsItsOptionsAndCarriesEthernetOrIp() {
        assertEquals("geneve:vni=99 (192.0.2.10 -> 192.0.2.20)",
                decodeOne(overIpv4(PROTO_UDP, udp(40000, 6081, geneve(99, ETHERTYPE_TEB, innerEthernet())))));
        seen.clear();
        assertEquals("geneve:vni=98 (192.0.2.10 -> 192.0.2.20)",
                decodeOne2(overIpv4(PROTO_UDP, udp(40000, 6081, geneve(98, ETHERTYPE_IPV4, innerIpv4())))));
    }

    @Test
    void greWithAndWithoutKeyCarriesIpOrBridgedEthernet() {
        assertEquals("gre (192.0.2.10 -> 192.0.2.20)", decodeOne(overIpv4(PROTO_GRE, gre(ETHERTYPE_IPV4, null, null,
                innerIpv4()))));
        assertEquals("gre:key=77 (192.0.2.10 -> 192.0.2.20)", decodeOne2(overIpv4(PROTO_GRE, gre(ETHERTYPE_TEB, 77L,
                5L, innerEthernet()))));
    }

    @Test
    void erspanTypesOneTwoAndThreeCarryTheMirroredFrame() {
        assertEquals("erspan:session=0 (192.0.2.10 -> 192.0.2.20)",
                decodeOne(overIpv4(PROTO_GRE, gre(ETHERTYPE_ERSPAN, null, null, innerEthernet()))));
        assertEquals("erspan:session=1023 (192.0.2.10 -> 192.0.2.20)",
                decodeOne2(overIpv4(PROTO_GRE, gre(ETHERTYPE_ERSPAN, null, 1L, erspan2(1023, innerEthernet())))));
        seen.clear();
        PacketDecoder d3 = new PacketDecoder(s -> seen.add(new Seen(Tunnel.of(s.tunnel).toString(), "", "")));
        byte[] f = overIpv4(PROTO_GRE, gre(ETHERTYPE_ERSPAN_3, null, 1L, erspan3(12, 123456, innerEthernet())));
        d3.frame(1, 0, LinkTypes.ETHERNET, f, 0, f.length, f.length);
        assertEquals("erspan:session=12 (192.0.2.10 -> 192.0.2.20)", seen.get(0).tunnel());
    }

    @Test
    void gtpuUnderAVlanTagWithAndWithoutExtensionHeaders() {
        byte[] plain = ethernet(ETHERTYPE_IPV4, ipv4(OUTER_A, OUTER_B, PROTO_UDP,
                udp(2152, 2152, gtpu(0x1234abcdL, 0, false, innerIpv4()))), ETHERTYPE_VLAN, 20);
        assertEquals("vlan:20 / gtpu:teid=305441741 (192.0.2.10 -> 192.0.2.20)", decodeOne(plain));
        byte[] extended = ethernet(ETHERTYPE_IPV4, ipv4(OUTER_A, OUTER_B, PROTO_UDP,
                udp(2152, 2152, gtpu(5, 17, true, innerIpv6()))), ETHERTYPE_VLAN, 20);
        assertEquals("vlan:20 / gtpu:teid=5 (192.0.2.10 -> 192.0.2.20)", decodeOne2(extended));
    }

    @Test
    void gtpMessagesOtherThanUserDataAreNotTcp() {
        byte[] g = gtpu(5, 0, false, innerIpv4());
        g[1] = 1; // echo request
        byte[] f = overIpv4(PROTO_UDP, udp(2152, 2152, g));
        decoder.frame(1, 0, LinkTypes.ETHERNET, f, 0, f.length, f.length);
        assertEquals(1, decoder.stats().nonTcp());
    }

    @Test
    void ipInIpAndIpv6InIpv4AndIpv4InIpv6() {
        assertEquals("ipip (192.0.2.10 -> 192.0.2.20)", decodeOne(overIpv4(PROTO_IPIP, innerIpv4())));
        assertEquals("ip6ip (192.0.2.10 -> 192.0.2.20)", decodeOne2(overIpv4(PROTO_IPV6, innerIpv6())));
        seen.clear();
        PacketDecoder d = new PacketDecoder(s -> seen.add(new Seen(Tunnel.of(s.tunnel).toString(), "", "")));
        byte[] f = ethernet(ETHERTYPE_IPV6, ipv6(v6(0xa), v6(0xb), PROTO_IPIP, innerIpv4()));
        d.frame(1, 0, LinkTypes.ETHERNET, f, 0, f.length, f.length);
        assertEquals("ipip (2001:db8::a -> 2001:db8::b)", seen.get(0).tunnel());
    }

    @Test
    void mplsLabelStackThenIpOrAPseudowireWithControlWord() {
        assertEquals("mpls:1000 / mpls:16", decodeOne(ethernet(ETHERTYPE_MPLS, mpls(innerIpv4(), 1000, 16))));
        assertEquals("mpls:2000 / mpls:17 / vlan:5", decodeOne2(ethernet(ETHERTYPE_MPLS,
                mpls(controlWord(1, ethernet(ETHERTYPE_IPV4, innerIpv4(), ETHERTYPE_VLAN, 5)), 2000, 17))));
    }

    @Test
    void mplsPseudowireWithoutControlWordIsNotGuessed() {
        byte[] f = ethernet(ETHERTYPE_MPLS, mpls(ethernet(ETHERTYPE_IPV4, innerIpv4()), 2000));
        f[14 + 4] = 0x00; // a destination MAC starting 00: looks like a control word, but no EtherType follows it
        decoder.frame(1, 0, LinkTypes.ETHERNET, f, 0, f.length, f.length);
        assertEquals(0, decoder.stats().tcp());
    }

    @Test
    void pppoeSessionCarriesIpv4OrIpv6() {
        assertEquals("pppoe:4660", decodeOne(ethernet(ETHERTYPE_PPPOE_SESSION, pppoe(0x1234, 0x0021, innerIpv4()))));
        assertEquals("vlan:7 / pppoe:1", decodeOne2(ethernet(ETHERTYPE_PPPOE_SESSION, pppoe(1, 0x0057, innerIpv6()),
                ETHERTYPE_VLAN, 7)));
    }

    @Test
    void nestedTunnelsAreListedOutermostFirst() {
        byte[] tenantFrame = ethernet(ETHERTYPE_IPV4, ipv4(v4("198.51.100.1"), v4("198.51.100.2"), PROTO_UDP,
                udp(33333, 4789, vxlan(5001, ethernet(ETHERTYPE_IPV4, innerIpv4(), ETHERTYPE_VLAN, 42)))));
        byte[] mirrored = overIpv4(PROTO_GRE, gre(ETHERTYPE_ERSPAN, null, 9L, erspan2(3, tenantFrame)));
        assertEquals("erspan:session=3 (192.0.2.10 -> 192.0.2.20) / vxlan:vni=5001 (198.51.100.1 -> 198.51.100.2)"
                + " / vlan:42", decodeOne(mirrored));
    }

    @Test
    void nestingDeeperThanEightLayersIsUndecodable() {
        int[] tags = new int[2 * 9];
        for (int i = 0; i < tags.length; i += 2) {
            tags[i] = ETHERTYPE_VLAN;
            tags[i + 1] = i;
        }
        byte[] f = ethernet(ETHERTYPE_IPV4, innerIpv4(), tags);
        decoder.frame(1, 0, LinkTypes.ETHERNET, f, 0, f.length, f.length);
        assertEquals(1, decoder.stats().undecodable());
    }

    @Test
    void everyTruncationOfATunnelledFrameIsCountedNeverThrown() {
        byte[] f = overIpv4(PROTO_GRE, gre(ETHERTYPE_ERSPAN, null, 9L, erspan2(3, ethernet(ETHERTYPE_IPV4,
                ipv4(v4("198.51.100.1"), v4("198.51.100.2"), PROTO_UDP, udp(1, 2152, gtpu(1, 1, true,
                        innerIpv4())))))));
        for (int cut = 0; cut <= f.length; cut++) {
            decoder.frame(cut, 0, LinkTypes.ETHERNET, f, 0, cut, f.length);
        }
        CaptureStats st = decoder.stats();
        assertEquals(f.length + 1, st.tcp() + st.nonTcp() + st.undecodable() + st.fragments());
        assertTrue(st.tcp() > 0);
    }

    /** The second frame decoded by {@link #decoder}: its tunnel. */
    String decodeOne2(byte[] frame) {
        decoder.frame(2, 0, LinkTypes.ETHERNET, frame, 0, frame.length, frame.length);
        Seen s = seen.get(seen.size() - 1);
        assertEquals("* OK IMAP ready\r\n", s.payload());
        return s.tunnel();
    }
}
