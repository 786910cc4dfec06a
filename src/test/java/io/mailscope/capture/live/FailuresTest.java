package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The messages a user sees when live capture cannot start, built from what libpcap and JNA actually say. */
class FailuresTest {

    @Test
    void libpcapsPermissionMessageAsksForRootOrTheCapability() {
        // pcap_activate on Linux without CAP_NET_RAW, as pcap4j reports it.
        LiveCaptureException e = Failures.openFailed("eth0",
                "eth0: You don't have permission to perform this capture on that device (socket: Operation not permitted)",
                -8, List.of("eth0", "lo"));
        assertTrue(e.getMessage().startsWith("no permission to capture on eth0"), e.getMessage());
        assertTrue(e.getMessage().contains("run mailscope as root"), e.getMessage());
        assertTrue(e.getMessage().contains("setpriv --inh-caps +net_raw --ambient-caps +net_raw"), e.getMessage());
        assertEquals(2, e.exitCode());
    }

    @Test
    void operationNotPermittedWithoutReturnCodeIsAPermissionProblem() {
        assertTrue(Failures.isPermissionProblem("socket: Operation not permitted", null));
        assertTrue(Failures.isPermissionProblem("You don't have permission to capture on that device", -1));
        assertTrue(Failures.isPermissionProblem("anything", Failures.PCAP_ERROR_PERM_DENIED));
        assertFalse(Failures.isPermissionProblem("SIOCGIFINDEX: No such device", -5));
        assertFalse(Failures.isPermissionProblem(null, null));
    }

    @Test
    void noSuchDeviceListsTheKnownInterfaces() {
        LiveCaptureException e = Failures.openFailed("eht0", "SIOCGIFINDEX: No such device", -5, List.of("eth0", "lo"));
        assertEquals("no interface named 'eht0'; known interfaces: eth0, lo", e.getMessage());
    }

    @Test
    void otherOpenFailuresKeepLibpcapsWords() {
        LiveCaptureException e = Failures.openFailed("eth0", "eth0: That device is not up", -9, List.of("eth0"));
        assertEquals("cannot capture on eth0: eth0: That device is not up", e.getMessage());
    }

    @Test
    void missingLibpcapSaysWhatToInstall() {
        LiveCaptureException e = Failures.libpcapMissing(
                new UnsatisfiedLinkError("Unable to load library 'pcap': libpcap.so: cannot open shared object file"));
        assertTrue(e.getMessage().startsWith("live capture needs libpcap, which could not be loaded"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install libpcap0.8"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void missingLibpcapOnSecondUseIsRecognisedToo() {
        // The JVM reports a failed static initialiser this way every time after the first.
        LiveCaptureException e = Failures.libpcapMissing(
                new NoClassDefFoundError("Could not initialize class org.pcap4j.core.NativeMappings"));
        assertTrue(e.getMessage().contains("apt-get install libpcap0.8"), e.getMessage());
    }

    @Test
    void badFilterDropsPcap4jsPrefixAndShowsTheSyntax() {
        LiveCaptureException e = Failures.badFilter("tcp prot 143",
                "Error occurred in pcap_compile: syntax error");
        assertEquals("bad capture filter 'tcp prot 143': syntax error "
                + "(the filter uses tcpdump's syntax, e.g. 'tcp port 143 or tcp port 993')", e.getMessage());
    }

    @Test
    void noDefaultInterfaceSaysToNameOne() {
        LiveCaptureException e = Failures.noDefaultInterface(List.of("lo"));
        assertTrue(e.getMessage().contains("name one with -i"), e.getMessage());
        assertTrue(e.getMessage().contains("lo"), e.getMessage());
    }

    @Test
    void emptyInterfaceListSaysWhyItMayBeEmpty() {
        LiveCaptureException e = Failures.unknownInterface("eth9", List.of());
        assertTrue(e.getMessage().contains("none found"), e.getMessage());
    }
}
