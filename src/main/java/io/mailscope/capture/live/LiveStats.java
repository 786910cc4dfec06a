package io.mailscope.capture.live;

/**
 * What a live capture saw.
 *
 * @param frames     frames handed to the FrameSink
 * @param bytes      captured bytes handed to the FrameSink
 * @param received   libpcap's count of packets the kernel received for this handle (on Linux: that passed the filter)
 * @param dropped    packets the kernel dropped because our buffer was full: we were too slow
 * @param ifDropped  packets the interface or driver dropped (where the system reports it; often 0)
 */
public record LiveStats(long frames, long bytes, long received, long dropped, long ifDropped) {

    /** Stats before libpcap has been asked, or when it cannot answer. */
    static LiveStats framesOnly(long frames, long bytes) {
        return new LiveStats(frames, bytes, -1, -1, -1);
    }

    public boolean libpcapCountsKnown() {
        return received >= 0;
    }

    public boolean hasDrops() {
        return dropped > 0 || ifDropped > 0;
    }

    /** One line for the end-of-capture summary, e.g. "1234 frames captured (libpcap: 1240 received, 6 dropped, 0 dropped by interface)". */
    public String summaryLine() {
        String line = frames + (frames == 1 ? " frame" : " frames") + " captured";
        if (!libpcapCountsKnown()) {
            return line;
        }
        return line + " (libpcap: " + received + " received, " + dropped + " dropped, "
                + ifDropped + " dropped by interface)";
    }
}
