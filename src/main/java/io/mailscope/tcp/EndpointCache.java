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
 * bounded whatever the traffic, and a miss costs what the copy always cost. What a lookup compares (ports, address
 * identity, IPv4 addresses as ints) sits in parallel arrays, so a miss does not load the slot's old objects: on a scan,
 * where every connection is a new client, reading the old endpoint's port was a cache miss per connection.
 */
final class EndpointCache {
    private static final int SLOTS = 1024;

    /** Per address slot: the address length kept (0: empty), an IPv4 address as an int, the bytes of any other. */
    private final byte[] addressLengths = new byte[SLOTS];
    private final int[] ipv4Keys = new int[SLOTS];
    private final byte[][] addressKeys = new byte[SLOTS][];
    private final InetAddress[] addresses = new InetAddress[SLOTS];
    /** Per endpoint slot: the endpoint, and its port and address (the same instances) to compare without it. */
    private final Endpoint[] endpoints = new Endpoint[SLOTS];
    private final int[] endpointPorts = new int[SLOTS];
    private final InetAddress[] endpointAddresses = new InetAddress[SLOTS];

    /** The endpoint for {@code addrLen} bytes of {@code addr} and {@code port}, shared when seen recently. */
    Endpoint endpoint(byte[] addr, int addrLen, int port) {
        int h = hash(addr, addrLen);
        int slot = (h * 31 + port) & (SLOTS - 1);
        InetAddress a = address(addr, addrLen, h);
        if (endpointAddresses[slot] == a && endpointPorts[slot] == port) {
            return endpoints[slot];
        }
        Endpoint e = new Endpoint(a, port);
        endpoints[slot] = e;
        endpointPorts[slot] = port;
        endpointAddresses[slot] = a;
        return e;
    }

    private InetAddress address(byte[] addr, int addrLen, int h) {
        int slot = h & (SLOTS - 1);
        if (addrLen > 0 && addressLengths[slot] == addrLen) {
            if (addrLen == 4) {
                if (ipv4Keys[slot] == ipv4(addr)) {
                    return addresses[slot];
                }
            } else if (Arrays.equals(addressKeys[slot], 0, addrLen, addr, 0, addrLen)) {
                return addresses[slot];
            }
        }
        byte[] copy = Arrays.copyOf(addr, addrLen);
        InetAddress a;
        try {
            a = InetAddress.getByAddress(copy);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of length " + addrLen, e);
        }
        addressLengths[slot] = (byte) addrLen;
        ipv4Keys[slot] = addrLen == 4 ? ipv4(addr) : 0;
        addressKeys[slot] = addrLen == 4 ? null : copy;
        addresses[slot] = a;
        return a;
    }

    private static int ipv4(byte[] addr) {
        return (addr[0] & 0xff) << 24 | (addr[1] & 0xff) << 16 | (addr[2] & 0xff) << 8 | (addr[3] & 0xff);
    }

    private static int hash(byte[] addr, int len) {
        int h = len;
        for (int i = 0; i < len; i++) {
            h = 31 * h + addr[i];
        }
        return h ^ (h >>> 16);
    }
}
