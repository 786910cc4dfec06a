package io.mailscope.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Passwords seen in cleartext are redacted in every output unless the user asks otherwise. */
class RedactionTest {
    /** The password every recording used (see src/test/resources/captures/README.md). */
    static final String PASSWORD = "secret";
    /** The password as a word: "extended_master_secret" (a TLS extension) is not a leak. */
    static final java.util.regex.Pattern LEAK = java.util.regex.Pattern.compile("(?<![_A-Za-z])secret(?![_A-Za-z])");

    static List<String> captures() throws IOException {
        // every folder: the servers' recordings (servers/) log in with the same password
        try (Stream<Path> s = Files.walk(Path.of(AnalyzeCommandTest.CAPTURES))) {
            return s.map(Path::toString).filter(p -> p.endsWith(".pcap") || p.endsWith(".pcapng")).sorted().toList();
        }
    }

    @Test
    void noOutputOfAnyCaptureShowsThePassword() throws IOException {
        List<String> files = captures();
        String[] args = new String[files.size() + 5];
        args[0] = "analyze";
        args[1] = "--imap-port";
        args[2] = "10143,11143";
        args[3] = "--imaps-port";
        args[4] = "10993,11993";
        for (int i = 0; i < files.size(); i++) {
            args[5 + i] = files.get(i);
        }
        CliRun text = CliRun.of(args);
        assertFalse(LEAK.matcher(text.out()).find(), "text report leaks the password");
        String[] jsonArgs = new String[args.length + 1];
        System.arraycopy(args, 0, jsonArgs, 1, args.length);
        jsonArgs[0] = "analyze";
        jsonArgs[1] = "--json";
        CliRun json = CliRun.of(jsonArgs);
        assertTrue(json.out().contains("LOGIN alice ***"), "the redacted login is shown");
        assertFalse(LEAK.matcher(json.out()).find(), "JSON leaks the password");
    }

    @Test
    void showPasswordsRevealsThemOnRequest() {
        CliRun r = CliRun.of("analyze", "--json", "--show-passwords", AnalyzeCommandTest.CAPTURES + "cleartext-credentials.pcap");
        assertTrue(LEAK.matcher(r.out()).find(), "--show-passwords shows what crossed the wire");
    }
}
