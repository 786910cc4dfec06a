package io.mailscope.capture;

/**
 * What a pcapng stream says about its interfaces besides their packets. Live capture through the helper
 * (native/mailscope-capture) reads its pcapng stream with the same reader as files and learns from these calls
 * when the helper is listening (the Interface Description Block comes first) and libpcap's final counts (the
 * Interface Statistics Block comes last). Classic pcap has neither: nothing is called for it.
 *
 * <p>Called on the reading thread, between frames, in stream order.
 */
public interface InterfaceListener {
    /**
     * An Interface Description Block.
     *
     * @param interfaceId its index in the current section (0 for the first)
     * @param name        its {@code if_name} option, or null
     * @param tsresol     the raw {@code if_tsresol} byte (6: microseconds, the default; 9: nanoseconds)
     */
    default void described(long interfaceId, int linkType, long snaplen, String name, int tsresol) {
    }

    /** An Interface Statistics Block. */
    default void statistics(long interfaceId, InterfaceStatistics statistics) {
    }
}
