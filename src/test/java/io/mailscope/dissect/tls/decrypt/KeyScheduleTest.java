package io.mailscope.dissect.tls.decrypt;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Key schedules against published vectors: RFC 8448 (TLS 1.3) and the IETF TLS WG's TLS 1.2 PRF vectors. */
class KeyScheduleTest {
    static final HexFormat HEX = HexFormat.of();

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    @Test
    void tls13TrafficKeysOfRfc8448() {
        CipherSuiteSpec suite = CipherSuiteSpec.of(0x1301);
        String[][] cases = {
                // secret, key, iv (RFC 8448 section 3)
                {"b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38", "3fce516009c21727d0f2e4e86ee403bc", "5d313eb2671276ee13000b30"},
                {"b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21", "dbfaa693d1762c5b666af5d950258d01", "5bd3c71b836e0b76bb73265f"},
                {"a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643", "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984"},
                {"9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5", "17422dda596ed5d9acd890e3c63f5051", "5b78923dee08579033e523d9"},
        };
        for (String[] c : cases) {
            byte[][] keys = KeySchedule.trafficKeys(suite, HEX.parseHex(c[0]));
            assertEquals(c[1], hex(keys[0]), "key from " + c[0]);
            assertEquals(c[2], hex(keys[1]), "iv from " + c[0]);
        }
    }

    @Test
    void tls12PrfSha256AndSha384() {
        assertEquals("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af"
                        + "0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff701"
                        + "87347b66",
                hex(KeySchedule.prf12("SHA-256", HEX.parseHex("9bbe436ba940f017b17652849a71db35"), "test label",
                        HEX.parseHex("a0ba9f936cda311827a6f796ffd5198c"), 100)));
        assertEquals("7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0"
                        + "e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d918425"
                        + "9b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990"
                        + "703d73e56f",
                hex(KeySchedule.prf12("SHA-384", HEX.parseHex("b80b733d6ceefcdc71566ea48e5567df"), "test label",
                        HEX.parseHex("cd665cf6a8447dd6ff8b27555edb7465"), 148)));
    }

    /**
     * OpenSSL logs the secrets it moves to at each KeyUpdate (CLIENT_TRAFFIC_SECRET_N); mailscope derives them from
     * the first one: they must be the same.
     */
    @Test
    void keyUpdateSecretsMatchWhatOpensslLogged() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/captures/decrypt/tls13-key-update.keylog"));
        CipherSuiteSpec suite = CipherSuiteSpec.of(0x1302); // the capture's TLS_AES_256_GCM_SHA384
        for (String side : List.of("CLIENT", "SERVER")) {
            List<String> secrets = lines.stream().filter(l -> l.startsWith(side + "_TRAFFIC_SECRET_"))
                    .map(l -> l.split(" ")[2]).toList();
            assertEquals(side.equals("CLIENT") ? 3 : 2, secrets.size(), side + ": secret 0 and the updates");
            for (int i = 1; i < secrets.size(); i++) {
                assertEquals(secrets.get(i), hex(KeySchedule.nextTrafficSecret(suite, HEX.parseHex(secrets.get(i - 1)))),
                        side + " update " + i);
            }
        }
    }
}
