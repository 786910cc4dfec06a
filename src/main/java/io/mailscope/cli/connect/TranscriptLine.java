package io.mailscope.cli.connect;

/**
 * One line of the conversation as the transcript shows it.
 *
 * @param number    1, 2, 3... in the order lines crossed; findings name these numbers
 * @param insideTls the line crossed encrypted
 * @param text      as shown: passwords redacted unless --show-passwords
 */
record TranscriptLine(int number, boolean fromClient, long timeNanos, String text, boolean insideTls) {
    String from() {
        return fromClient ? "client" : "server";
    }
}
