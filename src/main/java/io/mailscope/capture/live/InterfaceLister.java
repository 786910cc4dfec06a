package io.mailscope.capture.live;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/** Lists the interfaces libpcap can capture on (for {@code mailscope interfaces} and for choosing a default). */
public final class InterfaceLister {

    private InterfaceLister() {
    }

    /** Every interface in libpcap's order (pcap_findalldevs: up and running ones first, loopback after them). */
    public static List<InterfaceInfo> list() throws LiveCaptureException {
        List<PcapNetworkInterface> devices;
        try {
            devices = Pcaps.findAllDevs();
        } catch (LinkageError e) {
            throw Failures.libpcapMissing(e);
        } catch (PcapNativeException e) {
            if (Failures.isPermissionProblem(e.getMessage(), e.getReturnCode())) {
                throw Failures.noPermission("any interface", e.getMessage());
            }
            throw new LiveCaptureException("cannot list interfaces: " + e.getMessage());
        }
        List<InterfaceInfo> out = new ArrayList<>(devices.size());
        for (PcapNetworkInterface d : devices) {
            out.add(new InterfaceInfo(d.getName(), d.getDescription(), addresses(d), d.isLoopBack(), d.isUp(),
                    d.isRunning()));
        }
        return out;
    }

    /**
     * The interface libpcap itself would pick (what pcap_lookupdev did before it was deprecated): the first
     * one in pcap_findalldevs order that is up and not loopback. pcap_findalldevs already sorts running
     * interfaces first, so this is normally the main wired or wireless interface. Empty when only loopback
     * (or nothing) is up; we never fall back to loopback silently, because that is rarely what a user meant.
     * Pseudo-devices ("any", "nflog", "dbus-...") are skipped: they are listed up but are not interfaces.
     */
    public static Optional<InterfaceInfo> defaultInterface(List<InterfaceInfo> interfaces) {
        for (InterfaceInfo i : interfaces) {
            if (i.up() && !i.loopback() && !isPseudoDevice(i.name())) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    public static List<String> names(List<InterfaceInfo> interfaces) {
        List<String> names = new ArrayList<>(interfaces.size());
        for (InterfaceInfo i : interfaces) {
            names.add(i.name());
        }
        return names;
    }

    static boolean isPseudoDevice(String name) {
        return name.equals("any") || name.startsWith("nflog") || name.startsWith("nfqueue")
                || name.startsWith("dbus") || name.startsWith("bluetooth-monitor") || name.startsWith("usbmon");
    }

    private static List<String> addresses(PcapNetworkInterface d) {
        List<String> out = new ArrayList<>();
        for (PcapAddress a : d.getAddresses()) {
            InetAddress addr = a.getAddress();
            if (addr == null) {
                continue;
            }
            String text = addr.getHostAddress();
            int scope = text.indexOf('%');
            if (scope >= 0) {
                text = text.substring(0, scope);
            }
            int prefix = prefixLength(a.getNetmask());
            out.add(prefix >= 0 ? text + "/" + prefix : text);
        }
        return out;
    }

    /** The number of leading one bits of a netmask, or -1 when there is none or it is not contiguous. */
    static int prefixLength(InetAddress netmask) {
        if (netmask == null) {
            return -1;
        }
        byte[] b = netmask.getAddress();
        int bits = 0;
        boolean zeroSeen = false;
        for (byte x : b) {
            for (int i = 7; i >= 0; i--) {
                boolean one = ((x >> i) & 1) != 0;
                if (one && zeroSeen) {
                    return -1;
                }
                if (one) {
                    bits++;
                } else {
                    zeroSeen = true;
                }
            }
        }
        return bits;
    }
}
