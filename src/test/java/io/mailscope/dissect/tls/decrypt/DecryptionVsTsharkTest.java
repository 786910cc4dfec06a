package io.mailscope.dissect.tls.decrypt;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.tls.TlsEvent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every real capture that has its client's key log: mailscope decrypts the whole conversation, and (when tshark
 * is installed) each direction's plaintext equals, byte for byte, what {@code tshark -o tls.keylog_file:KEYLOG
 * -q -z follow,tls,raw,0} gives.
 */
class DecryptionVsTsharkTest {
    static final Path CAPTURES = Path.of("src/test/resources/captures");

    static Stream<String> captures() throws Exception {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Stream.concat(Files.list(CAPTURES), Files.list(CAPTURES.resolve("decrypt")))) {
            files.filter(p -> p.toString().endsWith(".keylog")).sorted()
                    .forEach(p -> names.add(CAPTURES.relativize(p).toString().replace(".keylog", "")));
        }
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("captures")
    void decryptsAsTsharkDoes(String name) throws Exception {
        Path capture = CAPTURES.resolve(name + ".pcap");
        Path keylog = CAPTURES.resolve(name + ".keylog");
        List<DecryptedStreams.Stream> streams = DecryptedStreams.read(capture, keylog, 10993, 12993);
        assertEquals(1, streams.size(), "one connection");
        DecryptedStreams.Stream s = streams.get(0);
        List<String> failures = new ArrayList<>();
        boolean decrypted = false;
        for (Event e : s.session().events()) {
            if (e instanceof TlsEvent.DecryptionFailed f) {
                failures.add(f.reason());
            }
            decrypted |= e instanceof TlsEvent.Decrypted;
        }
        assertEquals(List.of(), failures);
        assertTrue(decrypted, "decrypted");
        String client = new String(s.client(), StandardCharsets.ISO_8859_1);
        String server = new String(s.server(), StandardCharsets.ISO_8859_1);
        if (!name.contains("rejected")) { // a client that rejects the certificate never speaks IMAP
            assertTrue(client.contains("LOGIN") || client.contains("AUTHENTICATE"), client);
            assertTrue(server.contains(" OK ") || server.contains(" NO "), server);
        }

        byte[][] tshark = tshark(capture, keylog, s.serverPort());
        Assumptions.assumeTrue(tshark != null, "tshark is not installed: compared only with the expectations above");
        assertEquals(HexFormat.of().formatHex(tshark[0]), HexFormat.of().formatHex(s.client()), "client to server");
        assertEquals(HexFormat.of().formatHex(tshark[1]), HexFormat.of().formatHex(s.server()), "server to client");
    }

    /** tshark's decrypted TLS stream 0: {client bytes, server bytes}, or null without tshark. */
    static byte[][] tshark(Path capture, Path keylog, int serverPort) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-r", capture.toString(), "-o", "tls.keylog_file:" + keylog,
                    "-d", "tcp.port==" + serverPort + "," + (serverPort % 1000 == 143 ? "imap" : "tls"),
                    "-q", "-z", "follow,tls,raw,0").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (java.io.IOException e) {
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        ByteArrayOutputStream node0 = new ByteArrayOutputStream();
        ByteArrayOutputStream node1 = new ByteArrayOutputStream();
        boolean node0IsServer = false;
        for (String line : out.split("\n")) {
            if (line.startsWith("Node 0: ")) {
                node0IsServer = line.endsWith(":" + serverPort);
            } else if (line.matches("\t?[0-9a-f]+")) {
                (line.startsWith("\t") ? node1 : node0).writeBytes(HexFormat.of().parseHex(line.strip()));
            }
        }
        return node0IsServer ? new byte[][] {node1.toByteArray(), node0.toByteArray()}
                : new byte[][] {node0.toByteArray(), node1.toByteArray()};
    }
}
