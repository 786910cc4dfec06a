package io.mailscope.dissect.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SSL 2.0-compatible ClientHello (RFC 6101 appendix E, RFC 5246 E.2) that old clients and scanners still send
 * first: a 2-byte record header with the high bit set, then CLIENT-HELLO (type 1), the version the client offers
 * (0x0002 for SSL 2.0, 0x0300 to 0x0303 from a client that also speaks SSL 3.0/TLS), the lengths of the cipher
 * specs (3 bytes each), the session ID and the challenge, and those three.
 *
 * <p>Read incrementally (its record is at most 32767 bytes, kept whole while it arrives) and turned into a
 * {@link ClientHello} with no extensions. Fingerprints follow their definitions: JA3 takes every cipher spec as
 * the number it is (a 2-byte TLS suite 0x0000XX, or a 3-byte SSL 2.0 kind such as 0x010080 = 65664, as Zeek's
 * JA3 does); JA4's cipher part can hold only 2-byte suites, so SSL 2.0-only kinds are left out of it, and its
 * version is the hello's ("s2" for 0x0002, "10" for a 0x0301 hello).
 */
public final class SslV2ClientHello {
    /** The smallest CLIENT-HELLO: 9 header bytes, one cipher spec, a 16-byte challenge. */
    private static final int MIN_BODY = 9 + 3 + 16;

    /** What the first bytes of a stream say. */
    public enum Verdict { YES, NO, NEED_MORE }

    private byte[] record;
    private int filled;

    /** Whether a stream starts with an SSL 2.0-format ClientHello (needs its first 5 bytes). */
    public static Verdict starts(byte[] b, int len) {
        if (len < 1) {
            return Verdict.NEED_MORE;
        }
        if ((b[0] & 0x80) == 0) {
            return Verdict.NO;
        }
        if (len < 5) {
            return Verdict.NEED_MORE;
        }
        int length = ((b[0] & 0x7f) << 8) | (b[1] & 0xff);
        int version = ((b[3] & 0xff) << 8) | (b[4] & 0xff);
        boolean knownVersion = version == 0x0002 || (version >= 0x0300 && version <= 0x0303);
        return length >= MIN_BODY && b[2] == 1 && knownVersion ? Verdict.YES : Verdict.NO;
    }

    /**
     * Takes bytes of the record (the stream must start with one, see {@link #starts}).
     *
     * @return how many bytes belonged to the record; once {@link #complete()}, the rest is TLS records
     */
    public int feed(byte[] b, int off, int len) {
        int taken = 0;
        if (record == null) {
            while (filled < 2 && taken < len) {
                header[filled++] = b[off + taken++];
            }
            if (filled < 2) {
                return taken;
            }
            record = new byte[2 + (((header[0] & 0x7f) << 8) | (header[1] & 0xff))];
            record[0] = header[0];
            record[1] = header[1];
        }
        int n = Math.min(len - taken, record.length - filled);
        System.arraycopy(b, off + taken, record, filled, n);
        filled += n;
        return taken + n;
    }

    private final byte[] header = new byte[2];

    public boolean complete() {
        return record != null && filled == record.length;
    }

    /** The hello of a complete record, or null when it does not parse ({@link #problem()} says why). */
    public ClientHello hello() {
        if (!complete()) {
            problem = "SSL 2.0 ClientHello cut short";
            return null;
        }
        try {
            return parse(record, 2, record.length - 2);
        } catch (WireReader.Malformed e) {
            problem = e.getMessage();
            return null;
        }
    }

    private String problem;

    /** Why {@link #hello()} gave null. */
    public String problem() {
        return problem;
    }

    static ClientHello parse(byte[] b, int off, int len) throws WireReader.Malformed {
        if (len < 9 || b[off] != 1) {
            throw new WireReader.Malformed("not an SSL 2.0 CLIENT-HELLO");
        }
        int version = u16(b, off + 1);
        int cipherSpecs = u16(b, off + 3);
        int sessionIdLength = u16(b, off + 5);
        int challengeLength = u16(b, off + 7);
        if (cipherSpecs % 3 != 0 || 9 + cipherSpecs + sessionIdLength + challengeLength != len) {
            throw new WireReader.Malformed("SSL 2.0 CLIENT-HELLO lengths (" + cipherSpecs + " + " + sessionIdLength
                    + " + " + challengeLength + ") do not add up to its " + (len - 9) + " bytes");
        }
        if (challengeLength < 16 || challengeLength > 32) {
            throw new WireReader.Malformed("SSL 2.0 challenge of " + challengeLength + " bytes (16 to 32 allowed)");
        }
        List<Integer> specs = new ArrayList<>(cipherSpecs / 3);
        List<Integer> tlsSuites = new ArrayList<>();
        int p = off + 9;
        for (int i = 0; i < cipherSpecs; i += 3, p += 3) {
            int spec = (b[p] & 0xff) << 16 | u16(b, p + 1);
            specs.add(spec);
            if (spec <= 0xffff) {
                tlsSuites.add(spec);
            }
        }
        byte[] sessionId = Arrays.copyOfRange(b, p, p + sessionIdLength);
        p += sessionIdLength;
        // The challenge is the client random, right-aligned in 32 bytes (RFC 5246 E.2).
        byte[] random = new byte[32];
        System.arraycopy(b, p, random, 32 - challengeLength, challengeLength);
        List<Integer> none = List.of();
        String ja3String = Fingerprints.ja3String(version, specs, none, none, none);
        String ja4 = Fingerprints.ja4(version, none, false, tlsSuites, none, null, none);
        return new ClientHello(version, 0x0002, random, sessionId, List.copyOf(specs), List.of(0), none, null, List.of(),
                none, none, none, none, none, none, false, false, false, false, false, false, false, ja3String,
                Fingerprints.md5Hex(ja3String), ja4, null);
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
}
