package io.mailscope.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bundled samples print exactly their expected reports (samples/X.expected.txt), so the README's first
 * command shows what the README promises. After an intended change of wording, regenerate them with
 * {@code mvn test -Dtest=SamplesTest -Dmailscope.updateSamples=true} and review the diff.
 */
class SamplesTest {
    @ParameterizedTest
    @ValueSource(strings = {"telnet-993-blank-screen", "login-before-starttls", "plaintext-after-starttls", "imaps-ok", "starttls-ok",
            "telnet-995-blank-screen", "pop3-user-before-stls", "telnet-465-blank-screen", "smtp-auth-before-starttls",
            "smtp-plaintext-after-starttls"})
    void sampleReportIsAsExpected(String name) throws IOException {
        Path expected = Path.of("samples", name + ".expected.txt");
        CliRun r = CliRun.of("analyze", "--color", "never", "samples/" + name + ".pcap");
        assertEquals(0, r.exitCode(), r.err());
        if (Boolean.getBoolean("mailscope.updateSamples")) {
            Files.writeString(expected, r.out());
        }
        assertEquals(Files.readString(expected), r.out());
    }
}
