package io.mailscope.dissect.tls;

/** GREASE values (RFC 8701): both bytes equal and each ends in 0xA (0x0a0a, 0x1a1a ... 0xfafa). */
public final class Grease {
    private Grease() {
    }

    public static boolean is(int v) {
        return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
    }
}
