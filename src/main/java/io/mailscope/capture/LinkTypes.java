package io.mailscope.capture;

/** The LINKTYPE_ values (tcpdump.org/linktypes.html) that {@link PacketDecoder} decodes. */
public final class LinkTypes {
    public static final int NULL = 0;
    public static final int ETHERNET = 1;
    public static final int RAW = 101;
    public static final int LOOP = 108;
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    static final String SUPPORTED_NAMES =
            "0 NULL, 1 ETHERNET, 101 RAW, 108 LOOP, 113 LINUX_SLL, 228 IPV4, 229 IPV6, 276 LINUX_SLL2";

    private LinkTypes() {
    }

    public static boolean supported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    /** A name for messages; common link types we do not decode are named too, so the message is useful. */
    public static String name(int linkType) {
        return switch (linkType) {
            case NULL -> "NULL";
            case ETHERNET -> "ETHERNET";
            case RAW -> "RAW";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            case 105 -> "IEEE802_11";
            case 127 -> "IEEE802_11_RADIOTAP";
            case 147 -> "USER0";
            case 189 -> "USB_LINUX";
            case 220 -> "USB_LINUX_MMAPPED";
            case 249 -> "USBPCAP";
            case 253 -> "NETLINK";
            default -> "unknown";
        };
    }

    /**
     * libpcap hands out DLT_ values; files and our FrameSink use LINKTYPE_ values. They are equal except for a
     * few DLT_ values that differ between operating systems (libpcap's pcap-common.c, dlt_to_linktype).
     */
    public static int fromDlt(int dlt) {
        return switch (dlt) {
            case 12, 14 -> RAW; // DLT_RAW is 12 on most systems and 14 on OpenBSD
            default -> dlt;
        };
    }
}
