package io.mailscope.pipeline;

import io.mailscope.capture.TcpSegment;
import io.mailscope.capture.TunnelStack;

/**
 * Which analysis worker owns a segment's connection: a hash of the connection's key that is the same for both
 * directions (the two endpoints combined in canonical order, as {@code tcp.FlowKey} orders them) and includes the
 * tunnel the segment came in ({@link TunnelStack#writeKey}, itself direction-independent), so every segment a
 * reassembler would file under one connection reaches the same worker. Zeek's and Suricata's flow-hash load
 * balancing work the same way.
 */
final class ShardHash {
    private final byte[] tunnelKey = new byte[TunnelStack.MAX_KEY_BYTES];

    /** A worker index in {@code [0, workers)}. */
    int shard(TcpSegment s, int workers) {
        int len = s.addressLength();
        int a = endpoint(s.src, len, s.srcPort);
        int b = endpoint(s.dst, len, s.dstPort);
        int h = 31 * Math.min(a, b) + Math.max(a, b);
        if (s.tunnel.depth() > 0) {
            int n = s.tunnel.writeKey(tunnelKey);
            for (int i = 0; i < n; i++) {
                h = 31 * h + tunnelKey[i];
            }
        }
        return (int) (((mix(h) & 0xffffffffL) * workers) >>> 32);
    }

    private static int endpoint(byte[] addr, int len, int port) {
        int h = port;
        for (int i = 0; i < len; i++) {
            h = 31 * h + addr[i];
        }
        return mix(h);
    }

    /** MurmurHash3's finaliser: nearby addresses and ports spread over all workers. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
