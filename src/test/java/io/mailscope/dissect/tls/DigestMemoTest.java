package io.mailscope.dissect.tls;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DigestMemoTest {
    private static String direct(String algorithm, String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aRepeatedStringGetsTheSameDigestAsTheFirstTime() throws Exception {
        DigestMemo memo = new DigestMemo("SHA-256");
        String ja4c = "000a,000b,000d,0015,0017,001b,0023,002b,002d,0033_0403,0804,0401";
        assertEquals(direct("SHA-256", ja4c), memo.hex(ja4c));
        assertEquals(direct("SHA-256", ja4c), memo.hex(new String(ja4c.toCharArray())));
    }

    @Test
    void stringsSharingASlotEachGetTheirOwnDigest() throws Exception {
        DigestMemo memo = new DigestMemo("MD5");
        // "Aa" and "BB" have the same String.hashCode, so they share a slot and replace each other in turn
        for (int round = 0; round < 3; round++) {
            for (String s : new String[]{"Aa", "BB", "AaAa", "BBBB", "AaBB"}) {
                assertEquals(direct("MD5", s), memo.hex(s), s);
            }
        }
        for (int i = 0; i < 5 * DigestMemo.SLOTS; i++) {
            String s = "771," + i + ",0-10-11,29-23,0";
            assertEquals(direct("MD5", s), memo.hex(s), s);
            assertEquals(direct("MD5", s), memo.hex(s), s);
        }
    }

    @Test
    void aLongStringIsHashedWithoutBeingKept() throws Exception {
        DigestMemo memo = new DigestMemo("SHA-256");
        String longInput = "0a0a,".repeat(DigestMemo.MAX_REMEMBERED);
        assertEquals(direct("SHA-256", longInput), memo.hex(longInput));
        assertEquals(direct("SHA-256", longInput), memo.hex(longInput));
        assertEquals(direct("SHA-256", ""), memo.hex(""));
    }
}
