package io.mailscope.capture.live;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses how to capture: in this process through pcap4j when this process may capture (root, or CAP_NET_RAW
 * granted at launch), otherwise through the capture helper (native/mailscope-capture) when there is one, so
 * that the JVM itself never needs a capture privilege. A helper named with {@code --capture-helper} is always
 * used. Without privilege and without a helper, capture in process is tried and fails with a message that
 * says what to do.
 *
 * <p>Where the helper is looked for: next to mailscope's jar (where the Maven build puts it: target/), then
 * {@value #INSTALLED} (the Debian package).
 */
public final class LiveSources {
    public static final String HELPER_NAME = "mailscope-capture";
    public static final String INSTALLED = "/usr/lib/mailscope/" + HELPER_NAME;
    private static final int CAP_NET_RAW = 13;

    private LiveSources() {
    }

    /** Opens a live capture the chosen way; see the class comment. */
    public static LiveSource open(LiveOptions options, Path explicitHelper) throws LiveCaptureException {
        Optional<Path> helper = helper(explicitHelper);
        if (helper.isPresent()) {
            return HelperCapture.open(helper.get(), options);
        }
        return LiveCapture.open(options);
    }

    /** Lists interfaces the same way {@link #open} would capture. */
    public static List<InterfaceInfo> interfaces(Path explicitHelper) throws LiveCaptureException {
        Optional<Path> helper = helper(explicitHelper);
        return helper.isPresent() ? HelperInterfaces.list(helper.get()) : InterfaceLister.list();
    }

    /** The helper to capture through, or empty to capture in process. */
    static Optional<Path> helper(Path explicit) throws LiveCaptureException {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new LiveCaptureException("no capture helper at " + explicit + " (--capture-helper)");
            }
            return Optional.of(explicit.toAbsolutePath());
        }
        if (processMayCapture()) {
            return Optional.empty();
        }
        return candidates().stream().filter(Files::isRegularFile).findFirst();
    }

    /** Where a helper is looked for, in order. */
    static List<Path> candidates() {
        List<Path> out = new ArrayList<>();
        codeLocation().ifPresent(dir -> out.add(dir.resolve(HELPER_NAME)));
        out.add(Path.of(INSTALLED));
        return out;
    }

    /** The directory of mailscope's jar (or of its classes, in a build tree: target/). */
    private static Optional<Path> codeLocation() {
        try {
            var source = LiveSources.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path p = Path.of(source.getLocation().toURI());
            return Optional.ofNullable(p.getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether this process holds CAP_NET_RAW (root has it). Where there is no /proc (not Linux) capture in
     * process is the only way: true.
     */
    static boolean processMayCapture() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return true;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (caps & (1L << CAP_NET_RAW)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return true;
        }
        return true;
    }
}
