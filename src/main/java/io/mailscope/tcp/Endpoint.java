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

    public String ip() {
        String host = address.getHostAddress();
        return host;
    }

    public boolean isIpv6() {
        return address.getAddress().length == 16;
    }

    @Override
    public String toString() {
        return isIpv6() ? "[" + ip() + "]:" + port : ip() + ":" + port;
    }
}
