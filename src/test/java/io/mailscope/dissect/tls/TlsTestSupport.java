package io.mailscope.dissect.tls;

import io.mailscope.dissect.At;
import io.mailscope.dissect.Event;
import io.mailscope.tcp.Direction;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/** Feeding helpers shared by the TLS tests: recorded segments, chunkings, event summaries, hand-built records. */
final class TlsTestSupport {
    private TlsTestSupport() {
    }

    static final Direction C = Direction.CLIENT_TO_SERVER;
    static final Direction S = Direction.SERVER_TO_CLIENT;
    static final HexFormat HEX = HexFormat.of();

    /** Bytes one side sent, in order with the other side's. */
    record Chunk(Direction direction, byte[] bytes) {
    }

    /** How a conversation is cut before it reaches the analyzer. */
    enum Split { WHOLE, SEGMENTS, EVERY_BYTE, RANDOM }

    static String resource(String name) {
        try (InputStream in = TlsTestSupport.class.getResourceAsStream("/tls/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource /tls/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A recorded conversation: NAME.segments, one "C hex" / "S hex" line per TCP payload. */
    static List<Chunk> segments(String name) {
        List<Chunk> out = new ArrayList<>();
        for (String line : resource(name + ".segments").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split(" ");
            out.add(new Chunk(parts[0].equals("C") ? C : S, HEX.parseHex(parts[1])));
        }
        return out;
    }

    /** Re-cuts a conversation, keeping the order of directions. */
    static List<Chunk> split(List<Chunk> chunks, Split split, long seed) {
        List<Chunk> out = new ArrayList<>();
        Random random = new Random(seed);
        for (Chunk c : chunks) {
            switch (split) {
                case WHOLE -> {
                    Chunk last = out.isEmpty() ? null : out.get(out.size() - 1);
                    if (last != null && last.direction() == c.direction()) {
                        out.set(out.size() - 1, new Chunk(c.direction(), concat(last.bytes(), c.bytes())));
                    } else {
                        out.add(c);
                    }
                }
                case SEGMENTS -> out.add(c);
                case EVERY_BYTE -> {
                    for (byte b : c.bytes()) {
                        out.add(new Chunk(c.direction(), new byte[] {b}));
                    }
                }
                case RANDOM -> {
                    int pos = 0;
                    while (pos < c.bytes().length) {
                        int n = Math.min(c.bytes().length - pos, 1 + random.nextInt(random.nextBoolean() ? 7 : 300));
                        byte[] piece = new byte[n];
                        System.arraycopy(c.bytes(), pos, piece, 0, n);
                        out.add(new Chunk(c.direction(), piece));
                        pos += n;
                    }
                }
            }
        }
        return out;
    }

    static List<TlsEvent> feed(List<Chunk> chunks) {
        List<TlsEvent> events = new ArrayList<>();
        TlsAnalyzer analyzer = new TlsAnalyzer(e -> events.add((TlsEvent) e));
        feed(analyzer, chunks);
        return events;
    }

    static void feed(TlsAnalyzer analyzer, List<Chunk> chunks) {
        long frame = 0;
        for (Chunk c : chunks) {
            // Give each piece a distinct offset inside a bigger array: the analyzer must honour offset/length.
            byte[] padded = new byte[c.bytes().length + 3];
            System.arraycopy(c.bytes(), 0, padded, 2, c.bytes().length);
            analyzer.onData(c.direction(), padded, 2, c.bytes().length, at(c.direction(), ++frame));
        }
    }

    static At at(Direction d, long frame) {
        return new At(d, frame, frame * 1000);
    }

    static List<TlsEvent> feed(List<Chunk> chunks, Split split, long seed) {
        return feed(split(chunks, split, seed));
    }

    /**
     * Feeds the conversation as given, whole, split at every byte and in random chunks; asserts that every cut
     * gives the same events and returns them.
     */
    static List<TlsEvent> feedEveryWay(List<Chunk> chunks) {
        List<TlsEvent> events = feed(chunks, Split.SEGMENTS, 0);
        List<String> expected = describeAll(events);
        org.junit.jupiter.api.Assertions.assertEquals(expected, describeAll(feed(chunks, Split.WHOLE, 0)), "whole");
        org.junit.jupiter.api.Assertions.assertEquals(expected, describeAll(feed(chunks, Split.EVERY_BYTE, 0)),
                "split at every byte");
        for (long seed = 1; seed <= 10; seed++) {
            org.junit.jupiter.api.Assertions.assertEquals(expected, describeAll(feed(chunks, Split.RANDOM, seed)),
                    "random chunks, seed " + seed);
        }
        return events;
    }

    static Chunk chunk(Direction d, byte[]... parts) {
        return new Chunk(d, concat(parts));
    }

    /** A stable one-line summary of an event without its position, to compare runs cut differently. */
    static String describe(Event event) {
        if (event instanceof TlsEvent.ClientHelloSeen e) {
            return "ClientHello " + e.hello().sni() + " " + e.hello().alpn() + " " + e.hello().ja3String() + " "
                    + e.hello().ja4() + " " + HEX.formatHex(e.hello().random());
        } else if (event instanceof TlsEvent.ServerHelloSeen e) {
            return "ServerHello " + TlsNames.version(e.hello().selectedVersion()) + " " + e.hello().ja3sString()
                    + " " + e.hello().alpn() + " hrr=" + e.hello().helloRetryRequest();
        } else if (event instanceof TlsEvent.CertificatesSeen e) {
            return "Certificates " + e.chain().stream()
                    .map(c -> c.subject() + "|" + c.sha256() + "|" + c.error()).collect(Collectors.joining(";"));
        } else if (event instanceof TlsEvent.HandshakeMessage e) {
            return "Handshake " + e.at().direction().letter() + " " + e.name() + " " + e.length();
        } else if (event instanceof TlsEvent.Alert e) {
            return "Alert " + e.at().direction().letter() + " " + e.levelName() + " " + e.descriptionName();
        } else if (event instanceof TlsEvent.ChangeCipherSpec e) {
            return "CCS " + e.at().direction().letter();
        } else if (event instanceof TlsEvent.EncryptedStarted e) {
            return "Encrypted " + e.at().direction().letter() + " " + e.contentType();
        } else if (event instanceof TlsEvent.Decrypted e) {
            return "Decrypted " + e.how();
        } else if (event instanceof TlsEvent.DecryptionFailed e) {
            return "DecryptionFailed " + e.reason();
        } else if (event instanceof TlsEvent.ApplicationDataStarted e) {
            return "AppData " + e.at().direction().letter();
        } else if (event instanceof TlsEvent.Problem e) {
            return "Problem " + e.code() + " " + e.detail();
        }
        return event.toString();
    }

    static List<String> describeAll(List<? extends TlsEvent> events) {
        return events.stream().map(TlsTestSupport::describe).toList();
    }

    @SuppressWarnings("unchecked")
    static <T extends TlsEvent> List<T> only(List<TlsEvent> events, Class<T> type) {
        return (List<T>) events.stream().filter(type::isInstance).toList();
    }

    static <T extends TlsEvent> T first(List<TlsEvent> events, Class<T> type) {
        List<T> all = only(events, type);
        if (all.isEmpty()) {
            throw new AssertionError("no " + type.getSimpleName() + " in " + describeAll(events));
        }
        return all.get(0);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    // ---- hand-built records ------------------------------------------------------------------------------

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >> 8), (byte) v};
    }

    static byte[] u24(int v) {
        return new byte[] {(byte) (v >> 16), (byte) (v >> 8), (byte) v};
    }

    static byte[] vec8(byte[] body) {
        return concat(new byte[] {(byte) body.length}, body);
    }

    static byte[] vec16(byte[] body) {
        return concat(u16(body.length), body);
    }

    static byte[] vec24(byte[] body) {
        return concat(u24(body.length), body);
    }

    static byte[] u16s(int... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : values) {
            out.writeBytes(u16(v));
        }
        return out.toByteArray();
    }

    static byte[] extension(int type, byte[] body) {
        return concat(u16(type), vec16(body));
    }

    static byte[] handshake(int type, byte[] body) {
        return concat(new byte[] {(byte) type}, vec24(body));
    }

    static byte[] record(int type, int version, byte[] body) {
        return concat(new byte[] {(byte) type}, u16(version), vec16(body));
    }

    /** A ClientHello body: legacy version 0x0303, zero random, empty session id, null compression. */
    static byte[] clientHelloBody(int[] ciphers, byte[]... extensions) {
        return concat(u16(0x0303), new byte[32], vec8(new byte[0]), vec16(u16s(ciphers)), vec8(new byte[] {0}),
                vec16(concat(extensions)));
    }

    static byte[] sniExtension(String host) {
        byte[] name = host.getBytes(StandardCharsets.US_ASCII);
        return extension(0, vec16(concat(new byte[] {0}, vec16(name))));
    }

    static byte[] alpnExtension(String... protocols) {
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        for (String p : protocols) {
            list.writeBytes(vec8(p.getBytes(StandardCharsets.ISO_8859_1)));
        }
        return extension(0x10, vec16(list.toByteArray()));
    }
}
