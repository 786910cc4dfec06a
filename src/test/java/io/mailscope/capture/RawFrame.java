package io.mailscope.capture;

import java.nio.charset.StandardCharsets;

/**
 * Test helper: a raw IPv4/TCP frame (link type RAW) between client 10.0.0.1 and server 10.0.0.2, with a valid IP
 * header checksum, for tests that feed frames to the analysis directly or write them to a pcap.
 */
public final class RawFrame {
    private RawFrame() {
    }

    /**
     * One segment: from the client when {@code fromClient}, else from the server; {@code ack} is written only when
     * {@code flags} has ACK (0x10); window 65535, no options; {@code payload} as ISO-8859-1 bytes.
     */
    public static byte[] ipv4Tcp(int clientPort, int serverPort, boolean fromClient, long seq, long ack, int flags, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
        byte[] f = new byte[40 + data.length];
        f[0] = 0x45;
        f[2] = (byte) (f.length >> 8);
        f[3] = (byte) f.length;
        f[8] = 64;
        f[9] = 6;
        byte[] client = {10, 0, 0, 1};
        byte[] server = {10, 0, 0, 2};
        System.arraycopy(fromClient ? client : server, 0, f, 12, 4);
        System.arraycopy(fromClient ? server : client, 0, f, 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((f[i] & 0xff) << 8) | (f[i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        int check = ~sum & 0xffff;
        f[10] = (byte) (check >> 8);
        f[11] = (byte) check;
        int sp = fromClient ? clientPort : serverPort;
        int dp = fromClient ? serverPort : clientPort;
        f[20] = (byte) (sp >> 8);
        f[21] = (byte) sp;
        f[22] = (byte) (dp >> 8);
        f[23] = (byte) dp;
        putInt(f, 24, seq);
        putInt(f, 28, (flags & 0x10) != 0 ? ack : 0);
        f[32] = 0x50;
        f[33] = (byte) flags;
        f[34] = (byte) 0xff;
        f[35] = (byte) 0xff;
        System.arraycopy(data, 0, f, 40, data.length);
        return f;
    }

    private static void putInt(byte[] b, int off, long v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }
}
