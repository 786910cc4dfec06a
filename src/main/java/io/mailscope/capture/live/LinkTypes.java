package io.mailscope.capture.live;

/**
 * libpcap hands out DLT_ values; files and our FrameSink use LINKTYPE_ values. They are equal except for a few
 * DLT_ values that differ between operating systems (see libpcap's pcap-common.c, dlt_to_linktype).
 */
final class LinkTypes {
    static final int LINKTYPE_RAW = 101;

    private LinkTypes() {
    }

    static int fromDlt(int dlt) {
        return switch (dlt) {
            case 12, 14 -> LINKTYPE_RAW; // DLT_RAW is 12 on most systems and 14 on OpenBSD
            default -> dlt;
        };
    }
}
