package io.mailscope.dissect.tls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hex digest of a string, remembered for the strings hashed last: the ClientHellos of one client software are
 * alike, so their JA3 and JA4 strings repeat, and hashing them again cost more than parsing the hello (SHA-256 and
 * MD5 of ~100 characters: 10-15 µs each in C1-compiled code, which has no SHA intrinsics).
 *
 * <p>A slot is kept per hash of the input, the newest input winning its slot; a hit compares the whole input, so an
 * answer is always the digest of exactly that string. Inputs longer than {@value #MAX_REMEMBERED} characters are
 * hashed every time and never kept, so the memo holds at most {@value #SLOTS} short strings. Shared by every thread
 * without locks: a slot holds an immutable entry, read and replaced whole (a race only costs a recomputation).
 */
final class DigestMemo {
    static final int SLOTS = 64;
    static final int MAX_REMEMBERED = 1024;

    private record Entry(String input, String hex) {
    }

    private final String algorithm;
    private final Entry[] slots = new Entry[SLOTS];

    DigestMemo(String algorithm) {
        this.algorithm = algorithm;
        hexOf(""); // fails now, not at the first hello, if the JRE lacks the algorithm
    }

    /** Lowercase hex of the digest of {@code s}'s ASCII bytes. */
    String hex(String s) {
        if (s.length() > MAX_REMEMBERED) {
            return hexOf(s);
        }
        int i = s.hashCode() & (SLOTS - 1);
        Entry e = slots[i];
        if (e != null && e.input().equals(s)) {
            return e.hex();
        }
        String hex = hexOf(s);
        slots[i] = new Entry(s, hex);
        return hex;
    }

    private String hexOf(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required of every JRE", e);
        }
    }
}
