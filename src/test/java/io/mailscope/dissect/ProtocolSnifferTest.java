package io.mailscope.dissect;

import io.mailscope.tcp.Direction;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.mailscope.tcp.Direction.CLIENT_TO_SERVER;
import static io.mailscope.tcp.Direction.SERVER_TO_CLIENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What a direction speaks, from its first bytes. */
class ProtocolSnifferTest {
    static String classify(Direction d, String text, boolean last) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        return ProtocolSniffer.classify(d, b, b.length, last);
    }

    @Test
    void aTlsRecordHeaderIsTls() {
        assertEquals("tls", classify(CLIENT_TO_SERVER, "\u0016\u0003\u0001\u0002\u0000", false));
    }

    @Test
    void printableTextIsNeverTlsEvenWhenTypedOneKeyAtATime() {
        assertNull(classify(CLIENT_TO_SERVER, ". LO", false), "wait for the line");
        assertEquals("imap", classify(CLIENT_TO_SERVER, ". LOGIN alice secret\r\n", false));
    }

    @Test
    void aTaggedCommandIsImapAndATaglessOneIsText() {
        assertEquals("imap", classify(CLIENT_TO_SERVER, "a1 CAPABILITY\r\n", false));
        assertEquals("text", classify(CLIENT_TO_SERVER, "LOGIN alice secret\r\n", false));
    }

    @Test
    void theServerGreetingDecidesAtOnce() {
        assertEquals("imap", classify(SERVER_TO_CLIENT, "* OK", false));
        assertEquals("smtp", classify(SERVER_TO_CLIENT, "220 mail ESMTP", false));
        assertEquals("pop3", classify(SERVER_TO_CLIENT, "+OK POP3 ready", false));
    }

    @Test
    void otherProtocolsAreNamed() {
        assertEquals("http", classify(CLIENT_TO_SERVER, "GET / HTTP/1.1\r\n", false));
        assertEquals("smtp", classify(CLIENT_TO_SERVER, "EHLO client.example\r\n", false));
        assertEquals("ssh", classify(SERVER_TO_CLIENT, "SSH-2.0-OpenSSH_9.2\r\n", false));
    }

    @Test
    void bytesThatAreNeitherTextNorTlsAreBinary() {
        assertEquals("binary", classify(CLIENT_TO_SERVER, "\u0000\u0001\u0002\u0003\u0004", false));
        assertEquals("binary", classify(CLIENT_TO_SERVER, "\u0016\u0003", true), "too short to be a record at the end");
    }

    @Test
    void escapingShowsWhatIsNotPrintable() {
        byte[] b = "a\r\n\u0001".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("a\\r\\n\\x01", ProtocolSniffer.escape(b, 0, b.length, 10));
    }
}
