package io.mailscope.dissect.imap;

import io.mailscope.dissect.imap.ImapEvent.Command;
import io.mailscope.dissect.imap.ImapEvent.CompressionStarted;
import io.mailscope.dissect.imap.ImapEvent.Response;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.Deflater;

import static io.mailscope.dissect.imap.Conversation.C;
import static io.mailscope.dissect.imap.Conversation.S;
import static io.mailscope.dissect.imap.Conversation.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** COMPRESS=DEFLATE (RFC 4978) with streams made by java.util.zip's Deflater, as a real peer would send them. */
class ImapCompressTest {
    private static final String GREETING = "* OK [CAPABILITY IMAP4rev1 COMPRESS=DEFLATE] ready\r\n";

    /** One side's compressor: each message is sync-flushed, as RFC 4978 asks. */
    static final class Compressor {
        private final Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);

        byte[] next(String text) {
            deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[256];
            int n;
            while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) out.write(buf, 0, n);
            return out.toByteArray();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void bothDirectionsAreInflatedAfterTheTaggedOk() {
        Compressor client = new Compressor();
        Compressor server = new Compressor();
        byte[] ok = "a1 OK DEFLATE active\r\n".getBytes(StandardCharsets.US_ASCII);
        String body = "Subject: compressed\r\n\r\n" + "hello hello hello\r\n".repeat(200);
        var run = new Conversation().server(GREETING)
                .client("a1 COMPRESS DEFLATE\r\n")
                .add(S, concat(ok, server.next("* 1 EXISTS\r\n")))
                .add(C, client.next("a2 LOGIN alice secret\r\n"))
                .add(S, server.next("a2 OK Logged in\r\n"))
                .add(C, client.next("a3 FETCH 1 BODY[]\r\n"))
                .add(S, server.next("* 1 FETCH (BODY[] {" + body.length() + "}\r\n" + body + ")\r\n"))
                .add(S, server.next("a3 OK done\r\n"))
                .add(C, client.next("a4 LOGOUT\r\n"))
                .runAllWays();
        assertEquals(List.of("DEFLATE"), map(run.all(CompressionStarted.class), CompressionStarted::mechanism));
        assertEquals(List.of("a1 COMPRESS DEFLATE", "a2 LOGIN alice ***", "a3 FETCH 1 BODY[]", "a4 LOGOUT"),
                map(run.all(Command.class), Command::display));
        assertEquals(List.of("OK", "OK", "EXISTS", "OK", "FETCH", "OK"),
                map(run.all(Response.class), Response::status));
        assertEquals(body.length(), run.all(ImapEvent.Literal.class).get(0).size());
        assertEquals(List.of(), run.problems());
        assertEquals(0, run.serverLeft().length, "compressed bytes are consumed, not left for TLS");
    }

    @Test
    void refusedCompressKeepsPlaintext() {
        var run = new Conversation().server(GREETING).client("a1 COMPRESS DEFLATE\r\n")
                .server("a1 NO [COMPRESSIONACTIVE] already\r\n").client("a2 NOOP\r\n").runAllWays();
        assertTrue(run.all(CompressionStarted.class).isEmpty());
        assertEquals("a2 NOOP", run.all(Command.class).get(1).display());
    }

    @Test
    void corruptDeflateStreamIsReportedAndTheDirectionCountedNotParsed() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x12, 0x34, 0x56, 0x78};
        var run = new Conversation().server(GREETING).client("a1 COMPRESS DEFLATE\r\n")
                .server("a1 OK DEFLATE active\r\n").add(C, garbage).add(C, "a2 NOOP\r\n".getBytes())
                .run(Conversation.WHOLE);
        assertEquals(List.of("inflate-error"), run.problems());
        assertEquals(1, run.all(Command.class).size());
        assertEquals(9, run.analyzer().ignoredBytes(C));
    }

    @Test
    void corruptDeflateStreamFedBytewiseIsReportedOnce() {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x12, 0x34, 0x56, 0x78};
        var run = new Conversation().server(GREETING).client("a1 COMPRESS DEFLATE\r\n")
                .server("a1 OK DEFLATE active\r\n").add(C, garbage).run(Conversation.BYTES);
        assertEquals(List.of("inflate-error"), run.problems());
    }

    @Test
    void gapInCompressedStreamStopsThatDirection() {
        Compressor server = new Compressor();
        var run = new Conversation().server(GREETING).client("a1 COMPRESS DEFLATE\r\n")
                .server("a1 OK DEFLATE active\r\n").gap(S, 100).add(S, server.next("* 1 EXISTS\r\n"))
                .runAllWays();
        assertEquals(List.of("gap"), run.problems());
        assertEquals(2, run.all(Response.class).size());
    }
}
