package io.mailscope.cli.connect;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.List;

/** Lines from --command options or from a pipe on standard input: each command waits for its answer. */
final class ScriptLines implements LineSource {
    private final Iterator<String> commands;
    private final BufferedReader in;
    private final PrintStream out;
    private volatile boolean interrupted;

    private ScriptLines(Iterator<String> commands, BufferedReader in, PrintStream out) {
        this.commands = commands;
        this.in = in;
        this.out = out;
    }

    static ScriptLines of(List<String> commands, PrintStream out) {
        return new ScriptLines(List.copyOf(commands).iterator(), null, out);
    }

    static ScriptLines of(BufferedReader in, PrintStream out) {
        return new ScriptLines(null, in, out);
    }

    @Override
    public String next() throws IOException {
        if (interrupted) {
            return null;
        }
        if (commands != null) {
            return commands.hasNext() ? commands.next() : null;
        }
        return in.readLine();
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public synchronized void print(String line) {
        out.println(line);
        out.flush();
    }

    @Override
    public void interrupt() {
        interrupted = true;
    }
}
