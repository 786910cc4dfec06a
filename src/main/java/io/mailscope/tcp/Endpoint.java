package io.mailscope.tcp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IP address and port. Printed as {@code ip:port}, IPv6 as {@code [addr]:port}. */
public record Endpoint(InetAddress address, int port) {

    public static Endpoint of(byte[] addr, int addrLen, int port) {
        try {
            return new Endpoint(InetAddress.getByAddress(Arrays.copyOf(addr, addrLen)), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address of length " + addrLen, e);
        }
    }

    public static Endpoint parse(String ip, int port) {
        try {
            return new Endpoint(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + ip, e);
        }
    }

    /**
     * The last spellings made, by identity of the address or endpoint: connections share their {@code InetAddress}es
     * and {@code Endpoint}s ({@code EndpointCache}), and reports and findings spell the same ones again for every
     * session (a scan's server for each of its 500,000 sessions). Direct-mapped and small; a slot holds an immutable
     * pair, so threads may share it (a lost write is only a miss).
     */
    private record Spelled(Object of, String text) {
    }

    private static final int SPELLED_SLOTS = 256;
    private static final Spelled[] IPS = new Spelled[SPELLED_SLOTS];
    private static final Spelled[] ENDPOINTS = new Spelled[SPELLED_SLOTS];

    private static String remembered(Spelled[] cache, Object of) {
        Spelled s = cache[System.identityHashCode(of) & (SPELLED_SLOTS - 1)];
        return s != null && s.of() == of ? s.text() : null;
    }

    private static String remember(Spelled[] cache, Object of, String text) {
        cache[System.identityHashCode(of) & (SPELLED_SLOTS - 1)] = new Spelled(of, text);
        return text;
    }

    /** The address as people write it: dotted IPv4, or IPv6 in RFC 5952's short form ("::1", not "0:0:0:0:0:0:0:1"). */
    public String ip() {
        String known = remembered(IPS, address);
        return known != null ? known : remember(IPS, address, spellIp());
    }

    private String spellIp() {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return address.getHostAddress();
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    public boolean isIpv6() {
        return address instanceof java.net.Inet6Address;
    }

    @Override
    public String toString() {
        String known = remembered(ENDPOINTS, this);
        return known != null ? known : remember(ENDPOINTS, this, isIpv6() ? "[" + ip() + "]:" + port : ip() + ":" + port);
    }
}
