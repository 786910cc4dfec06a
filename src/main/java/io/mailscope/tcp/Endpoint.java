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

    /** The address as people write it: dotted IPv4, or IPv6 in RFC 5952's short form ("::1", not "0:0:0:0:0:0:0:1"). */
    public String ip() {
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
        return address.getAddress().length == 16;
    }

    @Override
    public String toString() {
        return isIpv6() ? "[" + ip() + "]:" + port : ip() + ":" + port;
    }
}
