package io.mailscope.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --keylog} on analyze and explain: what the reports say about decryption, and bad key logs. */
class KeylogOptionTest {
    static final String D = "src/test/resources/captures/decrypt/";
    static final String PORTS = "--imaps-port=12993";

    static JsonNode session(CliRun run) throws Exception {
        return new ObjectMapper().readTree(run.out().lines().findFirst().orElseThrow());
    }

    @Test
    void jsonSaysDecryptedAndMarksTheTimelineInsideTls() throws Exception {
        CliRun run = CliRun.of("analyze", "--json", PORTS, D + "tls13-wrong-password-python.pcap",
                "--keylog", D + "tls13-wrong-password-python.keylog");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode s = session(run);
        assertTrue(s.get("tls").get("decrypted").asBoolean());
        assertTrue(s.get("tls").get("decryption_error").isNull());
        List<String> inside = new ArrayList<>();
        for (JsonNode t : s.get("timeline")) {
            assertTrue(t.has("inside_tls"), t.toString());
            if (t.get("inside_tls").asBoolean()) {
                inside.add(t.get("text").asText());
            }
        }
        assertTrue(inside.contains("IPAD1 LOGIN alice ***") || inside.stream().anyMatch(x -> x.endsWith("LOGIN alice ***")), inside.toString());
        assertTrue(inside.stream().anyMatch(x -> x.contains("NO [AUTHENTICATIONFAILED]")), inside.toString());
        // the server closed with close_notify; Python's imaplib just closes its socket
        assertTrue(inside.contains("Alert warning close_notify"), inside.toString());
        assertEquals("[closed without TLS close_notify: the TLS session was cut, not closed]", inside.get(inside.size() - 1));
        assertFalse(run.out().contains("wrongpass"), "the password is redacted inside TLS too");
        assertEquals("authentication-failed", s.get("findings").get(0).get("code").asText());
        // the certificate of TLS 1.3, sent encrypted, is in the report
        assertEquals("CN=mail.example.test", s.get("tls").get("certificates").get(0).get("subject").asText());
    }

    @Test
    void withoutAKeyLogNothingIsSaidAboutDecryption() throws Exception {
        JsonNode s = session(CliRun.of("analyze", "--json", PORTS, D + "tls13-wrong-password-python.pcap"));
        assertFalse(s.get("tls").get("decrypted").asBoolean());
        assertTrue(s.get("tls").get("decryption_error").isNull());
        for (JsonNode t : s.get("timeline")) {
            assertFalse(t.get("inside_tls").asBoolean(), t.toString());
        }
    }

    @Test
    void anotherSessionsKeyLogIsTheDecryptionError() throws Exception {
        CliRun run = CliRun.of("analyze", "--json", PORTS, D + "tls13-wrong-password-python.pcap",
                "--keylog", D + "tls13-curl.keylog");
        JsonNode s = session(run);
        assertFalse(s.get("tls").get("decrypted").asBoolean());
        assertTrue(s.get("tls").get("decryption_error").asText().startsWith("no key for this session (client random "));
    }

    @Test
    void textLadderShowsALockInsideTls() {
        CliRun run = CliRun.of("analyze", "--color=never", PORTS, D + "tls13-no-mailbox-python.pcap",
                "--keylog", D + "tls13-no-mailbox-python.keylog");
        assertTrue(run.out().contains("decrypted with the key log (TLS 1.3 TLS_AES_256_GCM_SHA384)"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.contains("\uD83D\uDD12 ") && l.contains("SELECT Archive2019"))
                        || run.out().lines().anyMatch(l -> l.contains("[tls] ") && l.contains("SELECT Archive2019")), run.out());
        assertTrue(run.out().contains("WARNING mailbox-not-found"), run.out());
    }

    @Test
    void aMissingKeyLogIsAUsageError() {
        CliRun run = CliRun.of("analyze", D + "tls13-curl.pcap", "--keylog", D + "no-such.keylog");
        assertEquals(Main.EXIT_USAGE, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("mailscope: --keylog " + D + "no-such.keylog: cannot read it"), run.err());
    }

    @Test
    void badLinesAreCountedOnStandardError(@TempDir Path dir) throws Exception {
        Path keylog = dir.resolve("mixed.keylog");
        Files.writeString(keylog, Files.readString(Path.of(D + "tls13-curl.keylog")) + "garbage line\nCLIENT_RANDOM 00\n");
        CliRun run = CliRun.of("explain", PORTS, D + "tls13-curl.pcap", "--keylog", keylog.toString());
        assertEquals(0, run.exitCode());
        assertTrue(run.err().contains("2 malformed lines ignored (first: line 6: unknown label \"garbage\")"), run.err());
    }

    @Test
    void embeddedSecretsNeedNoOption() throws Exception {
        JsonNode s = session(CliRun.of("analyze", "--json", PORTS, D + "embedded-secrets.pcapng"));
        assertTrue(s.get("tls").get("decrypted").asBoolean());
    }

    @Test
    void htmlSaysWhetherTheSessionWasDecrypted(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("r.html");
        CliRun run = CliRun.of("analyze", PORTS, "--html", html.toString(), D + "tls13-wrong-password-python.pcap",
                "--keylog", D + "tls13-wrong-password-python.keylog");
        assertEquals(0, run.exitCode(), run.err());
        String page = Files.readString(html);
        assertTrue(page.contains("<dt>TLS decryption</dt><dd>\uD83D\uDD12 decrypted with the key log (TLS 1.3 TLS_AES_256_GCM_SHA384)</dd>"),
                "the session's details say it");
        assertTrue(page.contains("\uD83D\uDD12 IPAD1 LOGIN alice ***") || page.contains("\uD83D\uDD12 ") && page.contains("LOGIN alice ***"),
                "the ladder's arrows inside TLS carry the lock");
        assertFalse(page.contains("wrongpass"));
    }

    /** A secrets block bigger than any packet block (here 1.4 MB: 8,000 other lines, then this session's). */
    @Test
    void aLargeEmbeddedKeyLogIsReadWhole(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.mailscope.bench.ExternalTool.tshark("x").isPresent(),
                "editcap (with tshark) is not installed");
        StringBuilder keys = new StringBuilder();
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 8000; i++) {
            byte[] r = new byte[32];
            byte[] k = new byte[48];
            random.nextBytes(r);
            random.nextBytes(k);
            keys.append("CLIENT_RANDOM ").append(java.util.HexFormat.of().formatHex(r)).append(' ')
                    .append(java.util.HexFormat.of().formatHex(k)).append('\n');
        }
        keys.append(Files.readString(Path.of(D + "tls13-curl.keylog")));
        Path keylog = Files.writeString(dir.resolve("big.keylog"), keys);
        Path out = dir.resolve("big-secrets.pcapng");
        Process p = new ProcessBuilder("editcap", "--inject-secrets", "tls," + keylog, "-F", "pcapng",
                D + "tls13-curl.pcap", out.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        assertTrue(Files.size(out) > 1_000_000);
        JsonNode s = session(CliRun.of("analyze", "--json", PORTS, out.toString()));
        assertTrue(s.get("tls").get("decrypted").asBoolean(), s.get("tls").toString());
    }
}
