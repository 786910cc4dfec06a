package io.mailscope.bench;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A packet tool run on the same file for comparison (tshark, tcpdump), timed by wall clock, output discarded. */
public record ExternalTool(String label, List<String> command) {
    /** {@code tshark -r FILE -q -z io,phs}: reads and dissects every packet, prints only the hierarchy statistics. */
    public static Optional<ExternalTool> tshark(String file) {
        return onPath("tshark").map(p -> new ExternalTool("tshark -q -z io,phs", List.of(p, "-r", file, "-q", "-z", "io,phs")));
    }

    /**
     * {@code tshark -r FILE -o tls.keylog_file:KEYLOG -q -z io,phs}: the same with TLS decryption (every record
     * of every session is decrypted while dissecting).
     */
    public static Optional<ExternalTool> tsharkDecrypting(String file, String keylog) {
        return onPath("tshark").map(p -> new ExternalTool("tshark + key log", List.of(p, "-r", file, "-o",
                "tls.keylog_file:" + keylog, "-q", "-z", "io,phs")));
    }

    /** {@code tcpdump -r FILE -w /dev/null}: libpcap reading and writing back, no dissection. */
    public static Optional<ExternalTool> tcpdump(String file) {
        return onPath("tcpdump").map(p -> new ExternalTool("tcpdump -r -w /dev/null", List.of(p, "-r", file, "-w", "/dev/null")));
    }

    static Optional<String> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return Optional.of(f.getAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** Wall time of one run in nanoseconds. */
    public long time() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long t0 = System.nanoTime();
        Process p = pb.start();
        int exit = p.waitFor();
        long elapsed = System.nanoTime() - t0;
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + exit);
        }
        return elapsed;
    }
}
