package io.mailscope.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class EndpointCacheTest {
    private final EndpointCache cache = new EndpointCache();

    @Test
    void aServerSeenByManyConnectionsIsOneObject() {
        byte[] server = {(byte) 192, 0, 2, 25, 99, 99}; // an address in a longer buffer, as the decoder holds it
        Endpoint first = cache.endpoint(server, 4, 993);
        Endpoint again = cache.endpoint(server.clone(), 4, 993);
        assertSame(first, again);
        assertEquals(Endpoint.parse("192.0.2.25", 993), first);
    }

    @Test
    void clientsOfOneAddressShareTheAddressButKeepTheirPorts() {
        byte[] client = {10, 0, 0, 1};
        Endpoint a = cache.endpoint(client, 4, 32768);
        Endpoint b = cache.endpoint(client, 4, 32769);
        assertNotSame(a, b);
        assertSame(a.address(), b.address());
        assertEquals("10.0.0.1:32769", b.toString());
    }

    @Test
    void aCollisionReplacesTheSlotAndStillGivesTheRightEndpoint() {
        for (int i = 0; i < 5000; i++) {
            byte[] a = {10, 1, (byte) (i >> 8), (byte) i};
            Endpoint e = cache.endpoint(a, 4, 1024 + i % 7);
            assertEquals(Endpoint.of(a, 4, 1024 + i % 7), e);
        }
        byte[] v6 = new byte[16];
        v6[15] = 1;
        assertEquals("[::1]:143", cache.endpoint(v6, 16, 143).toString());
    }

    @Test
    void anIpv6AddressAndAnIpv4AddressInTheSameSlotAreNeverTakenForEachOther() {
        for (int i = 0; i < 3000; i++) {
            byte[] v4 = {(byte) 198, 51, (byte) (i >> 8), (byte) i};
            byte[] v6 = new byte[16];
            v6[0] = 0x20;
            v6[1] = 0x01;
            v6[14] = (byte) (i >> 8);
            v6[15] = (byte) i;
            assertEquals(Endpoint.of(v4, 4, 993), cache.endpoint(v4, 4, 993));
            assertEquals(Endpoint.of(v6, 16, 993), cache.endpoint(v6, 16, 993));
            assertEquals(Endpoint.of(v4, 4, 993), cache.endpoint(v4.clone(), 4, 993));
        }
    }
}
