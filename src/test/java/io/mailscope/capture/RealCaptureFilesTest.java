package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Files written by tcpdump, dumpcap, tshark, editcap and text2pcap on a Debian 12 machine (see
 * src/test/resources/capture/README.md). Every expected timestamp and TCP payload length below was printed by
 * {@code tshark -r FILE -T fields -e frame.time_epoch -e tcp.len} (tshark 4.0.17) and copied here after checking.
 */
class RealCaptureFilesTest {
    static final Path DIR = Path.of("src/test/resources/capture");

    /** One exchange.py run: handshake, greeting (12), command (9), reply (12), close. Same in every file. */
    static final int[] EXCHANGE_PAYLOADS = {0, 0, 0, 12, 0, 9, 0, 12, 0, 0, 0, 0};
    static final List<String> EXCHANGE_TEXT = List.of("* OK ready\r\n", "a1 NOOP\r\n", "a1 OK done\r\n");

    // tshark -r lo-ipv4-usec.pcap -T fields -e frame.time_epoch (also ipv4-linktype228.pcap, the first half of
    // raw-linktype101.pcap, null-linktype0.pcap and loop-linktype108.pcap, made from it with text2pcap)
    static final long[] LO_IPV4_USEC = {1795658071209411000L, 1795658071209433000L, 1795658071209452000L,
        1795658071209504000L, 1795658071209510000L, 1795658071209527000L, 1795658071209533000L, 1795658071209541000L,
        1795658071257446000L, 1795658071259670000L, 1795658071261446000L, 1795658071261465000L};
    // tshark -r lo-ipv6-usec.pcap (also ipv6-linktype229.pcap and the second half of the text2pcap files)
    static final long[] LO_IPV6_USEC = {1795658075559593000L, 1795658075559609000L, 1795658075559626000L,
        1795658075559688000L, 1795658075559696000L, 1795658075559710000L, 1795658075559716000L, 1795658075559724000L,
        1795658075601437000L, 1795658075609876000L, 1795658075610068000L, 1795658075610097000L};
    // tshark -r lo-ipv4-nsec.pcap (also the first section of two-sections.pcapng)
    static final long[] LO_IPV4_NSEC = {1795658073381891936L, 1795658073381907429L, 1795658073381924084L,
        1795658073382004353L, 1795658073382024363L, 1795658073382043672L, 1795658073382056371L, 1795658073382083331L,
        1795658073425454719L, 1795658073432223795L, 1795658073432319468L, 1795658073432344425L};
    // tshark -r any-sll.pcap
    static final long[] ANY_SLL = {1795658077728457000L, 1795658077728472000L, 1795658077728488000L,
        1795658077728568000L, 1795658077728589000L, 1795658077728608000L, 1795658077728620000L, 1795658077728653000L,
        1795658077769502000L, 1795658077778959000L, 1795658077779109000L, 1795658077779131000L};
    // tshark -r any-sll2.pcap (also the second section of two-sections.pcapng)
    static final long[] ANY_SLL2 = {1795658079895544000L, 1795658079895559000L, 1795658079895575000L,
        1795658079895650000L, 1795658079895672000L, 1795658079895694000L, 1795658079895707000L, 1795658079895723000L,
        1795658079937443000L, 1795658079945956000L, 1795658079946114000L, 1795658079946134000L};
    // tshark -r dumpcap-lo-and-any.pcapng: interface 0 (lo, Ethernet) then interface 1 (any, Linux cooked v1)
    static final long[] DUMPCAP_LO_AND_ANY = {1795658120548532598L, 1795658120548549132L, 1795658120548576413L,
        1795658120548657749L, 1795658120548679562L, 1795658120548698174L, 1795658120548712205L, 1795658120548728565L,
        1795658120589430221L, 1795658120598856540L, 1795658120598936845L, 1795658120598961552L, 1795658120548532097L,
        1795658120548548822L, 1795658120548576102L, 1795658120548657299L, 1795658120548679241L, 1795658120548697814L,
        1795658120548711855L, 1795658120548728254L, 1795658120589429550L, 1795658120598856250L, 1795658120598936424L,
        1795658120598961201L};
    // tshark -r tshark-lo.pcapng
    static final long[] TSHARK_LO = {1795658124032470020L, 1795658124032485903L, 1795658124032501847L,
        1795658124032554876L, 1795658124032562157L, 1795658124032576759L, 1795658124032582337L, 1795658124032590329L,
        1795658124073473656L, 1795658124082776281L, 1795658124082982208L, 1795658124083005943L};
    // tshark -r lo-snaplen96.pcap: frame 8 is 3066 bytes on the wire, 96 captured, tcp.len 3000
    static final long[] LO_SNAPLEN96 = {1795658082069228000L, 1795658082069242000L, 1795658082069258000L,
        1795658082069345000L, 1795658082069368000L, 1795658082069413000L, 1795658082069427000L, 1795658082069458000L,
        1795658082113430000L, 1795658082113446000L, 1795658082113452000L, 1795658082119605000L, 1795658082119681000L,
        1795658082119702000L};

    /** What reading and decoding one file gave. */
    record Result(Recorded.Frames frames, Recorded.Segments segments, CaptureStats stats, long returned) {
    }

    static Result read(String file) throws Exception {
        try (CaptureReader reader = CaptureReader.open(DIR.resolve(file).toString())) {
            return read(reader);
        }
    }

    static Result read(CaptureReader reader) throws Exception {
        Recorded.Frames frames = new Recorded.Frames();
        Recorded.Segments segments = new Recorded.Segments();
        PacketDecoder decoder = new PacketDecoder(segments);
        long returned = reader.readFrames((n, t, l, b, o, c, w) -> {
            frames.frame(n, t, l, b, o, c, w);
            decoder.frame(n, t, l, b, o, c, w);
        });
        return new Result(frames, segments, decoder.stats(), returned);
    }

    static long[] concat(long[] a, long[] b) {
        return LongStream.concat(Arrays.stream(a), Arrays.stream(b)).toArray();
    }

    static int[] repeat(int[] a, int times) {
        int[] r = new int[a.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(a, 0, r, i * a.length, a.length);
        }
        return r;
    }

    static int[] sameLinkType(int linkType, int count) {
        int[] r = new int[count];
        Arrays.fill(r, linkType);
        return r;
    }

    /** Frame numbers 1..n, timestamps as tshark says, every frame TCP with tshark's payload lengths. */
    static void assertWholeExchange(Result r, long[] times, int[] linkTypes, int exchanges) {
        int n = times.length;
        assertEquals(n, r.returned());
        assertArrayEquals(LongStream.rangeClosed(1, n).toArray(), r.frames().numbers());
        assertArrayEquals(times, r.frames().times());
        assertArrayEquals(linkTypes, r.frames().linkTypes());
        assertArrayEquals(repeat(EXCHANGE_PAYLOADS, exchanges), r.segments().payloadLengths());
        assertEquals(new CaptureStats(n, r.stats().bytes(), n, 0, 0, 0, 0), r.stats());
        List<String> texts = r.segments().segments().stream().filter(s -> s.payload().length > 0)
                .map(Recorded.Segment::text).toList();
        for (int i = 0; i < exchanges; i++) {
            assertEquals(EXCHANGE_TEXT, texts.subList(i * 3, i * 3 + 3));
        }
    }

    @Test
    void tcpdumpLoopbackMicrosecondPcapMatchesTshark() throws Exception {
        Result r = read("lo-ipv4-usec.pcap");
        assertWholeExchange(r, LO_IPV4_USEC, sameLinkType(LinkTypes.ETHERNET, 12), 1);
        Recorded.Segment syn = r.segments().segments().get(0);
        assertEquals(4, syn.ipVersion());
        assertArrayEquals(new byte[] {127, 0, 0, 1}, syn.src());
        assertEquals(52978, syn.srcPort()); // tshark -e tcp.srcport
        assertEquals(40101, syn.dstPort());
        assertEquals(TcpSegment.SYN, syn.flags());
        assertEquals(1057 - 24 - 12 * 16, r.stats().bytes());
    }

    @Test
    void tcpdumpNanosecondPcapKeepsEveryNanosecond() throws Exception {
        assertWholeExchange(read("lo-ipv4-nsec.pcap"), LO_IPV4_NSEC, sameLinkType(LinkTypes.ETHERNET, 12), 1);
    }

    @Test
    void tcpdumpLoopbackIpv6Pcap() throws Exception {
        Result r = read("lo-ipv6-usec.pcap");
        assertWholeExchange(r, LO_IPV6_USEC, sameLinkType(LinkTypes.ETHERNET, 12), 1);
        byte[] loopback6 = new byte[16];
        loopback6[15] = 1;
        assertArrayEquals(loopback6, r.segments().segments().get(0).dst());
        assertEquals(45826, r.segments().segments().get(0).srcPort());
    }

    @Test
    void tcpdumpAnyInterfaceLinuxCookedV1() throws Exception {
        assertWholeExchange(read("any-sll.pcap"), ANY_SLL, sameLinkType(LinkTypes.LINUX_SLL, 12), 1);
    }

    @Test
    void tcpdumpAnyInterfaceLinuxCookedV2() throws Exception {
        assertWholeExchange(read("any-sll2.pcap"), ANY_SLL2, sameLinkType(LinkTypes.LINUX_SLL2, 12), 1);
    }

    @Test
    void text2pcapIpv4LinkType() throws Exception {
        assertWholeExchange(read("ipv4-linktype228.pcap"), LO_IPV4_USEC, sameLinkType(LinkTypes.IPV4, 12), 1);
    }

    @Test
    void text2pcapIpv6LinkType() throws Exception {
        assertWholeExchange(read("ipv6-linktype229.pcap"), LO_IPV6_USEC, sameLinkType(LinkTypes.IPV6, 12), 1);
    }

    @Test
    void text2pcapRawIpMixesVersionsByVersionNibble() throws Exception {
        Result r = read("raw-linktype101.pcap");
        assertWholeExchange(r, concat(LO_IPV4_USEC, LO_IPV6_USEC), sameLinkType(LinkTypes.RAW, 24), 2);
        assertEquals(4, r.segments().segments().get(0).ipVersion());
        assertEquals(6, r.segments().segments().get(12).ipVersion());
    }

    @Test
    void text2pcapNullLoopbackWithLittleEndianFamilies() throws Exception {
        Result r = read("null-linktype0.pcap");
        assertWholeExchange(r, concat(LO_IPV4_USEC, LO_IPV6_USEC), sameLinkType(LinkTypes.NULL, 24), 2);
        assertEquals(6, r.segments().segments().get(12).ipVersion());
    }

    @Test
    void text2pcapOpenBsdLoopWithNetworkOrderFamilies() throws Exception {
        Result r = read("loop-linktype108.pcap");
        assertWholeExchange(r, concat(LO_IPV4_USEC, LO_IPV6_USEC), sameLinkType(LinkTypes.LOOP, 24), 2);
        assertEquals(6, r.segments().segments().get(12).ipVersion());
    }

    @Test
    void dumpcapOnTwoInterfacesGivesEachFrameItsInterfaceLinkType() throws Exception {
        int[] linkTypes = concat(sameLinkType(LinkTypes.ETHERNET, 12), sameLinkType(LinkTypes.LINUX_SLL, 12));
        assertWholeExchange(read("dumpcap-lo-and-any.pcapng"), DUMPCAP_LO_AND_ANY, linkTypes, 2);
    }

    @Test
    void tsharkPcapngWithNanosecondResolution() throws Exception {
        assertWholeExchange(read("tshark-lo.pcapng"), TSHARK_LO, sameLinkType(LinkTypes.ETHERNET, 12), 1);
    }

    @Test
    void twoConcatenatedSectionsEachWithTheirOwnInterfacesAndResolution() throws Exception {
        int[] linkTypes = concat(sameLinkType(LinkTypes.ETHERNET, 12), sameLinkType(LinkTypes.LINUX_SLL2, 12));
        assertWholeExchange(read("two-sections.pcapng"), concat(LO_IPV4_NSEC, ANY_SLL2), linkTypes, 2);
    }

    @Test
    void tcprewriteVlanTaggedFrames() throws Exception {
        // tshark: same times and tcp.len as lo-ipv4-usec.pcap, vlan.id 100
        assertWholeExchange(read("vlan100-tcprewrite.pcap"), LO_IPV4_USEC, sameLinkType(LinkTypes.ETHERNET, 12), 1);
    }

    @Test
    void tcprewriteQinqFramesWith8021adOuterTag() throws Exception {
        // tshark: eth.type 0x88a8, then 0x8100 id 100, then IPv4; same times and tcp.len as lo-ipv4-usec.pcap
        assertWholeExchange(read("qinq-8021ad-tcprewrite.pcap"), LO_IPV4_USEC, sameLinkType(LinkTypes.ETHERNET, 12), 1);
    }

    @Test
    void gzipPcapIsRecognisedByItsMagic() throws Exception {
        assertWholeExchange(read("lo-ipv4-usec.pcap.gz"), LO_IPV4_USEC, sameLinkType(LinkTypes.ETHERNET, 12), 1);
    }

    @Test
    void gzipPcapngIsRecognisedByItsMagic() throws Exception {
        int[] linkTypes = concat(sameLinkType(LinkTypes.ETHERNET, 12), sameLinkType(LinkTypes.LINUX_SLL2, 12));
        assertWholeExchange(read("two-sections.pcapng.gz"), concat(LO_IPV4_NSEC, ANY_SLL2), linkTypes, 2);
    }

    @Test
    void gzipFromAStreamLikeStandardInput() throws Exception {
        try (InputStream in = new FileInputStream(DIR.resolve("two-sections.pcapng.gz").toFile());
                CaptureReader reader = CaptureReader.open("-", in)) {
            Result r = read(reader);
            assertArrayEquals(concat(LO_IPV4_NSEC, ANY_SLL2), r.frames().times());
        }
    }

    @Test
    void snaplenCutSegmentKeepsItsWireLengthAndIsCountedTruncated() throws Exception {
        Result r = read("lo-snaplen96.pcap");
        assertArrayEquals(LO_SNAPLEN96, r.frames().times());
        Recorded.Frame cut = r.frames().frames().get(7);
        assertEquals(96, cut.capLen());
        assertEquals(3066, cut.origLen());
        Recorded.Segment big = r.segments().segments().get(7);
        assertEquals(3000, big.wireLength()); // tshark -e tcp.len
        assertEquals(96 - 66, big.payload().length);
        assertEquals("* xxxxxxxxxxxxxxxxxxxxxxxxxxxx", big.text());
        assertEquals(new CaptureStats(14, r.stats().bytes(), 14, 0, 0, 1, 0), r.stats());
    }

    @Test
    void framesOfSeveralFilesAreNumberedOnFromTheFirst() throws Exception {
        long next;
        try (CaptureReader first = CaptureReader.open(DIR.resolve("lo-ipv4-usec.pcap").toString())) {
            first.readFrames((n, t, l, b, o, c, w) -> { });
            next = first.nextFrameNumber();
            assertEquals(12, first.framesRead());
        }
        assertEquals(13, next);
        try (CaptureReader second = CaptureReader.open(DIR.resolve("tshark-lo.pcapng").toString())) {
            second.firstFrameNumber(next);
            Result r = read(second);
            assertArrayEquals(LongStream.rangeClosed(13, 24).toArray(), r.frames().numbers());
            assertEquals(12, second.framesRead());
            assertEquals(r.stats().bytes(), second.bytesRead());
            assertEquals(25, second.nextFrameNumber());
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A pipe delivers whatever it has: the same file in random chunks reads the same frames. */
    @Test
    void everyFileReadInRandomChunksGivesTheSameFrames() throws Exception {
        java.util.Random random = new java.util.Random(11);
        for (String file : List.of("lo-ipv4-usec.pcap", "lo-ipv4-nsec.pcap", "any-sll2.pcap", "dumpcap-lo-and-any.pcapng",
                "two-sections.pcapng", "two-sections.pcapng.gz", "lo-snaplen96.pcap")) {
            Result whole = read(file);
            byte[] bytes = java.nio.file.Files.readAllBytes(DIR.resolve(file));
            for (int round = 0; round < 20; round++) {
                try (CaptureReader reader = CaptureReader.open(file, new RandomChunks(bytes, random))) {
                    Result chunked = read(reader);
                    assertArrayEquals(whole.frames().times(), chunked.frames().times(), file);
                    assertEquals(whole.segments().segments().stream().map(Recorded.Segment::text).toList(),
                            chunked.segments().segments().stream().map(Recorded.Segment::text).toList(), file);
                }
            }
        }
    }

    static final class RandomChunks extends InputStream {
        private final java.io.ByteArrayInputStream in;
        private final java.util.Random random;

        RandomChunks(byte[] data, java.util.Random random) {
            this.in = new java.io.ByteArrayInputStream(data);
            this.random = random;
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return len == 0 ? 0 : in.read(b, off, 1 + random.nextInt(Math.min(len, 300)));
        }
    }

    @Test
    void missingFileIsAnIoException() {
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> CaptureReader.open(DIR.resolve("no-such-file.pcap").toString()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no-such-file.pcap"), e.getMessage());
    }
}
