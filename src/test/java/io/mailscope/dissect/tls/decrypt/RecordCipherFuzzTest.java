package io.mailscope.dissect.tls.decrypt;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random keys and random records for every suite and record version: a record that does not decrypt is a
 * {@link RecordException} with a message, never another exception, and never a plaintext longer than the record.
 */
class RecordCipherFuzzTest {
    private static final int[] SUITES = {0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02f, 0xc030, 0xcca8, 0xc09c,
            0xc0a0, 0xc013, 0xc014, 0xc027, 0xc028};

    @Test
    void randomRecordsAreRejectedCleanly() {
        Random random = new Random(0x6b65796cL);
        int rejected = 0;
        for (int i = 0; i < 3000; i++) {
            CipherSuiteSpec suite = CipherSuiteSpec.of(SUITES[random.nextInt(SUITES.length)]);
            RecordCipher cipher = cipher(suite, random);
            int len = random.nextInt(8) == 0 ? random.nextInt(18_432) : random.nextInt(80);
            byte[] body = new byte[len];
            random.nextBytes(body);
            byte[] out = new byte[len];
            try {
                int n = cipher.open(random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(100),
                        20 + random.nextInt(5), 0x0303, body, 0, len, out);
                assertTrue(n >= 0 && n <= len, "plaintext length " + n + " of a " + len + "-byte record");
            } catch (RecordException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
                rejected++;
            }
        }
        assertTrue(rejected > 2900, "random bytes are (almost) never a valid record: " + rejected);
    }

    private static RecordCipher cipher(CipherSuiteSpec suite, Random random) {
        byte[] secret = new byte[suite.hashLength()];
        random.nextBytes(secret);
        if (suite.tls13()) {
            return RecordCipher.tls13(suite, secret);
        }
        byte[] master = new byte[48];
        byte[] cr = new byte[32];
        byte[] sr = new byte[32];
        random.nextBytes(master);
        random.nextBytes(cr);
        random.nextBytes(sr);
        byte[][] block = KeySchedule.keyBlock12(suite, master, cr, sr);
        return RecordCipher.tls12(suite, block[0], block[2], block[4], random.nextBoolean());
    }
}
