package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class InterfaceListerTest {

    private static InterfaceInfo nic(String name, boolean loopback, boolean up) {
        return new InterfaceInfo(name, "", List.of(), loopback, up, up);
    }

    @Test
    void defaultIsTheFirstUpInterfaceThatIsNotLoopback() {
        List<InterfaceInfo> all = List.of(nic("any", false, true), nic("lo", true, true), nic("wlan0", false, false),
                nic("eth0", false, true), nic("eth1", false, true));
        assertEquals(Optional.of("eth0"), InterfaceLister.defaultInterface(all).map(InterfaceInfo::name));
    }

    @Test
    void noDefaultWhenOnlyLoopbackIsUp() {
        List<InterfaceInfo> all = List.of(nic("lo", true, true), nic("eth0", false, false), nic("nflog", false, true));
        assertEquals(Optional.empty(), InterfaceLister.defaultInterface(all));
    }

    @Test
    void netmaskBecomesAPrefixLength() throws Exception {
        assertEquals(24, InterfaceLister.prefixLength(InetAddress.getByName("255.255.255.0")));
        assertEquals(8, InterfaceLister.prefixLength(InetAddress.getByName("255.0.0.0")));
        assertEquals(64, InterfaceLister.prefixLength(InetAddress.getByName("ffff:ffff:ffff:ffff::")));
        assertEquals(-1, InterfaceLister.prefixLength(InetAddress.getByName("255.0.255.0")));
        assertEquals(-1, InterfaceLister.prefixLength(null));
    }

    @Test
    void summaryLineShowsStateAddressesAndDescription() {
        InterfaceInfo lo = new InterfaceInfo("lo", "", List.of("127.0.0.1/8", "::1/128"), true, true, true);
        assertEquals("lo  up, running, loopback  127.0.0.1/8 ::1/128", lo.summaryLine());
        InterfaceInfo any = new InterfaceInfo("any", "Pseudo-device that captures on all interfaces", List.of(),
                false, true, true);
        assertEquals("any  up, running  (Pseudo-device that captures on all interfaces)", any.summaryLine());
        assertEquals("eth1  down", nic("eth1", false, false).summaryLine());
    }

    @Test
    void listsLoopbackWithItsAddress() throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        List<InterfaceInfo> all = InterfaceLister.list();
        InterfaceInfo lo = all.stream().filter(i -> i.name().equals("lo")).findFirst().orElseThrow();
        assertTrue(lo.loopback() && lo.up(), lo.summaryLine());
        assertTrue(lo.addresses().contains("127.0.0.1/8"), lo.summaryLine());
    }
}
