package io.mailscope.cli.connect;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interactive mode as a person uses it: typed into a terminal (tmux), read off the screen. */
class ConnectTerminalTest {
    @TempDir
    Path dir;

    @Test
    void aPersonLogsInOverTlsWithLineEditingAndHistoryAndThePasswordNeverShows() throws Exception {
        TestPki pki = new TestPki();
        Path ca = pki.writeCa(dir);
        try (JdkImapServer server = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP);
             Tmux term = Tmux.run(Tmux.mailscope("connect", "--tls", "--cafile", ca.toString(), "--sni", TestPki.NAME,
                     "127.0.0.1", String.valueOf(server.port())))) {
            term.await("JDK test server ready", 20);
            term.await(TerminalLines.PROMPT.strip(), 5);
            term.type("LOGIN alice secret", "Enter");
            String screen = term.await("a1 OK Logged in", 10);
            assertTrue(screen.contains("a1 LOGIN alice ***"), screen);
            assertTrue(screen.contains("commands typed without a tag get one: a1"), screen);
            term.type("NOP", "Left", "O", "Enter");                 // line editing: the cursor moved back one
            term.await("a2 OK NOOP completed.", 10);
            term.type("Up", "Enter");                                 // history: the same command again
            term.await("a3 OK NOOP completed.", 10);
            term.type("C-d");
            screen = term.await("3 commands: 3 OK, 0 refused", 10);
            assertFalse(screen.contains("secret"), "the typed password left the screen:\n" + screen);
            assertTrue(screen.contains("TLS: TLSv1.3"), screen);
        }
    }

    @Test
    void theBlankScreenIsExplainedWhileThePersonIsStillWaiting() throws Exception {
        TestPki pki = new TestPki();
        try (JdkImapServer server = JdkImapServer.tls(pki.good().serverContext(), JdkImapServer.Behaviour.IMAP);
             Tmux term = Tmux.run(Tmux.mailscope("connect", "--plain", "127.0.0.1", String.valueOf(server.port())))) {
            term.await("connected to", 20);
            long start = System.nanoTime();
            term.await("implicit-tls-mutual-wait", 8);
            String screen = term.await("mailscope does the TLS for you", 3); // the finding's last line
            double waited = (System.nanoTime() - start) / 1e9;
            assertTrue(waited < 4.5, "told after " + waited + " s");
            assertTrue(screen.contains("blank screen") && screen.contains("mailscope connect --tls 127.0.0.1"), screen);
            assertTrue(screen.strip().endsWith(TerminalLines.PROMPT.strip()), "the prompt is still there:\n" + screen);
            term.type("C-d");
            term.await("outcome stalled", 10);
        }
    }
}
