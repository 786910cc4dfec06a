package io.mailscope.dissect.imap;

import io.mailscope.dissect.At;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static io.mailscope.dissect.imap.Conversation.S;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Throughput of the server direction (run with {@code -Dgroups=bench -DexcludedGroups=}).
 * Prints MB/s for a FETCH-heavy stream (mostly literal bytes), a stream of short untagged lines, and the short
 * lines fed one byte at a time (telnet character mode).
 */
@Tag("bench")
class ImapAnalyzerBench {

    @Test
    void serverThroughput() {
        ByteArrayOutputStream fetches = new ByteArrayOutputStream();
        String body = "Subject: x\r\n\r\n" + "some body text of a mail message\r\n".repeat(1000);
        for (int i = 1; i <= 500; i++) {
            fetches.writeBytes(("* " + i + " FETCH (UID " + i + " FLAGS (\\Seen) BODY[] {" + body.length() + "}\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            fetches.writeBytes(body.getBytes(StandardCharsets.US_ASCII));
            fetches.writeBytes(")\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (int i = 0; i < 200_000; i++) {
            lines.writeBytes(("* " + i + " EXPUNGE\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        report("FETCH with literals, 16 KiB chunks", fetches.toByteArray(), 16384);
        report("short lines, 16 KiB chunks", lines.toByteArray(), 16384);
        report("short lines, 1-byte chunks", lines.toByteArray(), 1);
    }

    private static void report(String what, byte[] data, int chunk) {
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long[] events = {0};
            ImapAnalyzer a = new ImapAnalyzer(e -> events[0]++, true);
            At at = new At(S, 1, 0);
            long t0 = System.nanoTime();
            for (int off = 0; off < data.length; off += chunk) {
                a.onData(S, data, off, Math.min(chunk, data.length - off), at);
            }
            long ns = System.nanoTime() - t0;
            assertTrue(events[0] > 0);
            best = Math.max(best, data.length / (ns / 1e9) / 1e6);
        }
        System.out.printf("imap %s: %.1f MB/s (%d bytes)%n", what, best, data.length);
    }
}
