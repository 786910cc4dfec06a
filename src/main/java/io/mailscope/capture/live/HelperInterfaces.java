package io.mailscope.capture.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code mailscope-capture -D}: the helper's interface listing (one line each: name, flags, description,
 * addresses, tab-separated), read into the same {@link InterfaceInfo}s as libpcap's listing in process.
 */
final class HelperInterfaces {
    private static final long WAIT_SECONDS = 20;
    private static final int MAX_OUTPUT = 1 << 20;

    private HelperInterfaces() {
    }

    static List<InterfaceInfo> list(Path helper) throws LiveCaptureException {
        ProcessBuilder pb = new ProcessBuilder(helper.toString(), "-D");
        pb.environment().clear();
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw HelperFailures.cannotRun(helper, e);
        }
        byte[] out;
        try (var in = p.getInputStream()) {
            p.getOutputStream().close();
            out = in.readNBytes(MAX_OUTPUT);
            if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LiveCaptureException("the capture helper " + helper + " did not list interfaces within "
                        + WAIT_SECONDS + " s");
            }
        } catch (IOException e) {
            p.destroyForcibly();
            throw new LiveCaptureException("cannot read the capture helper's interface list: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new LiveCaptureException("interrupted while listing interfaces");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new LiveCaptureException("the capture helper " + helper + " could not list interfaces: "
                    + text.strip().replace("mailscope-capture: ", ""));
        }
        return parse(text);
    }

    static List<InterfaceInfo> parse(String text) {
        List<InterfaceInfo> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length < 4) {
                continue;
            }
            List<String> flags = Arrays.asList(f[1].split(","));
            List<String> addresses = f[3].isBlank() ? List.of() : List.of(f[3].trim().split(" "));
            out.add(new InterfaceInfo(f[0], f[2], addresses, flags.contains("loopback"), flags.contains("up"),
                    flags.contains("running")));
        }
        return out;
    }
}
