package io.mailscope.tcp;

import static io.mailscope.capture.Encapsulation.ETHERTYPE_IPV4;
import static io.mailscope.capture.Encapsulation.ETHERTYPE_MPLS;
import static io.mailscope.capture.Encapsulation.PROTO_TCP;
import static io.mailscope.capture.Encapsulation.PROTO_UDP;
import static io.mailscope.capture.Encapsulation.ethernet;
import static io.mailscope.capture.Encapsulation.gtpu;
import static io.mailscope.capture.Encapsulation.ipv4;
import static io.mailscope.capture.Encapsulation.mpls;
import static io.mailscope.capture.Encapsulation.tcp;
import static io.mailscope.capture.Encapsulation.udp;
import static io.mailscope.capture.Encapsulation.v4;
import static io.mailscope.capture.Encapsulation.vxlan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailscope.capture.LinkTypes;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.capture.TcpSegment;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A connection inside a tunnel is keyed by its inner 4-tuple and the tunnel: two tenants reusing the same private
 * addresses are two connections, while the two directions of one connection (outer addresses swapped, and per
 * direction MPLS labels or GTP-U TEIDs) stay one.
 */
class TunnelKeyTest {
    static final byte[] CLIENT = v4("10.0.0.1");
    static final byte[] SERVER = v4("10.0.0.2");
    static final byte[] VTEP_A = v4("192.0.2.10");
    static final byte[] VTEP_B = v4("192.0.2.20");

    final RecordingListener rec = new RecordingListener();
    final TcpReassembler reassembler = new TcpReassembler(rec, ReassemblyLimits.DEFAULT, p -> p == 993);
    final PacketDecoder decoder = new PacketDecoder(reassembler);
    long frame;

    /** A three-way handshake and one server line; {@code wrap} puts each inner IP packet in its tunnel. */
    void connection(Function<Packet, byte[]> wrap) {
        send(wrap, true, TcpSegment.SYN, 100, 0, "");
        send(wrap, false, TcpSegment.SYN | TcpSegment.ACK, 500, 101, "");
        send(wrap, true, TcpSegment.ACK, 101, 501, "");
        send(wrap, false, TcpSegment.ACK | TcpSegment.PSH, 501, 101, "* OK\r\n");
    }

    record Packet(boolean fromClient, byte[] ip) {
    }

    void send(Function<Packet, byte[]> wrap, boolean fromClient, int flags, long seq, long ack, String data) {
        byte[] t = fromClient ? tcp(40000, 993, seq, ack, flags, data.getBytes())
                : tcp(993, 40000, seq, ack, flags, data.getBytes());
        byte[] ip = fromClient ? ipv4(CLIENT, SERVER, PROTO_TCP, t) : ipv4(SERVER, CLIENT, PROTO_TCP, t);
        byte[] f = wrap.apply(new Packet(fromClient, ip));
        decoder.frame(++frame, frame * 1000, LinkTypes.ETHERNET, f, 0, f.length, f.length);
    }

    static Function<Packet, byte[]> vxlanTenant(long vni) {
        return p -> ethernet(ETHERTYPE_IPV4, ipv4(p.fromClient() ? VTEP_A : VTEP_B, p.fromClient() ? VTEP_B : VTEP_A,
                PROTO_UDP, udp(50000, 4789, vxlan(vni, ethernet(ETHERTYPE_IPV4, p.ip())))));
    }

    List<TcpConnection> finish() {
        reassembler.finish();
        return rec.closed;
    }

    @Test
    void twoTenantsWithTheSameAddressesAreTwoConnections() {
        connection(vxlanTenant(100));
        connection(vxlanTenant(200));
        List<TcpConnection> closed = finish();
        assertEquals(2, closed.size());
        assertEquals(List.of(List.of("vxlan:vni=100"), List.of("vxlan:vni=200")),
                closed.stream().map(c -> c.tunnel().names()).toList());
        assertEquals(List.of("192.0.2.10 -> 192.0.2.20"), closed.get(0).tunnel().endpoints());
        closed.forEach(c -> assertEquals("ShAd", c.history()));
    }

    @Test
    void theSameConnectionInsideAndOutsideATunnelIsTwoConnections() {
        connection(p -> ethernet(ETHERTYPE_IPV4, p.ip()));
        connection(vxlanTenant(100));
        assertEquals(2, finish().size());
    }

    @Test
    void gtpuTeidsAndMplsLabelsDifferingPerDirectionStayOneConnection() {
        connection(p -> ethernet(ETHERTYPE_IPV4, ipv4(p.fromClient() ? VTEP_A : VTEP_B,
                p.fromClient() ? VTEP_B : VTEP_A, PROTO_UDP,
                udp(2152, 2152, gtpu(p.fromClient() ? 0x1001 : 0x2002, 0, false, p.ip())))));
        connection(p -> ethernet(ETHERTYPE_MPLS, p.fromClient() ? mpls(p.ip(), 300, 16) : mpls(p.ip(), 17)));
        List<TcpConnection> closed = finish();
        assertEquals(2, closed.size());
        assertEquals(List.of("gtpu:teid=4097"), closed.get(0).tunnel().names(), "the first packet's tunnel");
        assertEquals(List.of("mpls:300", "mpls:16"), closed.get(1).tunnel().names());
        closed.forEach(c -> assertEquals("ShAd", c.history()));
    }
}
