package io.mailscope.dissect.tls;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.mailscope.dissect.tls.TlsSniffer.Result.NEED_MORE;
import static io.mailscope.dissect.tls.TlsSniffer.Result.NOT_TLS;
import static io.mailscope.dissect.tls.TlsSniffer.Result.TLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TlsSnifferTest {
    private static TlsSniffer.Result detect(byte[] b, int len) {
        return TlsSniffer.detect(b, 0, len);
    }

    @Test
    void realClientHelloIsTlsOnceTheHeaderIsComplete() {
        byte[] hello = TlsTestSupport.segments("openssl-tls13").get(0).bytes();
        for (int len = 0; len < 5; len++) {
            assertEquals(NEED_MORE, detect(hello, len), "after " + len + " bytes");
        }
        assertEquals(TLS, detect(hello, 5));
        assertEquals(TLS, detect(hello, hello.length));
        assertTrue(TlsSniffer.isClientHelloStart(hello, 0, hello.length));
    }

    @Test
    void typedImapCommandIsNotTlsFromItsFirstByte() {
        byte[] line = "a1 LOGIN alice secret\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(NOT_TLS, detect(line, 1));
        assertEquals(NOT_TLS, detect(line, line.length));
    }

    @Test
    void fourPrintableAsciiBytesAreNeverTls() {
        assertEquals(NOT_TLS, TlsSniffer.detect("xx\u0016\u0003GET ".getBytes(StandardCharsets.ISO_8859_1), 4, 4));
    }

    @Test
    void serverAlertIsTlsButNotAClientHello() {
        byte[] alert = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46};
        assertEquals(TLS, detect(alert, alert.length));
        assertFalse(TlsSniffer.isClientHelloStart(alert, 0, alert.length));
    }

    @Test
    void headerChecksTypeVersionAndLength() {
        assertEquals(NOT_TLS, detect(new byte[] {24, 3, 3, 0, 1}, 5), "heartbeat does not open a stream");
        assertEquals(NOT_TLS, detect(new byte[] {22, 2, 0, 0, 1}, 5));
        assertEquals(NOT_TLS, detect(new byte[] {22, 3, 5, 0, 1}, 5));
        assertEquals(NOT_TLS, detect(new byte[] {22, 3, 1, 0, 0}, 5), "empty record");
        assertEquals(NOT_TLS, detect(new byte[] {23, 3, 3, 0x48, 0x01}, 5), "18433 bytes");
        assertEquals(TLS, detect(new byte[] {23, 3, 3, 0x48, 0x00}, 5), "18432 bytes");
        assertEquals(TLS, detect(new byte[] {20, 3, 0, 0, 1}, 5), "SSL 3.0 ChangeCipherSpec");
        assertEquals(NOT_TLS, detect(new byte[] {(byte) 0x80, 0x2e, 1, 3, 1}, 5), "SSLv2 hello is not TLS");
    }

    @Test
    void clientHelloStartNeedsTheHandshakeType() {
        byte[] hello = {22, 3, 1, 0, 0x40, 1};
        assertFalse(TlsSniffer.isClientHelloStart(hello, 0, 5));
        assertTrue(TlsSniffer.isClientHelloStart(hello, 0, 6));
        byte[] serverHello = {22, 3, 3, 0, 0x40, 2};
        assertFalse(TlsSniffer.isClientHelloStart(serverHello, 0, 6));
    }
}
