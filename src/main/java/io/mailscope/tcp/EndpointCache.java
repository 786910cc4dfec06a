package io.mailscope.tcp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Shares {@link Endpoint}s and {@link InetAddress}es between connections: a server endpoint and a client address
 * are usually those of many connections (a scan's 500,000 SYNs go to one server from 18 addresses), and each new
 * copy costs 72 bytes (record, address, its holder) for as long as the connection is open. Both are immutable, so
 * sharing them changes nothing a reader can see.
 *
 * <p>Direct-mapped and fixed in size: a lookup either finds the same value in its slot or replaces it, so memory is
 * bounded whatever the traffic, and a miss costs what the copy always cost.
 */
final class EndpointCache {
    private static final int SLOTS = 1024;

    private final byte[][] addressKeys = new byte[SLOTS][];
    private final InetAddress[] addresses = new InetAddress[SLOTS];
    private final Endpoint[] endpoints = new Endpoint[SLOTS];

    /** The endpoint for {@code addrLen} bytes of {@code addr} and {@code port}, shared when seen recently. */
    Endpoint endpoint(byte[] addr, int addrLen, int port) {
        int h = hash(addr, addrLen);
        int slot = (h * 31 + port) & (SLOTS - 1);
        Endpoint e = endpoints[slot];
        InetAddress a = address(addr, addrLen, h);
        if (e != null && e.port() == port && e.address() == a) {
            return e;
        }
        e = new Endpoint(a, port);
        endpoints[slot] = e;
        return e;
    }

    private InetAddress address(byte[] addr, int addrLen, int h) {
        int slot = h & (SLOTS - 1);
        byte[] k = addressKeys[slot];
        if (k != null && Arrays.equals(k, 0, k.length, addr, 0, addrLen)) {
            return addresses[slot];
        }
        byte[] copy = Arrays.copyOf(addr, addrLen);
        InetAddress a;
        try {
            a = InetAddress.getByAddress(copy);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of length " + addrLen, e);
        }
        addressKeys[slot] = copy;
        addresses[slot] = a;
        return a;
    }

    private static int hash(byte[] addr, int len) {
        int h = len;
        for (int i = 0; i < len; i++) {
            h = 31 * h + addr[i];
        }
        return h ^ (h >>> 16);
    }
}
