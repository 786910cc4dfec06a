package io.mailscope.dissect.tls.decrypt;

import java.util.HexFormat;

/**
 * One line of an NSS key log (the SSLKEYLOGFILE format): {@code LABEL <client_random hex> <secret hex>}. Labels
 * mailscope uses are {@link Label}; others that real tools write (EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET,
 * RSA...) are recognised and skipped.
 */
record KeyLogLine(Label label, byte[] clientRandom, byte[] secret) {

    enum Label { CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
        SERVER_TRAFFIC_SECRET_0 }

    /** What parsing one line gave: a usable line, a line to skip silently, or what is wrong with it. */
    sealed interface Parsed permits Usable, Skipped, Bad {}

    record Usable(KeyLogLine line) implements Parsed {}

    /** A comment, a blank line, or a label mailscope does not need. */
    record Skipped(boolean knownLabel) implements Parsed {}

    record Bad(String reason) implements Parsed {}

    private static final java.util.Set<String> OTHER_LABELS = java.util.Set.of("EXPORTER_SECRET", "EARLY_EXPORTER_SECRET",
            "CLIENT_EARLY_TRAFFIC_SECRET", "RSA", "RSA_SESSION_ID_PREFIX", "PMS_CLIENT_RANDOM",
            "CLIENT_TRAFFIC_SECRET_N", "SERVER_TRAFFIC_SECRET_N", // after a KeyUpdate: derived here, not needed
            "ECH_SECRET", "ECH_CONFIG");

    static Parsed parse(String text) {
        String line = text.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return new Skipped(false);
        }
        String[] f = line.split("\\s+");
        Label label;
        try {
            label = Label.valueOf(f[0]);
        } catch (IllegalArgumentException e) {
            return OTHER_LABELS.contains(f[0]) ? new Skipped(true) : new Bad("unknown label \"" + shorten(f[0]) + "\"");
        }
        if (f.length != 3) {
            return new Bad(label + " needs a client random and a secret, found " + (f.length - 1) + " field(s)");
        }
        byte[] random = hex(f[1]);
        if (random == null || random.length != 32) {
            return new Bad("client random is not 64 hex digits (" + describe(f[1]) + ")");
        }
        byte[] secret = hex(f[2]);
        if (secret == null) {
            return new Bad("secret is not hex (" + describe(f[2]) + ")");
        }
        boolean ok = label == Label.CLIENT_RANDOM ? secret.length == 48 : secret.length == 32 || secret.length == 48;
        if (!ok) {
            return new Bad(label + " secret of " + secret.length + " bytes (expected "
                    + (label == Label.CLIENT_RANDOM ? "48" : "32 or 48") + "): truncated?");
        }
        return new Usable(new KeyLogLine(label, random, secret));
    }

    private static byte[] hex(String s) {
        if (s.length() % 2 != 0) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String describe(String s) {
        boolean digits = s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
        return s.length() + " characters" + (digits ? "" : ", not all hex digits");
    }

    private static String shorten(String s) {
        String printable = s.codePoints().allMatch(c -> c >= 0x20 && c < 0x7f) ? s : "non-printable bytes";
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
