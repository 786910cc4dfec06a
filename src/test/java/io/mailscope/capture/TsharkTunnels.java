package io.mailscope.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * tshark's dissection of a capture, one row per frame: its tunnel layers (as mailscope names them, derived from
 * tshark's protocol chain and fields) and its TLS hellos (SNI, version, ciphers, JA3/JA3S as tshark computes them,
 * and JA4 computed here from tshark's fields by the JA4 definition, since Debian's tshark lacks JA4).
 */
final class TsharkTunnels {
    private static final String[] FIELDS = {"frame.number", "frame.protocols", "ip.src", "ip.dst", "ipv6.src",
            "ipv6.dst", "vlan.id", "ieee8021ad.id", "mpls.label", "pppoe.session_id", "vxlan.vni", "geneve.vni",
            "gre.flags.key", "gre.key", "erspan.spanid", "gtp.teid", "tls.handshake.type",
            "tls.handshake.extensions_server_name", "tls.handshake.version", "tls.handshake.ciphersuite",
            "tls.handshake.ja3_full", "tls.handshake.ja3", "tls.handshake.ja3s_full", "tls.handshake.ja3s",
            "tls.handshake.extension.type", "tls.handshake.sig_hash_alg", "tls.handshake.extensions_alpn_str",
            "tls.handshake.extensions.supported_version", "tcp.stream"};

    /** One frame as tshark saw it. */
    record Frame(long number, List<String> tunnel, List<String> endpoints, List<String> hellos, String stream) {
    }

    final Map<Long, Frame> frames = new LinkedHashMap<>();

    static boolean available() {
        try {
            Process p = new ProcessBuilder("tshark", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** @param decodeAs tshark {@code -d} arguments, e.g. {@code tcp.port==10993,tls} */
    static TsharkTunnels read(Path capture, List<String> decodeAs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-T", "fields",
                "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String d : decodeAs) {
            cmd.add("-d");
            cmd.add(d);
        }
        for (String f : FIELDS) {
            cmd.add("-e");
            cmd.add(f);
        }
        Path out = Files.createTempFile("tshark", ".tsv");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IOException("tshark failed on " + capture);
            }
            TsharkTunnels t = new TsharkTunnels();
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    Frame f = frame(line.split("\t", -1));
                    t.frames.put(f.number(), f);
                }
            }
            return t;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Writes the frames matching a display filter to {@code out}. */
    static void split(Path capture, String filter, Path out, List<String> decodeAs)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(), "-Y", filter, "-w",
                out.toString()));
        for (String d : decodeAs) {
            cmd.add("-d");
            cmd.add(d);
        }
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException("tshark could not filter " + capture);
        }
    }

    /** The hellos of the whole capture in frame order. */
    List<String> hellos() {
        return frames.values().stream().flatMap(f -> f.hellos().stream()).toList();
    }

    long streams() {
        return frames.values().stream().map(Frame::stream).filter(s -> !s.isEmpty()).distinct().count();
    }

    private static Frame frame(String[] v) {
        Map<String, ArrayList<String>> f = new LinkedHashMap<>();
        for (int i = 0; i < FIELDS.length; i++) {
            String value = i < v.length ? v[i] : "";
            f.put(FIELDS[i], value.isEmpty() ? new ArrayList<>() : new ArrayList<>(Arrays.asList(value.split(","))));
        }
        List<String> tunnel = new ArrayList<>();
        List<String> endpoints = new ArrayList<>();
        String[] protocols = f.get("frame.protocols").get(0).split(":");
        String lastIp = null;
        for (int i = 0; i < protocols.length; i++) {
            String p = protocols[i];
            String next = i + 1 < protocols.length ? protocols[i + 1] : "";
            switch (p) {
                case "vlan" -> tunnel.add("vlan:" + take(f, "vlan.id"));
                case "ieee8021ad" -> tunnel.add("qinq:" + take(f, "ieee8021ad.id"));
                case "mpls" -> {
                    while (!f.get("mpls.label").isEmpty()) {
                        tunnel.add("mpls:" + take(f, "mpls.label"));
                    }
                }
                case "pppoes" -> tunnel.add("pppoe:" + take(f, "pppoe.session_id"));
                case "ip", "ipv6" -> {
                    String here = take(f, p + ".src") + " -> " + take(f, p + ".dst");
                    if (next.equals("ip") || next.equals("ipv6")) {
                        tunnel.add(next.equals("ip") ? "ipip" : "ip6ip");
                        endpoints.add(here);
                    }
                    lastIp = here;
                }
                case "vxlan" -> tunnel(tunnel, endpoints, lastIp, "vxlan:vni=" + take(f, "vxlan.vni"));
                case "geneve" -> tunnel(tunnel, endpoints, lastIp, "geneve:vni=" + take(f, "geneve.vni"));
                case "gtp" -> tunnel(tunnel, endpoints, lastIp, "gtpu:teid=" + take(f, "gtp.teid"));
                case "gre" -> {
                    boolean keyed = "1".equals(takeRaw(f, "gre.flags.key"));
                    String name = next.equals("erspan")
                            ? "erspan:session=" + (f.get("erspan.spanid").isEmpty() ? "0" : take(f, "erspan.spanid"))
                            : keyed ? "gre:key=" + take(f, "gre.key") : "gre";
                    tunnel(tunnel, endpoints, lastIp, name);
                }
                default -> {
                }
            }
        }
        List<String> hellos = new ArrayList<>();
        for (String type : f.get("tls.handshake.type")) {
            if (type.equals("1")) {
                hellos.add(clientHello(f));
            } else if (type.equals("2")) {
                hellos.add(serverHello(f));
            }
        }
        String stream = f.get("tcp.stream").isEmpty() ? "" : f.get("tcp.stream").get(0);
        return new Frame(Long.parseLong(f.get("frame.number").get(0)), tunnel, endpoints, hellos, stream);
    }

    private static void tunnel(List<String> tunnel, List<String> endpoints, String outerIp, String name) {
        tunnel.add(name);
        endpoints.add(outerIp);
    }

    /** The next value of a field, as a decimal number (tshark writes some in hex). */
    private static String take(Map<String, ArrayList<String>> f, String field) {
        String raw = takeRaw(f, field);
        return raw.matches("0x[0-9a-fA-F]+|\\d+") ? Long.decode(raw).toString() : raw;
    }

    private static String takeRaw(Map<String, ArrayList<String>> f, String field) {
        List<String> values = f.get(field);
        if (values.isEmpty()) {
            throw new IllegalStateException("tshark gave no " + field);
        }
        return values.remove(0);
    }

    /** A ClientHello in the form {@link #describeClient} gives ours. */
    private static String clientHello(Map<String, ArrayList<String>> f) {
        List<Integer> ciphers = f.get("tls.handshake.ciphersuite").stream().map(Integer::decode).toList();
        List<Integer> extensions = f.get("tls.handshake.extension.type").stream().map(Integer::decode).toList();
        List<Integer> sigalgs = f.get("tls.handshake.sig_hash_alg").stream().map(Integer::decode).toList();
        List<Integer> versions = f.get("tls.handshake.extensions.supported_version").stream().map(Integer::decode)
                .toList();
        String alpn = f.get("tls.handshake.extensions_alpn_str").isEmpty() ? null
                : f.get("tls.handshake.extensions_alpn_str").get(0);
        String sni = f.get("tls.handshake.extensions_server_name").isEmpty() ? ""
                : f.get("tls.handshake.extensions_server_name").get(0);
        int legacy = Integer.decode(f.get("tls.handshake.version").get(0));
        String ja4 = extensions.contains(50) ? "(signature_algorithms_cert present: not computed)"
                : ja4(legacy, versions, sni.isEmpty() ? false : true, ciphers, extensions, alpn, sigalgs);
        return describeClient(sni, legacy, ciphers, String.join(",", f.get("tls.handshake.ja3_full")),
                f.get("tls.handshake.ja3").get(0), ja4);
    }

    private static String serverHello(Map<String, ArrayList<String>> f) {
        return describeServer(Integer.decode(f.get("tls.handshake.version").get(0)),
                Integer.decode(f.get("tls.handshake.ciphersuite").get(0)),
                String.join(",", f.get("tls.handshake.ja3s_full")), f.get("tls.handshake.ja3s").get(0));
    }

    static String describeClient(String sni, int legacyVersion, List<Integer> ciphers, String ja3String, String ja3,
            String ja4) {
        return String.format("ClientHello sni=%s version=0x%04x ciphers=%s ja3=%s (%s) ja4=%s", sni, legacyVersion,
                ciphers, ja3, ja3String, ja4);
    }

    static String describeServer(int legacyVersion, int cipher, String ja3sString, String ja3s) {
        return String.format("ServerHello version=0x%04x cipher=0x%04x ja3s=%s (%s)", legacyVersion, cipher, ja3s,
                ja3sString);
    }

    private static boolean grease(int v) {
        return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
    }

    /** JA4 (a_b_c) as its definition says (shared/reference/fingerprints.md), from tshark's fields. */
    static String ja4(int legacy, List<Integer> supportedVersions, boolean sni, List<Integer> ciphers,
            List<Integer> extensions, String alpn, List<Integer> sigalgs) {
        int version = supportedVersions.stream().filter(v -> !grease(v)).max(Integer::compare).orElse(legacy);
        String v = switch (version) {
            case 0x0304 -> "13";
            case 0x0303 -> "12";
            case 0x0302 -> "11";
            case 0x0301 -> "10";
            case 0x0300 -> "s3";
            default -> "00";
        };
        List<Integer> c = ciphers.stream().filter(x -> !grease(x)).toList();
        List<Integer> e = extensions.stream().filter(x -> !grease(x)).toList();
        String a = "t" + v + (sni ? "d" : "i") + String.format("%02d%02d", Math.min(99, c.size()),
                Math.min(99, e.size())) + alpnChars(alpn);
        String b = c.isEmpty() ? "000000000000" : sha12(c.stream().sorted().map(x -> String.format("%04x", x))
                .collect(Collectors.joining(",")));
        List<String> sortedExt = e.stream().filter(x -> x != 0 && x != 0x10).sorted()
                .map(x -> String.format("%04x", x)).toList();
        List<String> algs = sigalgs.stream().filter(x -> !grease(x)).map(x -> String.format("%04x", x)).toList();
        String cInput = String.join(",", sortedExt) + (algs.isEmpty() ? "" : "_" + String.join(",", algs));
        String cHash = e.isEmpty() ? "000000000000" : sha12(cInput);
        return a + "_" + b + "_" + cHash;
    }

    private static String alpnChars(String alpn) {
        if (alpn == null || alpn.isEmpty()) {
            return "00";
        }
        char first = alpn.charAt(0);
        char last = alpn.charAt(alpn.length() - 1);
        if (Character.isLetterOrDigit(first) && first < 128 && Character.isLetterOrDigit(last) && last < 128) {
            return "" + first + last;
        }
        String hex = HexFormat.of().formatHex(alpn.getBytes(StandardCharsets.ISO_8859_1));
        return "" + hex.charAt(0) + hex.charAt(hex.length() - 1);
    }

    private static String sha12(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(d).substring(0, 12);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
