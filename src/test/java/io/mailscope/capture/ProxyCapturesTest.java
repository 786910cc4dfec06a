package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.explain.Finding;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real sessions through real proxies on loopback (microsocks, dante, tinyproxy; captures/README.md): the TLS
 * found behind the proxy handshake agrees with tshark's (told to decode the proxy port as socks, http or imap,
 * which it cannot guess), and refusals are diagnosed as proxy-refused in the proxy's own words.
 */
class ProxyCapturesTest {
    static boolean isProxyCapture(String name) {
        return name.startsWith("socks") || name.startsWith("http-connect");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            socks5-imaps.pcap           | tcp.port==11080,socks | ok      | tls1.3                    |
            socks5-login-starttls.pcap  | tcp.port==11081,imap  | ok      | imap -> starttls -> tls1.3 |
            socks5-refused.pcap         | tcp.port==11080,socks | refused | none                      | proxy-refused
            socks4-imaps.pcap           | tcp.port==11082,socks | ok      | tls1.3                    |
            socks4a-refused-dante.pcap  | tcp.port==11082,socks | refused | none                      | proxy-refused
            http-connect-imaps.pcap     | tcp.port==11088,http  | ok      | tls1.3                    |
            http-connect-starttls.pcap  | tcp.port==11088,imap  | ok      | imap -> starttls -> tls1.3 |
            http-connect-403.pcap       | tcp.port==11088,http  | refused | none                      | proxy-refused
            http-connect-407.pcap       | tcp.port==11089,http  | refused | none                      | proxy-refused
            """)
    void helloBehindTheProxyAgreesWithTsharkAndTheOutcomeIsRight(String name, String decodeAs, String outcome,
            String path, String findings) throws Exception {
        List<AnalyzedSession> sessions = Captures.analyze("tunnels/" + name);
        assertEquals(1, sessions.size());
        AnalyzedSession s = sessions.get(0);
        assertEquals(outcome, s.diagnosis().outcome().label());
        assertEquals(path, s.diagnosis().protocolPath());
        assertEquals(findings == null ? List.of() : List.of(findings),
                s.diagnosis().findings().stream().map(Finding::code).toList());
        Assumptions.assumeTrue(TsharkTunnels.available(), "tshark not installed");
        List<String> theirs = TsharkTunnels.read(Captures.DIR.resolve("tunnels/" + name),
                List.of(decodeAs, "tcp.port==10993,tls", "tcp.port==10143,imap")).hellos();
        assertEquals(theirs, TunnelCapturesTest.hellos(sessions));
        assertEquals(outcome.equals("ok") ? 2 : 0, theirs.size());
    }
}
