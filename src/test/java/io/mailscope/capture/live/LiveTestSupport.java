package io.mailscope.capture.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this machine can run live-capture tests: libpcap loadable and CAP_NET_RAW (e.g. root). */
public final class LiveTestSupport {
    public static final String NO_LIBPCAP = "libpcap is not installed (apt-get install libpcap0.8): live capture tests skipped";
    public static final String NO_PRIVILEGE = "not root and no CAP_NET_RAW: live capture tests skipped";

    private static final int CAP_NET_RAW = 13;

    private LiveTestSupport() {
    }

    public static boolean libpcapLoads() {
        try {
            return org.pcap4j.core.Pcaps.libVersion() != null;
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Reads the effective capability set of this process (Linux); false elsewhere. */
    public static boolean mayCapture() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (caps & (1L << CAP_NET_RAW)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }
}
