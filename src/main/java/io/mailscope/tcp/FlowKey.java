package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;
import io.mailscope.capture.TunnelStack;

import java.util.Arrays;

/**
 * A connection's 4-tuple in canonical order (the lower endpoint first), so both directions find the same key, and
 * the tunnel it was found in ({@link TunnelStack#writeKey}): two tenants may reuse the same addresses.
 *
 * <p>One mutable instance is reused as a lookup probe for every packet ({@link #set}); stored keys are immutable
 * {@link #copy() copies}. Both have the same {@code equals}/{@code hashCode}, so a map lookup allocates nothing.
 *
 * <p>Addresses are held as two big-endian longs each (IPv4 in the high half of the first), not as arrays: a key is
 * one small object, which matters when a scan keeps 100,000 half-open connections (a key with three arrays cost
 * 112 bytes, this one 64). Comparing the longs unsigned orders addresses as their bytes do.
 *
 * <p>Not final only for {@link SynOnly}, a key that is also the compact record of its connection (no tunnel).
 */
class FlowKey {
    private static final byte[] NO_TUNNEL = new byte[0];

    private long lowHi;
    private long lowLo;
    private long highHi;
    private long highLo;
    private final byte[] tunnel;
    private int tunnelLen;
    private int addrLen;
    private int lowPort;
    private int highPort;
    private int hash;
    /** Probe only: the segment just {@link #set} came from the lower endpoint. */
    private boolean srcLow;

    FlowKey() {
        this.tunnel = new byte[TunnelStack.MAX_KEY_BYTES];
    }

    private FlowKey(byte[] tunnel) {
        this.tunnel = tunnel;
    }

    /** A stored copy of a probe loaded with a segment outside any tunnel ({@link SynOnly}). */
    FlowKey(FlowKey probe) {
        this(NO_TUNNEL);
        if (probe.tunnelLen != 0) {
            throw new IllegalArgumentException("a key with a tunnel is copied with copy()");
        }
        lowHi = probe.lowHi;
        lowLo = probe.lowLo;
        highHi = probe.highHi;
        highLo = probe.highLo;
        addrLen = probe.addrLen;
        lowPort = probe.lowPort;
        highPort = probe.highPort;
        hash = probe.hash;
        srcLow = probe.srcLow;
    }

    /**
     * Writes the 4-tuple back into a segment as sent by the lower endpoint ({@code fromLow}) or the higher one:
     * addresses, ports and IP version, nothing else.
     */
    void writeTo(TcpSegment seg, boolean fromLow) {
        seg.ipVersion = addrLen == 16 ? 6 : 4;
        unpackInto(fromLow ? lowHi : highHi, fromLow ? lowLo : highLo, addrLen, seg.src);
        unpackInto(fromLow ? highHi : lowHi, fromLow ? highLo : lowLo, addrLen, seg.dst);
        seg.srcPort = fromLow ? lowPort : highPort;
        seg.dstPort = fromLow ? highPort : lowPort;
    }

    private static void unpackInto(long hi, long lo, int len, byte[] a) {
        for (int i = 0; i < len; i++) {
            long half = i < 8 ? hi : lo;
            a[i] = (byte) (half >>> (56 - 8 * (i & 7)));
        }
    }

    /** Loads this probe with the segment's 4-tuple. */
    FlowKey set(TcpSegment seg) {
        int len = seg.addressLength();
        long sHi = pack(seg.src, 0, len);
        long sLo = pack(seg.src, 8, len);
        long dHi = pack(seg.dst, 0, len);
        long dLo = pack(seg.dst, 8, len);
        int cmp = Long.compareUnsigned(sHi, dHi);
        if (cmp == 0) {
            cmp = Long.compareUnsigned(sLo, dLo);
        }
        srcLow = cmp < 0 || (cmp == 0 && seg.srcPort <= seg.dstPort);
        addrLen = len;
        if (srcLow) {
            lowHi = sHi;
            lowLo = sLo;
            highHi = dHi;
            highLo = dLo;
            lowPort = seg.srcPort;
            highPort = seg.dstPort;
        } else {
            lowHi = dHi;
            lowLo = dLo;
            highHi = sHi;
            highLo = sLo;
            lowPort = seg.dstPort;
            highPort = seg.srcPort;
        }
        tunnelLen = seg.tunnel.depth() == 0 ? 0 : seg.tunnel.writeKey(tunnel);
        int h = addrLen;
        for (int i = 0; i < tunnelLen; i++) {
            h = 31 * h + tunnel[i];
        }
        h = 31 * h + Long.hashCode(lowHi);
        h = 31 * h + Long.hashCode(lowLo);
        h = 31 * h + Long.hashCode(highHi);
        h = 31 * h + Long.hashCode(highLo);
        h = 31 * (31 * h + lowPort) + highPort;
        hash = h ^ (h >>> 16);
        return this;
    }

    /** Bytes [from, from+8) of an address of {@code len} bytes as a big-endian long, zeros past its end. */
    private static long pack(byte[] a, int from, int len) {
        // Unrolled by hand: this runs four times per packet, and C1 (the launcher's JIT) neither unrolls the byte
        // loop nor drops its per-byte test (5% of a cold run's samples as a loop).
        if (from >= len) {
            return 0;
        }
        long v = (a[from] & 0xffL) << 56 | (a[from + 1] & 0xffL) << 48 | (a[from + 2] & 0xffL) << 40
                | (a[from + 3] & 0xffL) << 32;
        if (len - from < 8) {
            return v; // an IPv4 address: 4 bytes, then zeros
        }
        return v | (a[from + 4] & 0xffL) << 24 | (a[from + 5] & 0xffL) << 16 | (a[from + 6] & 0xffL) << 8
                | (a[from + 7] & 0xffL);
    }

    /** True when the segment last {@link #set} on this probe came from the lower endpoint of the key. */
    boolean sourceIsLow() {
        return srcLow;
    }

    /** An immutable copy to store in a map (the only allocation, made when a connection is created). */
    FlowKey copy() {
        FlowKey k = new FlowKey(tunnelLen == 0 ? NO_TUNNEL : Arrays.copyOf(tunnel, tunnelLen));
        k.lowHi = lowHi;
        k.lowLo = lowLo;
        k.highHi = highHi;
        k.highLo = highLo;
        k.tunnelLen = tunnelLen;
        k.addrLen = addrLen;
        k.lowPort = lowPort;
        k.highPort = highPort;
        k.hash = hash;
        k.srcLow = srcLow;
        return k;
    }

    @Override
    public final int hashCode() {
        return hash;
    }

    @Override
    public final boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FlowKey k)) {
            return false;
        }
        return hash == k.hash && lowHi == k.lowHi && lowLo == k.lowLo && highHi == k.highHi && highLo == k.highLo
                && addrLen == k.addrLen && lowPort == k.lowPort && highPort == k.highPort
                && Arrays.equals(tunnel, 0, tunnelLen, k.tunnel, 0, k.tunnelLen);
    }

    private static byte[] unpack(long hi, long lo, int len) {
        byte[] a = new byte[len];
        unpackInto(hi, lo, len, a);
        return a;
    }

    @Override
    public String toString() {
        return Endpoint.of(unpack(lowHi, lowLo, addrLen), addrLen, lowPort) + " <-> "
                + Endpoint.of(unpack(highHi, highLo, addrLen), addrLen, highPort);
    }
}
