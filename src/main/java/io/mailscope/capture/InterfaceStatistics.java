package io.mailscope.capture;

/**
 * The counters of a pcapng Interface Statistics Block; each is -1 when the block does not have it.
 * mailscope-capture fills them from libpcap's pcap_stats at the end of a capture.
 *
 * @param received   {@code isb_ifrecv}: packets the capture received (libpcap's ps_recv, after the filter on Linux)
 * @param ifDropped  {@code isb_ifdrop}: dropped by the interface or driver (ps_ifdrop)
 * @param osDropped  {@code isb_osdrop}: dropped by the operating system because the capture buffer was full (ps_drop)
 * @param delivered  {@code isb_usrdeliv}: packets delivered to the writer of the stream
 */
public record InterfaceStatistics(long received, long ifDropped, long osDropped, long delivered) {
}
