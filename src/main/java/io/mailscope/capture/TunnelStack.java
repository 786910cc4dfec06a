package io.mailscope.capture;

import java.util.Arrays;

/**
 * The encapsulation layers a frame's TCP segment was found inside, outermost first: VLAN tags, MPLS labels,
 * PPPoE sessions and IP tunnels (VXLAN, GENEVE, GRE, ERSPAN, GTP-U, IP-in-IP), each with its identifier and, for
 * tunnels carried over IP, the outer source and destination address.
 *
 * <p>Part of the reused {@link TcpSegment}: filled by {@link PacketDecoder} in fixed arrays, so decoding a tunnelled
 * frame allocates nothing. Valid only during the segment call, like the segment itself.
 *
 * <p>{@link #writeKey} gives the part of the stack that tells two connections with the same inner 4-tuple apart
 * (two tenants may reuse the same private addresses), in a form that is the same for both directions.
 */
public final class TunnelStack {
    /** Deeper nesting than this is not decoded (no real network nests so deep; a crafted frame could). */
    public static final int MAX_LAYERS = 8;
    /** The most bytes {@link #writeKey} writes. */
    public static final int MAX_KEY_BYTES = MAX_LAYERS * (1 + 4 + 1 + 32);

    /** A layer's kind; {@link #label} is how reports name it. */
    public enum Kind {
        VLAN("vlan"), QINQ("qinq"), MPLS("mpls"), PPPOE("pppoe"), VXLAN("vxlan"), GENEVE("geneve"), GRE("gre"),
        ERSPAN("erspan"), GTPU("gtpu"), IPIP("ipip"), IP6IP("ip6ip");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /**
         * True when the layer's identifier is the same in both directions of a conversation, so it may key a
         * connection. MPLS labels and GTP-U TEIDs are chosen by each receiving end, so the two directions differ.
         */
        boolean symmetricId() {
            return this != MPLS && this != GTPU;
        }
    }

    /** Identifier value of a layer that has none (IP-in-IP, GRE without a key). */
    public static final long NO_ID = -1;

    private final Kind[] kinds = new Kind[MAX_LAYERS];
    private final long[] ids = new long[MAX_LAYERS];
    private final int[] addressLengths = new int[MAX_LAYERS];
    private final byte[][] sources = new byte[MAX_LAYERS][16];
    private final byte[][] destinations = new byte[MAX_LAYERS][16];
    private int depth;

    /** Number of layers; 0 for a plain frame. */
    public int depth() {
        return depth;
    }

    public Kind kind(int layer) {
        return kinds[layer];
    }

    /** VLAN ID, MPLS label, PPPoE session, VNI, GRE key, ERSPAN session or TEID; {@link #NO_ID} when it has none. */
    public long id(int layer) {
        return ids[layer];
    }

    /** 4 or 16 when the layer is carried over IP (its outer addresses are known), else 0. */
    public int addressLength(int layer) {
        return addressLengths[layer];
    }

    /** The outer source address (first {@link #addressLength} bytes valid). Do not modify. */
    public byte[] source(int layer) {
        return sources[layer];
    }

    public byte[] destination(int layer) {
        return destinations[layer];
    }

    /**
     * Makes this stack a copy of {@code other}. The parallel pipeline hands segments from the reading thread to the
     * analysis workers; the decoder's stack is reused for the next frame, so a tunnelled segment's stack is copied.
     */
    public void copyFrom(TunnelStack other) {
        for (int i = 0; i < other.depth; i++) {
            kinds[i] = other.kinds[i];
            ids[i] = other.ids[i];
            int len = other.addressLengths[i];
            addressLengths[i] = len;
            if (len > 0) {
                System.arraycopy(other.sources[i], 0, sources[i], 0, len);
                System.arraycopy(other.destinations[i], 0, destinations[i], 0, len);
            }
        }
        depth = other.depth;
    }

    void clear() {
        depth = 0;
    }

    /** Adds a layer without outer addresses; false when the stack is full (the frame is then not decoded). */
    boolean push(Kind kind, long id) {
        if (depth == MAX_LAYERS) {
            return false;
        }
        kinds[depth] = kind;
        ids[depth] = id;
        addressLengths[depth] = 0;
        depth++;
        return true;
    }

    /** Adds a layer carried over IP, copying its outer source and destination from the IP header in {@code b}. */
    boolean push(Kind kind, long id, byte[] b, int srcOffset, int dstOffset, int addressLength) {
        if (!push(kind, id)) {
            return false;
        }
        int i = depth - 1;
        addressLengths[i] = addressLength;
        System.arraycopy(b, srcOffset, sources[i], 0, addressLength);
        System.arraycopy(b, dstOffset, destinations[i], 0, addressLength);
        return true;
    }

    /**
     * Writes the connection-keying form of the stack into {@code into} (at least {@link #MAX_KEY_BYTES} long) and
     * returns its length: per layer its kind, its identifier when both directions share it, and its outer address
     * pair in canonical order (lower first). MPLS labels are left out entirely: each direction may have its own
     * label stack, even of another depth.
     */
    public int writeKey(byte[] into) {
        int n = 0;
        for (int i = 0; i < depth; i++) {
            Kind k = kinds[i];
            if (k == Kind.MPLS) {
                continue;
            }
            into[n++] = (byte) k.ordinal();
            if (k.symmetricId()) {
                long id = ids[i];
                into[n++] = (byte) (id >>> 24);
                into[n++] = (byte) (id >>> 16);
                into[n++] = (byte) (id >>> 8);
                into[n++] = (byte) id;
            }
            int len = addressLengths[i];
            into[n++] = (byte) len;
            if (len > 0) {
                boolean srcLow = Arrays.compareUnsigned(sources[i], 0, len, destinations[i], 0, len) <= 0;
                System.arraycopy(srcLow ? sources[i] : destinations[i], 0, into, n, len);
                System.arraycopy(srcLow ? destinations[i] : sources[i], 0, into, n + len, len);
                n += 2 * len;
            }
        }
        return n;
    }
}
