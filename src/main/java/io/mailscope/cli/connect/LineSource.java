package io.mailscope.cli.connect;

import java.io.IOException;

/** Where the lines to send come from: the user at a terminal, a pipe, or --command. */
interface LineSource extends AutoCloseable {
    /** The next line, or null at the end (Ctrl-D, end of the pipe, last --command, or {@link #interrupt}). */
    String next() throws IOException;

    /** A person types: commands are sent as typed, answers are not waited for. */
    boolean interactive();

    /** Prints a line without disturbing what the user is typing. */
    void print(String line);

    /** Removes the line just typed from the screen: the transcript shows it instead, its password redacted. */
    default void eraseTyped() {
    }

    /** Called from another thread when the connection is over: {@link #next} returns null. */
    default void interrupt() {
    }

    @Override
    default void close() {
    }
}
