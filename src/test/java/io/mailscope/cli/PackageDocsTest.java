package io.mailscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man pages and completion scripts the package installs, generated from the picocli model: a page per
 * command with every option, valid roff (groff reports no warning), and completion that bash can use.
 */
class PackageDocsTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandHasAPageWithEveryOptionAndItsDefault() throws Exception {
        PackageDocs.write(dir, "9.9.9", "2026-01-02");
        CommandLine cl = new CommandLine(new Main());
        for (CommandLine sub : cl.getSubcommands().values()) {
            String name = sub.getCommandName();
            if (name.equals("help")) {
                assertFalse(Files.exists(dir.resolve("man/mailscope-help.1")));
                continue;
            }
            String page = Files.readString(dir.resolve("man/mailscope-" + name + ".1"));
            assertTrue(page.startsWith(".TH MAILSCOPE\\-" + name.toUpperCase() + " 1 \"2026-01-02\" \"mailscope 9.9.9\""), page);
            for (OptionSpec o : sub.getCommandSpec().options()) {
                assertTrue(page.contains("\\fB" + ManPage.escape(o.longestName()) + "\\fR"), name + " lacks " + o.longestName());
            }
            assertFalse(page.contains("${"), "variables are filled in: " + name);
        }
        String live = Files.readString(dir.resolve("man/mailscope-live.1"));
        assertTrue(live.contains(".TP\n\\fB\\-\\-buffer\\-size\\fR \\fIMiB\\fR\nKernel capture buffer."), live);
        assertTrue(live.contains("Default: 128 MiB."), live);
        String main = Files.readString(dir.resolve("man/mailscope.1"));
        assertTrue(main.contains(".SH LIVE CAPTURE AND PRIVILEGES"), main);
        assertTrue(main.contains("mailscope\\-live(1)"), main);
    }

    @Test
    void groffRendersEveryPageWithoutAWarning() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/groff")), "groff is not installed");
        PackageDocs.write(dir, "9.9.9", "2026-01-02");
        try (var pages = Files.list(dir.resolve("man"))) {
            for (Path page : (Iterable<Path>) pages::iterator) {
                Result r = run(List.of("groff", "-man", "-Tutf8", "-ww", "-z", page.toString()));
                assertEquals(0, r.exit(), page + ": " + r.err());
                assertEquals("", r.err(), page + " has roff warnings");
            }
        }
    }

    @Test
    void bashCompletesCommandsAndOptions() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        PackageDocs.write(dir, "9.9.9", "2026-01-02");
        Path script = dir.resolve(PackageDocs.BASH_COMPLETION);
        assertFalse(Files.readString(script).startsWith("#!"), "a sourced script has no #! line");
        assertEquals("live", complete(script, "mailscope", "li"));
        assertTrue(complete(script, "mailscope", "live", "--capture-h").contains("--capture-helper"));
        String zsh = Files.readString(dir.resolve(PackageDocs.ZSH_COMPLETION));
        assertTrue(zsh.startsWith("#compdef mailscope\n"), zsh);
        assertTrue(zsh.contains("source " + PackageDocs.INSTALLED_BASH_COMPLETION), zsh);
    }

    private String complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        String code = ". '" + script + "'; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1)
                + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_mailscope 2>/dev/null; echo \"${COMPREPLY[*]}\"";
        Result r = run(List.of("bash", "-c", code));
        assertEquals(0, r.exit(), r.err());
        return r.out().strip();
    }

    record Result(int exit, String out, String err) {
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
