package io.mailscope.cli.connect;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.history.DefaultHistory;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.time.Instant;

/**
 * A person at a terminal, through JLine: line editing (arrows, Ctrl-A/E, Ctrl-R search) and a history of this
 * session's commands. Lines carrying a password are kept out of the history, and the history is never written
 * to disk. Server lines are printed above the prompt, so what the user is typing stays intact.
 */
final class TerminalLines implements LineSource {
    static final String PROMPT = "imap> ";

    private final Terminal terminal;
    private final LineReader reader;
    private volatile boolean over;

    private TerminalLines(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    static TerminalLines open() throws IOException {
        Terminal terminal = TerminalBuilder.builder().system(true).build();
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .history(new PasswordFreeHistory())
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // "!" is IMAP, not a history event
                .build();
        return new TerminalLines(terminal, reader);
    }

    /** Keeps LOGIN and AUTHENTICATE PLAIN lines out of the history, as a shell's HISTIGNORE would. */
    private static final class PasswordFreeHistory extends DefaultHistory {
        @Override
        public void add(Instant time, String line) {
            if (!TypedLine.parse(line).sendsPassword()) {
                super.add(time, line);
            }
        }
    }

    @Override
    public String next() {
        if (over) {
            return null;
        }
        try {
            return reader.readLine(PROMPT);
        } catch (UserInterruptException e) {
            // Ctrl-C, or the connection ended (interrupt): either way the session is over
            return null;
        } catch (EndOfFileException e) {
            return null;
        }
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void print(String line) {
        if (reader.isReading()) {
            reader.printAbove(line);
        } else {
            terminal.writer().println(line);
            terminal.writer().flush();
        }
    }

    @Override
    public void eraseTyped() {
        // the line just entered is still on the screen as typed (a password, perhaps): go up one line and clear it
        terminal.writer().print("\u001b[1A\u001b[2K\r");
        terminal.writer().flush();
    }

    @Override
    public void interrupt() {
        over = true;
        if (reader.isReading()) {
            terminal.raise(Terminal.Signal.INT);
        }
    }

    @Override
    public void close() {
        try {
            terminal.close();
        } catch (IOException e) {
            // the terminal is gone
        }
    }
}
