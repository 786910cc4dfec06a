package io.mailscope.cli.connect;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the server's bytes into lines for the screen (CRLF or a bare LF ends one), keeping a partial line for the
 * next chunk. A line longer than {@link #MAX_LINE} is shown cut, so a server that never sends a newline cannot
 * fill the memory.
 */
final class LineSplitter {
    static final int MAX_LINE = 16 * 1024;

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean cut;

    List<String> feed(byte[] b, int off, int len) {
        List<String> lines = new ArrayList<>();
        for (int i = off; i < off + len; i++) {
            byte c = b[i];
            if (c == '\n') {
                lines.add(take());
            } else if (partial.size() < MAX_LINE) {
                partial.write(c);
            } else {
                cut = true;
            }
        }
        return lines;
    }

    /** What is left without its end of line (the connection closed mid-line), or null. */
    String rest() {
        return partial.size() > 0 ? take() : null;
    }

    private String take() {
        byte[] bytes = partial.toByteArray();
        int n = bytes.length;
        if (n > 0 && bytes[n - 1] == '\r') {
            n--;
        }
        String s = new String(bytes, 0, n, StandardCharsets.UTF_8);
        if (cut) {
            s += "…";
        }
        partial.reset();
        cut = false;
        return s;
    }
}
