package io.mailscope.tcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EndpointTest {
    @Test
    void ipv4IsIpColonPort() {
        assertEquals("127.0.0.1:993", Endpoint.parse("127.0.0.1", 993).toString());
    }

    @Test
    void ipv6IsBracketedInShortForm() {
        assertEquals("[::1]:993", Endpoint.parse("::1", 993).toString());
        assertEquals("[2001:db8::1:0:0:1]:143", Endpoint.parse("2001:db8:0:0:1:0:0:1", 143).toString());
        assertEquals("[fe80::1]:143", Endpoint.parse("fe80:0:0:0:0:0:0:1", 143).toString());
        assertEquals("[2001:db8:0:1:1:1:1:1]:143", Endpoint.parse("2001:db8:0:1:1:1:1:1", 143).toString());
    }
}
