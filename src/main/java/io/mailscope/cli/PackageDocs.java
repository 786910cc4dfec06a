package io.mailscope.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes what the Debian package installs besides the code, from the picocli model: a man page for mailscope
 * and one per subcommand (man/mailscope.1, man/mailscope-live.1, ...), and shell completion for bash
 * (picocli's AutoComplete) and zsh (the same script through zsh's bashcompinit). Run by
 * packaging/deb/build-deb.sh: {@code java -cp mailscope.jar io.mailscope.cli.PackageDocs OUTPUT_DIR VERSION}.
 */
public final class PackageDocs {
    static final String BASH_COMPLETION = "completion/mailscope.bash";
    static final String ZSH_COMPLETION = "completion/_mailscope";
    /** Where the package puts the bash script; the zsh function sources it from there. */
    static final String INSTALLED_BASH_COMPLETION = "/usr/share/bash-completion/completions/mailscope";

    private PackageDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: PackageDocs OUTPUT_DIR VERSION");
            System.exit(2);
        }
        List<Path> written = write(Path.of(args[0]), args[1], LocalDate.now(ZoneOffset.UTC).toString());
        System.out.println("[mailscope] wrote " + written.size() + " files under " + args[0]);
    }

    static List<Path> write(Path dir, String version, String date) throws IOException {
        CommandLine cl = new CommandLine(new Main());
        List<Path> written = new ArrayList<>();
        Files.createDirectories(dir.resolve("man"));
        written.add(writeString(dir.resolve("man/mailscope.1"), mainPage(cl.getCommandSpec(), version, date)));
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden() || spec.name().equals("help")) {
                continue;
            }
            written.add(writeString(dir.resolve("man/" + ManPage.pageName(spec) + ".1"),
                    new ManPage(spec, version, date).render() + seeAlso("mailscope(1)")));
        }
        Files.createDirectories(dir.resolve("completion"));
        written.add(writeString(dir.resolve(BASH_COMPLETION), withoutHashbang(AutoComplete.bash("mailscope", cl))));
        written.add(writeString(dir.resolve(ZSH_COMPLETION), zshCompletion()));
        return written;
    }

    /** A completion script is sourced, never run: Debian wants no "#!" line on it. */
    static String withoutHashbang(String script) {
        return script.startsWith("#!") ? "# bash completion for mailscope" + script.substring(script.indexOf('\n')) : script;
    }

    private static Path writeString(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    static String mainPage(CommandSpec spec, String version, String date) {
        StringBuilder out = new StringBuilder(new ManPage(spec, version, date).render());
        ManPage.section(out, "LIVE CAPTURE AND PRIVILEGES",
                "Capturing packets needs the CAP_NET_RAW capability. mailscope itself never needs it: live capture "
                        + "and the interface list go through a small helper program, "
                        + "/usr/lib/mailscope/mailscope-capture, which alone holds the capability (as Wireshark's "
                        + "dumpcap does). It opens the interface, gives up every capability and privilege before it "
                        + "reads a packet, and passes the packets to mailscope as a pcapng stream.",
                "The package gives the helper the capabilities cap_net_raw,cap_net_admin=eip and mode 0750, owner "
                        + "root, group mailscope: members of group mailscope may capture without being root. Add a "
                        + "user with: sudo usermod -aG mailscope USER (effective at the user's next login).",
                "Run as root, mailscope captures in process through libpcap instead. See "
                        + "/usr/share/doc/mailscope/live.md.gz for the details, and for running without the package.");
        ManPage.section(out, "EXIT STATUS",
                "0: all input was read. 1: some input was corrupt or truncated (everything readable was still "
                        + "analyzed). 2: usage error, or nothing could be read or captured, or out of memory.");
        ManPage.section(out, "ENVIRONMENT",
                "MAILSCOPE_JAVA_OPTS: options for the Java virtual machine, e.g. \\-Xmx2g. NO_COLOR: no color "
                        + "in the text report with \\-\\-color auto.");
        ManPage.section(out, "FILES",
                "/usr/share/mailscope/mailscope.jar: the program. /usr/lib/mailscope/mailscope-capture: the capture "
                        + "helper. /usr/share/doc/mailscope: the documentation (findings, JSON output, live capture, "
                        + "capture formats, packaging).");
        List<String> pages = new ArrayList<>();
        for (CommandLine sub : spec.commandLine().getSubcommands().values()) {
            if (!sub.getCommandSpec().name().equals("help")) {
                pages.add(ManPage.pageName(sub.getCommandSpec()) + "(1)");
            }
        }
        pages.add("tcpdump(8)");
        pages.add("pcap-filter(7)");
        return out + seeAlso(String.join(", ", pages));
    }

    private static String seeAlso(String pages) {
        return ".SH SEE ALSO\n" + ManPage.escape(pages) + "\n";
    }

    /**
     * zsh loads this file as the function _mailscope the first time mailscope is completed. picocli's bash
     * script works in zsh through bashcompinit (its zsh preamble runs compinit only where compdef is not
     * defined yet, never inside a completion); it is sourced once, then each completion calls its function.
     */
    static String zshCompletion() {
        return """
                #compdef mailscope
                # zsh completion for mailscope: picocli's bash completion, run through zsh's bashcompinit.
                # Installed by the mailscope package with the bash script it reads (%s).
                if (( ! $+functions[_complete_mailscope] )); then
                  autoload -U +X bashcompinit && bashcompinit
                  source %s
                fi
                _bash_complete -F _complete_mailscope "$@"
                """.formatted(INSTALLED_BASH_COMPLETION, INSTALLED_BASH_COMPLETION);
    }
}
