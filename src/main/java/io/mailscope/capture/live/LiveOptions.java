package io.mailscope.capture.live;

import java.time.Duration;
import java.util.Objects;

/**
 * How to open a live capture. Built from {@link #defaults()} with the {@code withX} methods.
 *
 * @param interfaceName  the interface to open, or null for the one libpcap would choose (see {@link InterfaceLister#defaultInterface})
 * @param snaplen        bytes kept of each packet (262144 by default: whole packets, like tcpdump)
 * @param promiscuous    also capture frames not addressed to this host (off by default)
 * @param bufferBytes    kernel capture buffer; a small one drops packets in bursts (32 MiB by default)
 * @param filter         a BPF filter expression (tcpdump syntax), or null for every packet
 * @param maxFrames      stop by itself after this many frames, 0 for no limit
 * @param maxDuration    stop by itself after this long, null for no limit
 * @param readTimeoutMillis how long one kernel read may wait before libpcap looks again for a stop request
 *                       (a safety net: libpcap 1.10 on Linux also wakes a blocked read on breakloop); without
 *                       immediate mode, also the longest a packet waits in the kernel before it is delivered
 * @param immediate      deliver each packet as soon as it arrives (on by default). On Linux this makes libpcap
 *                       use TPACKET_V2, whose ring has fixed slots as large as the biggest possible packet (64 KiB
 *                       on loopback or with offloads), so a 32 MiB buffer holds only ~500 packets. Off, libpcap
 *                       uses TPACKET_V3, which packs packets into blocks (a 32 MiB buffer then holds hundreds of
 *                       thousands of small ones) and hands over a block when full or after the read timeout.
 *                       See docs/live.md, "Speed".
 */
public record LiveOptions(String interfaceName, int snaplen, boolean promiscuous, int bufferBytes, String filter,
                          long maxFrames, Duration maxDuration, int readTimeoutMillis, boolean immediate) {

    public static final int DEFAULT_SNAPLEN = 262_144;
    public static final int DEFAULT_BUFFER_BYTES = 32 * 1024 * 1024;
    public static final int DEFAULT_READ_TIMEOUT_MILLIS = 200;

    public LiveOptions {
        if (snaplen <= 0) {
            throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
        }
        if (bufferBytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive: " + bufferBytes);
        }
        if (maxFrames < 0) {
            throw new IllegalArgumentException("frame limit must not be negative: " + maxFrames);
        }
        if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
            throw new IllegalArgumentException("duration limit must be positive: " + maxDuration);
        }
        if (readTimeoutMillis <= 0) {
            throw new IllegalArgumentException("read timeout must be positive: " + readTimeoutMillis);
        }
        if (filter != null && filter.isBlank()) {
            filter = null;
        }
    }

    public static LiveOptions defaults() {
        return new LiveOptions(null, DEFAULT_SNAPLEN, false, DEFAULT_BUFFER_BYTES, null, 0, null,
                DEFAULT_READ_TIMEOUT_MILLIS, true);
    }

    public LiveOptions withInterface(String name) {
        return new LiveOptions(name, snaplen, promiscuous, bufferBytes, filter, maxFrames, maxDuration,
                readTimeoutMillis, immediate);
    }

    public LiveOptions withSnaplen(int bytes) {
        return new LiveOptions(interfaceName, bytes, promiscuous, bufferBytes, filter, maxFrames, maxDuration,
                readTimeoutMillis, immediate);
    }

    public LiveOptions withPromiscuous(boolean on) {
        return new LiveOptions(interfaceName, snaplen, on, bufferBytes, filter, maxFrames, maxDuration,
                readTimeoutMillis, immediate);
    }

    public LiveOptions withBufferBytes(int bytes) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bytes, filter, maxFrames, maxDuration,
                readTimeoutMillis, immediate);
    }

    public LiveOptions withFilter(String bpf) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, bpf, maxFrames, maxDuration,
                readTimeoutMillis, immediate);
    }

    public LiveOptions withMaxFrames(long frames) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, frames, maxDuration,
                readTimeoutMillis, immediate);
    }

    public LiveOptions withMaxDuration(Duration duration) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, maxFrames, duration,
                readTimeoutMillis, immediate);
    }

    public LiveOptions withReadTimeoutMillis(int millis) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, maxFrames, maxDuration,
                millis, immediate);
    }

    public LiveOptions withImmediate(boolean on) {
        return new LiveOptions(interfaceName, snaplen, promiscuous, bufferBytes, filter, maxFrames, maxDuration,
                readTimeoutMillis, on);
    }

    /** The same options on a named interface; used once the default interface has been chosen. */
    LiveOptions on(String name) {
        return withInterface(Objects.requireNonNull(name));
    }
}
