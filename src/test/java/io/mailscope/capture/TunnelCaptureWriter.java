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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Wraps every packet of a real loopback recording in the outer headers of a tunnel the kernel of the recording
 * machine could not create (only VXLAN works in its container): the wrapped captures in
 * src/test/resources/captures/tunnels. Outer addresses swap with the inner direction as a real tunnel's do;
 * per-direction identifiers (MPLS labels, GTP-U TEIDs) differ per direction as on a real network; mirror
 * sessions (ERSPAN) always go from the mirroring switch to the collector.
 *
 * <p>Run: {@code java -cp target/classes:target/test-classes io.mailscope.capture.TunnelCaptureWriter CAPTURES_DIR}
 * (src/test/scripts/record/record-tunnels.sh does). The output depends only on the input files, so
 * {@code TunnelCapturesTest} can check that the committed files are exactly what this writer makes.
 */
public final class TunnelCaptureWriter {
    /** Server ports of the loopback recordings: a packet to one of them is from the client. */
    private static final Set<Integer> SERVER_PORTS = Set.of(10143, 10993, 143, 993);
    private static final byte[] A = v4("192.0.2.10");
    private static final byte[] B = v4("192.0.2.20");

    /** One inner packet: its IP header onwards, its direction and its index in the capture. */
    record Inner(byte[] ip, boolean fromClient, int index) {
        boolean ipv6() {
            return (ip[0] & 0xf0) == 0x60;
        }

        int etherType() {
            return ipv6() ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
        }

        byte[] ethernetFrame() {
            return ethernet(etherType(), ip);
        }

        byte[] src() {
            return fromClient ? A : B;
        }

        byte[] dst() {
            return fromClient ? B : A;
        }
    }

    interface Wrap {
        byte[] frame(Inner p);
    }

    /** A wrapped capture: its name, the recording it wraps and how. */
    public record Recipe(String output, String input, String description, Wrap wrap) {
    }

    public static final List<Recipe> RECIPES = List.of(
            new Recipe("gre-imaps.pcap", "imaps-ok-curl.pcap", "GRE (RFC 2784) without key, IPv4 inside",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(p.src(), p.dst(), PROTO_GRE,
                            gre(p.etherType(), null, null, p.ip())))),
            new Recipe("gretap-key-starttls.pcap", "starttls-ok-python.pcap",
                    "GRE with key 1001 and sequence numbers (RFC 2890), transparent Ethernet bridging",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(p.src(), p.dst(), PROTO_GRE,
                            gre(ETHERTYPE_TEB, 1001L, (long) p.index(), p.ethernetFrame())))),
            new Recipe("erspan1-imaps.pcap", "imaps-ok-tls12.pcap", "ERSPAN type I (GRE 0x88BE, no sequence)",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(A, B, PROTO_GRE,
                            gre(ETHERTYPE_ERSPAN, null, null, p.ethernetFrame())))),
            new Recipe("erspan2-imaps.pcap", "imaps-ok-curl.pcap", "ERSPAN type II, session 100",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(A, B, PROTO_GRE,
                            gre(ETHERTYPE_ERSPAN, null, (long) p.index(), erspan2(100, p.ethernetFrame()))))),
            new Recipe("erspan3-starttls.pcap", "starttls-ok-python.pcap", "ERSPAN type III, session 200",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(A, B, PROTO_GRE, gre(ETHERTYPE_ERSPAN_3, null,
                            (long) p.index(), erspan3(200, 1_000_000L + p.index(), p.ethernetFrame()))))),
            new Recipe("geneve-imaps.pcap", "imaps-ok-tls12.pcap", "GENEVE (RFC 8926) VNI 5000 with one option",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(p.src(), p.dst(), PROTO_UDP,
                            udp(49152 + p.index() % 7, 6081, geneve(5000, ETHERTYPE_TEB, p.ethernetFrame()))))),
            new Recipe("gtpu-vlan-imaps.pcap", "imaps-ok-curl.pcap",
                    "GTP-U under 802.1Q tag 30, uplink TEID 0x1001 with a PDU session container, downlink 0x2002",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(p.src(), p.dst(), PROTO_UDP, udp(2152, 2152,
                            gtpu(p.fromClient() ? 0x1001 : 0x2002, p.index(), p.fromClient(), p.ip()))),
                            ETHERTYPE_VLAN, 30)),
            new Recipe("ipip-starttls.pcap", "starttls-ok-python.pcap", "IPv4 in IPv4 (protocol 4)",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(p.src(), p.dst(), PROTO_IPIP, p.ip()))),
            new Recipe("sit-ipv6-imaps.pcap", "ipv6-imaps-ok.pcap", "IPv6 in IPv4 (protocol 41, 6in4/SIT)",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(p.src(), p.dst(), PROTO_IPV6, p.ip()))),
            new Recipe("mpls-imaps.pcap", "imaps-ok-tls12.pcap",
                    "MPLS, two labels client to server (1000, 16), one back (17)",
                    p -> ethernet(ETHERTYPE_MPLS, p.fromClient() ? mpls(p.ip(), 1000, 16) : mpls(p.ip(), 17))),
            new Recipe("mpls-pw-starttls.pcap", "starttls-ok-python.pcap",
                    "MPLS Ethernet pseudowire (label 2000, then PW label 100) with control word",
                    p -> ethernet(ETHERTYPE_MPLS, mpls(controlWord(p.index(), p.ethernetFrame()), 2000, 100))),
            new Recipe("pppoe-imaps.pcap", "imaps-ok-curl.pcap", "PPPoE session 0x0042 (RFC 2516), PPP IPv4",
                    p -> ethernet(ETHERTYPE_PPPOE_SESSION, pppoe(0x42, 0x0021, p.ip()))),
            new Recipe("nested-erspan-vxlan-qinq.pcap", "imaps-ok-tls12.pcap",
                    "ERSPAN II (session 7) of a VXLAN (VNI 4242) underlay carrying a QinQ-tagged (S 300, C 10) frame",
                    p -> ethernet(ETHERTYPE_IPV4, ipv4(A, B, PROTO_GRE, gre(ETHERTYPE_ERSPAN, null,
                            (long) p.index(), erspan2(7, ethernet(ETHERTYPE_IPV4, ipv4(
                                    p.fromClient() ? v4("198.51.100.1") : v4("198.51.100.2"),
                                    p.fromClient() ? v4("198.51.100.2") : v4("198.51.100.1"), PROTO_UDP,
                                    udp(40000 + p.index() % 5, 4789, vxlan(4242,
                                            ethernet(p.etherType(), p.ip(), ETHERTYPE_QINQ, 300,
                                                    ETHERTYPE_VLAN, 10)))))))))),
            new Recipe("ip6-gre-imaps.pcap", "imaps-ok-curl.pcap", "GRE over IPv6 (key 7), IPv4 inside",
                    p -> ethernet(ETHERTYPE_IPV6, ipv6(p.fromClient() ? v6(0x10) : v6(0x20),
                            p.fromClient() ? v6(0x20) : v6(0x10), PROTO_GRE,
                            gre(p.etherType(), 7L, null, p.ip())))));

    private TunnelCaptureWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path captures = Path.of(args.length > 0 ? args[0] : "src/test/resources/captures");
        Files.createDirectories(captures.resolve("tunnels"));
        for (Recipe r : RECIPES) {
            Path out = captures.resolve("tunnels").resolve(r.output());
            Files.write(out, write(captures.resolve(r.input()), r));
            System.out.println(out + ": " + r.description());
        }
    }

    /** The wrapped capture as bytes: classic pcap, microseconds, little-endian, Ethernet, the input's times. */
    public static byte[] write(Path input, Recipe recipe) throws IOException {
        byte[] in = Files.readAllBytes(input);
        ByteBuffer src = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        if (src.getInt(0) != 0xa1b2c3d4 || src.getInt(20) != LinkTypes.ETHERNET) {
            throw new IOException(input + ": expected a little-endian microsecond Ethernet pcap");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PcapWriter out = PcapWriter.to(bytes, PcapWriter.Format.PCAP_MICROS, LinkTypes.ETHERNET, 262_144);
        int index = 0;
        for (int at = 24; at + 16 <= in.length; ) {
            long seconds = src.getInt(at) & 0xffffffffL;
            long micros = src.getInt(at + 4) & 0xffffffffL;
            int capLen = src.getInt(at + 8);
            byte[] frame = Arrays.copyOfRange(in, at + 16, at + 16 + capLen);
            at += 16 + capLen;
            byte[] ip = Arrays.copyOfRange(frame, 14, frame.length);
            byte[] wrapped = recipe.wrap().frame(new Inner(ip, fromClient(ip), ++index));
            out.write(seconds * 1_000_000_000L + micros * 1_000L, wrapped, 0, wrapped.length, wrapped.length);
        }
        out.close();
        return bytes.toByteArray();
    }

    private static boolean fromClient(byte[] ip) {
        int tcp = (ip[0] & 0xf0) == 0x60 ? 40 : (ip[0] & 0x0f) * 4;
        int dstPort = ((ip[tcp + 2] & 0xff) << 8) | (ip[tcp + 3] & 0xff);
        return SERVER_PORTS.contains(dstPort);
    }
}
