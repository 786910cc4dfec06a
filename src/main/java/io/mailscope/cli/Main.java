package io.mailscope.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.Command;

/** Entry point: {@code mailscope analyze|explain|live|interfaces|connect ...}. */
@Command(name = "mailscope", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Reads packet captures of mail traffic and says in plain words what happened on every IMAP/TLS connection and why it broke.",
        subcommands = {AnalyzeCommand.class, ExplainCommand.class, LiveCommand.class, InterfacesCommand.class, BenchCommand.class,
                io.mailscope.cli.connect.ConnectCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 all input read; 1 some input was corrupt or truncated (everything readable was still analyzed);",
                "2 usage error, or nothing could be read or captured, or out of memory."})
public final class Main implements Runnable {
    /** Exit code when some input was bad but the rest was analyzed. */
    public static final int EXIT_PARTIAL = 1;
    /** Exit code for usage errors and input that could not be opened at all. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = commandLine(args);
        BenchCommand.acceptOptionLikeVariants(cl);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // Bad input must never end in a stack trace: say what went wrong in one line.
            cmd.getErr().println("mailscope: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            return EXIT_USAGE;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // The memory bounds should make this impossible; should it happen anyway (a heap far too small for
            // the limits given), one line that says what to do, not a stack trace. picocli lets Errors through.
            System.err.println("mailscope: out of memory (a Java heap of " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB): give it more (MAILSCOPE_JAVA_OPTS=-Xmx2g) or lower --max-connections and --max-buffer");
            return EXIT_USAGE;
        }
    }

    /**
     * The command tree for these arguments. picocli builds the model of every subcommand it is given (reflection
     * over all their options) before running one: that was half of a cold start (0.11-0.30 s of a one-session
     * {@code analyze}, docs/performance.md "Third round"). When the first argument names a subcommand, only that
     * one is built, under a root of the same name (its usage, errors and exit codes are the same: they never
     * mention its siblings); anything else (no argument, mailscope's own options, {@code help COMMAND}) gets the
     * whole tree.
     */
    static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
                Command sub = c.getAnnotation(Command.class);
                if (c != CommandLine.HelpCommand.class && sub != null && sub.name().equals(args[0])) {
                    CommandLine root = new CommandLine(new Root());
                    root.addSubcommand(new CommandLine(c));
                    return root;
                }
            }
        }
        return new CommandLine(new Main());
    }

    /** {@link Main} without its subcommands: the root when only one subcommand is built. */
    @Command(name = "mailscope", mixinStandardHelpOptions = true, versionProvider = Main.Version.class)
    static final class Root implements Runnable {
        @Override
        public void run() {
        }
    }

    /** "mailscope 0.1.0 (commit 0123456789ab)": the commit is written at build time by src/build/build-info.sh. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties info = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/io/mailscope/build-info.properties")) {
                if (in != null) {
                    info.load(in);
                }
            } catch (IOException e) {
                // No build information: say so below rather than fail --version.
            }
            String v = info.getProperty("version", Main.class.getPackage().getImplementationVersion());
            return new String[] {"mailscope " + (v == null ? "dev" : v) + " (commit "
                    + info.getProperty("commit", "unknown") + ")"};
        }
    }
}
