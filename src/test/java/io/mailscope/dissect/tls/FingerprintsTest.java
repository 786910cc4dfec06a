package io.mailscope.dissect.tls;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.mailscope.dissect.tls.TlsTestSupport.alpnExtension;
import static io.mailscope.dissect.tls.TlsTestSupport.concat;
import static io.mailscope.dissect.tls.TlsTestSupport.extension;
import static io.mailscope.dissect.tls.TlsTestSupport.sniExtension;
import static io.mailscope.dissect.tls.TlsTestSupport.u16;
import static io.mailscope.dissect.tls.TlsTestSupport.u16s;
import static io.mailscope.dissect.tls.TlsTestSupport.vec16;
import static io.mailscope.dissect.tls.TlsTestSupport.vec8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JA3/JA3S/JA4 against the published vectors in /work/shared/reference/fingerprints.md. */
class FingerprintsTest {
    private static final int[] JA4_CIPHERS = {0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9,
            0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035};
    private static final int[] JA4_SIGALGS = {0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601};

    static ClientHello parse(byte[] body) throws Exception {
        return ClientHelloParser.parse(body, 0, body.length, 0x0301);
    }

    /** The TLS 1.3 hello the JA4 definition describes: SNI, 15 ciphers, 16 extensions, ALPN h2. */
    static byte[] ja4ExampleHello(boolean grease) {
        int[] ciphers = grease ? IntStream.concat(IntStream.of(0x2a2a), IntStream.of(JA4_CIPHERS)).toArray()
                : JA4_CIPHERS;
        int[] sigalgs = grease ? IntStream.concat(IntStream.of(0x3a3a), IntStream.of(JA4_SIGALGS)).toArray()
                : JA4_SIGALGS;
        List<byte[]> ext = new ArrayList<>();
        if (grease) {
            ext.add(extension(0x0a0a, new byte[0]));
        }
        ext.add(sniExtension("example.com"));
        ext.add(extension(0x0017, new byte[0]));
        ext.add(extension(0xff01, new byte[] {0}));
        ext.add(extension(0x000a, vec16(grease ? u16s(0x4a4a, 0x001d, 0x0017) : u16s(0x001d, 0x0017))));
        ext.add(extension(0x000b, vec8(new byte[] {0})));
        ext.add(extension(0x0023, new byte[0]));
        ext.add(alpnExtension("h2", "http/1.1"));
        ext.add(extension(0x0005, concat(new byte[] {1}, u16(0), u16(0))));
        ext.add(extension(0x000d, vec16(u16s(sigalgs))));
        ext.add(extension(0x0012, new byte[0]));
        ext.add(extension(0x0033, vec16(concat(u16(0x001d), vec16(new byte[32])))));
        ext.add(extension(0x002d, vec8(new byte[] {1})));
        ext.add(extension(0x002b, vec8(grease ? u16s(0x5a5a, 0x0304, 0x0303) : u16s(0x0304, 0x0303))));
        ext.add(extension(0x001b, concat(new byte[] {2}, u16(2))));
        ext.add(extension(0x4469, vec16(vec8("h2".getBytes()))));
        if (grease) {
            ext.add(extension(0xfafa, new byte[] {0}));
        }
        ext.add(extension(0x0015, new byte[40]));
        return TlsTestSupport.clientHelloBody(ciphers, ext.toArray(new byte[0][]));
    }

    @Test
    void ja3OfPublishedExamples() {
        assertEquals("ada70206e40642a3e4461f35503241d5", Fingerprints.md5Hex(
                "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0"));
        assertEquals("de350869b8c85de67a350c8d186f11e6", Fingerprints.md5Hex("769,4-5-10-9-100-98-3-6-19-18-99,,,"));
    }

    @Test
    void ja3OfHelloWithExtensionsDropsGrease() throws Exception {
        byte[] body = concat(u16(0x0301), new byte[32], vec8(new byte[0]),
                vec16(u16s(0x1a1a, 47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4)), vec8(new byte[] {0}),
                vec16(concat(sniExtension("a.example"), extension(0x2a2a, new byte[0]),
                        extension(10, vec16(u16s(0x3a3a, 23, 24, 25))), extension(11, vec8(new byte[] {0})))));
        ClientHello hello = parse(body);
        assertEquals("769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0", hello.ja3String());
        assertEquals("ada70206e40642a3e4461f35503241d5", hello.ja3());
        assertTrue(hello.cipherSuites().contains(0x1a1a), "the record keeps GREASE; only fingerprints drop it");
    }

    @Test
    void ja3OfHelloWithoutExtensionsLeavesEmptyFields() throws Exception {
        byte[] body = concat(u16(0x0301), new byte[32], vec8(new byte[0]),
                vec16(u16s(4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99)), vec8(new byte[] {0}));
        ClientHello hello = parse(body);
        assertEquals("769,4-5-10-9-100-98-3-6-19-18-99,,,", hello.ja3String());
        assertEquals("de350869b8c85de67a350c8d186f11e6", hello.ja3());
    }

    @Test
    void ja4PartsOfPublishedExample() {
        List<Integer> ciphers = IntStream.of(JA4_CIPHERS).boxed().toList();
        assertEquals("8daaf6152771", Fingerprints.ja4b(ciphers));
        List<Integer> exts = List.of(0x0005, 0x000a, 0x000b, 0x000d, 0x0012, 0x0015, 0x0017, 0x001b, 0x0023, 0x002b,
                0x002d, 0x0033, 0x4469, 0xff01, 0x0000, 0x0010);
        assertEquals("e5627efa2ab1", Fingerprints.ja4c(exts, IntStream.of(JA4_SIGALGS).boxed().toList()));
    }

    @Test
    void ja4OfPublishedExampleHello() throws Exception {
        ClientHello hello = parse(ja4ExampleHello(false));
        assertEquals(16, hello.extensions().size());
        assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", hello.ja4());
    }

    @Test
    void ja4IgnoresGreaseInCiphersExtensionsSignatureAlgorithmsAndVersions() throws Exception {
        ClientHello hello = parse(ja4ExampleHello(true));
        assertEquals(18, hello.extensions().size());
        assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", hello.ja4());
    }

    /**
     * A Chrome 143 hello as a public fingerprinting service reported it (browserleaks.com output quoted in
     * github.com/service0427/v2_cp_app tls.md): its extension order, groups, ALPN and signature algorithms, with
     * the ja3_text / ja3_hash and ja4 that service computed. Rebuilt here with GREASE added, as Chrome sends it.
     */
    @Test
    void chromeHelloGivesTheFingerprintsAnIndependentImplementationReported() throws Exception {
        int[] ciphers = {0x8a8a, 4865, 4866, 4867, 49195, 49199, 49196, 49200, 52393, 52392, 49171, 49172, 156, 157,
                47, 53};
        byte[] body = TlsTestSupport.clientHelloBody(ciphers,
                extension(0x1a1a, new byte[0]),
                extension(45, vec8(new byte[] {1})),
                extension(51, vec16(concat(u16(0x2a2a), vec16(new byte[1]), u16(29), vec16(new byte[32])))),
                alpnExtension("h2", "http/1.1"),
                extension(65037, new byte[] {0, 0, 1, 0, 1, 0x42, 0, 0, 0, 0}),
                extension(23, new byte[0]),
                extension(17613, vec16(vec8("h2".getBytes()))),
                sniExtension("tls.browserleaks.com"),
                extension(11, vec8(new byte[] {0})),
                extension(10, vec16(u16s(0x3a3a, 4588, 29, 23, 24))),
                extension(43, vec8(u16s(0x4a4a, 0x0304, 0x0303))),
                extension(65281, new byte[] {0}),
                extension(35, new byte[0]),
                extension(18, new byte[0]),
                extension(5, concat(new byte[] {1}, u16(0), u16(0))),
                extension(13, vec16(u16s(JA4_SIGALGS))),
                extension(27, concat(new byte[] {2}, u16(2))),
                extension(0x5a5a, new byte[] {0}));
        ClientHello hello = parse(body);
        assertEquals("771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,"
                + "45-51-16-65037-23-17613-0-11-10-43-65281-35-18-5-13-27,4588-29-23-24,0", hello.ja3String());
        assertEquals("98487aa16281980e7d1120d399efb6a4", hello.ja3());
        assertEquals("t13d1516h2_8daaf6152771_d8a2da3f94cd", hello.ja4());
        assertTrue(hello.encryptedClientHello());
        assertEquals(List.of(0x2a2a, 29), hello.keyShareGroups());
    }

    @Test
    void ja4CountsAreCappedAt99() {
        List<Integer> many = IntStream.range(1, 121).boxed().toList();
        String ja4 = Fingerprints.ja4(0x0303, List.of(), false, many, many, null, List.of());
        assertTrue(ja4.startsWith("t12i999900_"), ja4);
    }

    @Test
    void ja4AlpnUsesFirstAndLastCharacterOrHexWhenNotAlphanumeric() {
        assertEquals("h2", Fingerprints.ja4Alpn("h2"));
        assertEquals("h1", Fingerprints.ja4Alpn("http/1.1"));
        assertEquals("ip", Fingerprints.ja4Alpn("imap"));
        assertEquals("ad", Fingerprints.ja4Alpn("\u00ab\u00cd"), "0xab 0xcd: first hex digit of first byte, last of last");
        assertEquals("6d", Fingerprints.ja4Alpn("a-"), "'-' (0x2d) is not alphanumeric: '6' of 0x61 and 'd' of 0x2d");
        assertEquals("17", Fingerprints.ja4Alpn("\u0013\u0027"), "0x13 0x27");
        assertEquals("hh", Fingerprints.ja4Alpn("h"));
        assertEquals("00", Fingerprints.ja4Alpn(null));
        assertEquals("00", Fingerprints.ja4Alpn(""));
    }

    @Test
    void ja4WithoutSignatureAlgorithmsLeavesOutTheUnderscorePart() {
        List<Integer> exts = List.of(0x000a, 0x000b, 0x0000);
        assertEquals(Fingerprints.hash12("000a,000b"), Fingerprints.ja4c(exts, List.of()));
        assertEquals(Fingerprints.hash12("000a,000b_0403"), Fingerprints.ja4c(exts, List.of(0x0403)));
    }

    @Test
    void ja4EmptyListsHashToTwelveZeros() {
        String ja4 = Fingerprints.ja4(0x0303, List.of(), false, List.of(), List.of(), null, List.of());
        assertEquals("t12i000000_000000000000_000000000000", ja4);
        assertEquals("000000000000", Fingerprints.ja4c(List.of(0x0000, 0x0010), List.of()),
                "SNI and ALPN alone leave nothing to hash");
    }

    @Test
    void ja4VersionIsHighestNonGreaseSupportedVersionElseLegacy() {
        assertEquals("13", Fingerprints.ja4Version(0x0303, List.of(0xfafa, 0x0304, 0x0303)));
        assertEquals("12", Fingerprints.ja4Version(0x0303, List.of()));
        assertEquals("10", Fingerprints.ja4Version(0x0301, List.of()));
        assertEquals("s3", Fingerprints.ja4Version(0x0300, List.of()));
        assertEquals("00", Fingerprints.ja4Version(0x7f1c, List.of()));
    }

    @Test
    void ja4WithoutSniSaysI() throws Exception {
        byte[] body = TlsTestSupport.clientHelloBody(new int[] {0x1301}, extension(0x002b, vec8(u16s(0x0304))));
        assertTrue(parse(body).ja4().startsWith("t13i010100_"), parse(body).ja4());
    }

    @Test
    void greaseIsBothBytesEqualEndingInA() {
        assertTrue(Grease.is(0x0a0a));
        assertTrue(Grease.is(0xfafa));
        assertFalse(Grease.is(0x0a1a));
        assertFalse(Grease.is(0x0101), "ffdhe3072 is a real group");
        assertFalse(Grease.is(0x1301));
    }

    @Test
    void ja3sOfServerHello() throws Exception {
        byte[] body = concat(u16(0x0303), new byte[32], vec8(new byte[0]), u16(0x1301), new byte[] {0},
                vec16(concat(extension(0x002b, u16(0x0304)), extension(0x0033, concat(u16(0x001d), vec16(new byte[32]))))));
        ServerHello hello = ServerHelloParser.parse(body, 0, body.length);
        assertEquals("771,4865,43-51", hello.ja3sString());
        assertEquals(Fingerprints.md5Hex("771,4865,43-51"), hello.ja3s());
        assertEquals(0x0304, hello.selectedVersion());
        assertEquals(0x001d, hello.keyShareGroup());
        assertFalse(hello.helloRetryRequest());
    }
}
