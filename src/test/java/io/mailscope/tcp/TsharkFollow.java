package io.mailscope.tcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test oracle: the two byte streams of one TCP connection as Wireshark reassembles them
 * ({@code tshark -z follow,tcp,raw,N}). For comparing {@link RecordingListener}'s streams with Wireshark's on the
 * same capture, e.g. a real tcpdump file in end-to-end tests.
 */
final class TsharkFollow {
    /** Node 0 is the side that sent the stream's first packet. */
    final ByteArrayOutputStream node0 = new ByteArrayOutputStream();
    final ByteArrayOutputStream node1 = new ByteArrayOutputStream();
    String node0Address;
    String node1Address;

    static boolean available() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs tshark on {@code capture} and returns Wireshark's view of TCP stream {@code streamIndex} (0-based). */
    static TsharkFollow of(Path capture, int streamIndex) throws IOException, InterruptedException {
        return first(capture, streamIndex + 1).get(streamIndex);
    }

    /** Wireshark's view of TCP streams 0 .. count-1, in one tshark run. */
    static List<TsharkFollow> first(Path capture, int count) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-q",
                "-o", "tcp.reassemble_out_of_order:TRUE"));
        for (int i = 0; i < count; i++) {
            cmd.add("-z");
            cmd.add("follow,tcp,raw," + i);
        }
        Path out = Files.createTempFile("follow", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("tshark did not finish");
            }
            return parseAll(Files.readString(out, StandardCharsets.US_ASCII), count);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Splits tshark's output into its follow blocks ("Filter: tcp.stream eq N") and parses each. */
    static List<TsharkFollow> parseAll(String text, int count) {
        TsharkFollow[] byIndex = new TsharkFollow[count];
        String[] blocks = text.split("\n(?=Follow: )");
        for (String block : blocks) {
            int at = block.indexOf("Filter: tcp.stream eq ");
            if (at < 0) {
                continue;
            }
            int end = block.indexOf('\n', at);
            int index = Integer.parseInt(block.substring(at + 22, end < 0 ? block.length() : end).trim());
            if (index < count) {
                byIndex[index] = parse(block);
            }
        }
        List<TsharkFollow> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (byIndex[i] == null) {
                throw new IllegalStateException("tshark printed no stream " + i);
            }
            result.add(byIndex[i]);
        }
        return result;
    }

    static TsharkFollow parse(String text) {
        TsharkFollow f = new TsharkFollow();
        HexFormat hex = HexFormat.of();
        for (String line : text.split("\n")) {
            if (line.startsWith("Node 0: ")) {
                f.node0Address = line.substring(8).trim();
            } else if (line.startsWith("Node 1: ")) {
                f.node1Address = line.substring(8).trim();
            } else if (line.startsWith("\t") && isHex(line.trim())) {
                f.node1.writeBytes(hex.parseHex(line.trim()));
            } else if (!line.isEmpty() && isHex(line)) {
                f.node0.writeBytes(hex.parseHex(line));
            }
        }
        return f;
    }

    private static boolean isHex(String s) {
        if (s.isEmpty() || s.length() % 2 != 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }
}
