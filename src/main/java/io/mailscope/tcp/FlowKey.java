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
 */
final class FlowKey {
    private final byte[] lowAddr;
    private final byte[] highAddr;
    private final byte[] tunnel;
    private int tunnelLen;
    private int addrLen;
    private int lowPort;
    private int highPort;
    private int hash;

    FlowKey() {
        this(new byte[16], new byte[16], new byte[TunnelStack.MAX_KEY_BYTES]);
    }

    private FlowKey(byte[] lowAddr, byte[] highAddr, byte[] tunnel) {
        this.lowAddr = lowAddr;
        this.highAddr = highAddr;
        this.tunnel = tunnel;
    }

    /** Loads this probe with the segment's 4-tuple. */
    FlowKey set(TcpSegment seg) {
        int len = seg.addressLength();
        int cmp = Arrays.compareUnsigned(seg.src, 0, len, seg.dst, 0, len);
        boolean srcLow = cmp < 0 || (cmp == 0 && seg.srcPort <= seg.dstPort);
        addrLen = len;
        if (srcLow) {
            System.arraycopy(seg.src, 0, lowAddr, 0, len);
            System.arraycopy(seg.dst, 0, highAddr, 0, len);
            lowPort = seg.srcPort;
            highPort = seg.dstPort;
        } else {
            System.arraycopy(seg.dst, 0, lowAddr, 0, len);
            System.arraycopy(seg.src, 0, highAddr, 0, len);
            lowPort = seg.dstPort;
            highPort = seg.srcPort;
        }
        tunnelLen = seg.tunnel.depth() == 0 ? 0 : seg.tunnel.writeKey(tunnel);
        int h = addrLen;
        for (int i = 0; i < tunnelLen; i++) {
            h = 31 * h + tunnel[i];
        }
        for (int i = 0; i < len; i++) {
            h = 31 * h + lowAddr[i];
        }
        for (int i = 0; i < len; i++) {
            h = 31 * h + highAddr[i];
        }
        hash = 31 * (31 * h + lowPort) + highPort;
        return this;
    }

    /** An immutable copy to store in a map (the only allocation, made when a connection is created). */
    FlowKey copy() {
        FlowKey k = new FlowKey(Arrays.copyOf(lowAddr, addrLen), Arrays.copyOf(highAddr, addrLen),
                Arrays.copyOf(tunnel, tunnelLen));
        k.tunnelLen = tunnelLen;
        k.addrLen = addrLen;
        k.lowPort = lowPort;
        k.highPort = highPort;
        k.hash = hash;
        return k;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof FlowKey k)) {
            return false;
        }
        return hash == k.hash && addrLen == k.addrLen && lowPort == k.lowPort && highPort == k.highPort
                && Arrays.equals(lowAddr, 0, addrLen, k.lowAddr, 0, addrLen)
                && Arrays.equals(highAddr, 0, addrLen, k.highAddr, 0, addrLen)
                && Arrays.equals(tunnel, 0, tunnelLen, k.tunnel, 0, k.tunnelLen);
    }

    @Override
    public String toString() {
        return Endpoint.of(lowAddr, addrLen, lowPort) + " <-> " + Endpoint.of(highAddr, addrLen, highPort);
    }
}
