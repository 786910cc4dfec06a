package io.mailscope.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SYN nobody answers cannot happen on the shared loopback, so the test makes its own: a network namespace whose
 * firewall drops SYNs to one port, and connect run inside it (as root, with ip and nft; skipped, saying why,
 * otherwise). The namespace is deleted afterwards.
 */
class ConnectNoAnswerTest {
    private static final int PORT = 10999;

    @Test
    void aSynNobodyAnswersIsNoAnswerAndExitsTwo() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root: skipping the no-answer test");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "ip (iproute2) is not installed: skipping the no-answer test");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nft")), "nft (nftables) is not installed: skipping the no-answer test");
        String ns = "mailscope-noanswer-" + ProcessHandle.current().pid();
        Assumptions.assumeTrue(run(List.of("ip", "netns", "add", ns), null) == 0, "cannot create a network namespace here: skipping the no-answer test");
        try {
            assertEquals(0, run(List.of("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"), null));
            assertEquals(0, run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"),
                    "table inet mailscope {\n  chain input {\n    type filter hook input priority 0;\n    tcp dport " + PORT
                            + " tcp flags syn drop\n  }\n}\n"));
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            cmd.addAll(Tmux.mailscope("connect", "--plain", "--json", "--timeout", "2", "127.0.0.1", String.valueOf(PORT), "--command", "NOOP"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), out);
            List<String> codes = new ArrayList<>();
            String explanation = "";
            for (String line : out.split("\n")) {
                JsonNode n = new ObjectMapper().readTree(line);
                if (n.path("type").asText().equals("finding")) {
                    codes.add(n.path("code").asText());
                    explanation = n.path("explanation").asText();
                }
            }
            assertEquals(List.of("no-answer"), codes, out);
            assertTrue(explanation.contains("any of its 2 attempts"), explanation);
        } finally {
            run(List.of("ip", "netns", "del", ns), null);
        }
    }

    private static int run(List<String> cmd, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.US_ASCII));
            }
        }
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
