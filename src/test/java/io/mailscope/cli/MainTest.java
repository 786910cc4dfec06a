package io.mailscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;
import java.util.Set;

/** How the command tree is built for a command line: only the subcommand named, else all of them. */
class MainTest {
    private static Set<String> subcommands(String... args) {
        return Main.commandLine(args).getSubcommands().keySet();
    }

    @Test
    void aCommandLineThatNamesASubcommandBuildsOnlyThatOne() {
        assertEquals(Set.of("analyze"), subcommands("analyze", "x.pcap"));
        assertEquals(Set.of("bench"), subcommands("bench", "e2e", "x.pcap"));
        assertEquals(Set.of("live"), subcommands("live", "-i", "lo"));
    }

    @Test
    void anythingElseGetsTheWholeTree() {
        Set<String> all = Set.of("analyze", "explain", "live", "interfaces", "bench", "connect", "help");
        assertEquals(all, subcommands());
        assertEquals(all, subcommands("--help"));
        assertEquals(all, subcommands("help", "analyze")); // help needs its siblings
        assertEquals(all, subcommands("anaylze")); // a typo: picocli suggests the nearest names
    }

    @Test
    void theSubcommandAloneHasTheSameUsageAsInTheWholeTree() {
        for (String name : List.of("analyze", "explain", "live", "interfaces", "bench", "connect")) {
            CommandLine alone = Main.commandLine(name).getSubcommands().get(name);
            CommandLine inTree = new CommandLine(new Main()).getSubcommands().get(name);
            assertEquals(inTree.getUsageMessage(CommandLine.Help.Ansi.OFF), alone.getUsageMessage(CommandLine.Help.Ansi.OFF), name);
        }
    }
}
