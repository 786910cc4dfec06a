package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The capture helper's exit status and message become mailscope's usual one-line messages; the helper's
 * command line and interface listing are what native/README.md documents.
 */
class HelperFailuresTest {
    private static final Path HELPER = Path.of("/usr/lib/mailscope/mailscope-capture");
    private static final LiveOptions ON_LO = LiveOptions.defaults().withInterface("lo").withFilter("tcp prot 1");

    @Test
    void noPermissionSaysWhichHelperAndHowToGiveItTheCapability() {
        String m = HelperFailures.fromExit(HELPER, ON_LO, 4,
                "mailscope-capture: no permission to capture on lo (socket: Operation not permitted)\n").getMessage();
        assertEquals("no permission to capture on lo (" + HELPER + ": socket: Operation not permitted): the helper lacks "
                + "the capture capability; members of group mailscope may capture through it once the package is "
                + "installed (sudo usermod -aG mailscope $USER, then log in again); from a clone: sudo setcap "
                + "cap_net_raw,cap_net_admin=eip " + HELPER + " (docs/live.md); or run mailscope as root", m);
    }

    @Test
    void badFilterIsTheSameMessageAsInProcess() {
        String m = HelperFailures.fromExit(HELPER, ON_LO, 5,
                "mailscope-capture: bad filter: can't parse filter expression: syntax error").getMessage();
        assertEquals(Failures.badFilter("tcp prot 1", "can't parse filter expression: syntax error").getMessage(), m);
    }

    @Test
    void otherFailuresAndSignalsNameTheHelperAndTheStatus() {
        assertEquals("capture on lo failed (" + HELPER + ", exit status 6): capture on lo failed: The interface went down",
                HelperFailures.fromExit(HELPER, ON_LO, 6, "mailscope-capture: capture on lo failed: The interface went down").getMessage());
        assertEquals("the capture helper " + HELPER + " was killed by signal 9",
                HelperFailures.fromExit(HELPER, ON_LO, 137, "").getMessage());
        assertEquals("the capture helper " + HELPER + " refused its arguments: bad interface name: ...",
                HelperFailures.fromExit(HELPER, ON_LO, 2, "mailscope-capture: bad interface name: ...").getMessage());
    }

    @Test
    void aHelperThisUserMayNotRunPointsToTheGroup() {
        String m = HelperFailures.cannotRun(HELPER, new IOException("Cannot run program \"" + HELPER
                + "\": error=13, Permission denied")).getMessage();
        assertEquals("cannot run the capture helper " + HELPER + " (error=13, Permission denied): members of group "
                + "mailscope may capture through it once the package is installed (sudo usermod -aG mailscope $USER, "
                + "then log in again); or run mailscope as root", m);
    }

    @Test
    void commandLineCarriesEveryCaptureOption() {
        LiveOptions o = LiveOptions.defaults().withInterface("eth0").withSnaplen(65535).withBufferBytes(3 * 1024 * 1024 + 1)
                .withFilter("tcp port 993").withImmediate(false).withPromiscuous(true);
        assertEquals(List.of(HELPER.toString(), "-i", "eth0", "-s", "65535", "-B", "4", "-f", "tcp port 993",
                "--no-immediate", "--promiscuous"), HelperCapture.command(HELPER, o));
        assertEquals(List.of(HELPER.toString(), "-i", "lo", "-s", "262144", "-B", "32"),
                HelperCapture.command(HELPER, LiveOptions.defaults().withInterface("lo")));
    }

    @Test
    void interfaceListingIsReadLineByLine() {
        List<InterfaceInfo> all = HelperInterfaces.parse("eth0\tup,running\t\t192.0.2.2/24 fd00::2/64\n"
                + "any\tup,running\tPseudo-device that captures on all interfaces\t\n"
                + "lo\tup,running,loopback\t\t127.0.0.1/8 ::1/128\n"
                + "ifb0\tdown\t\t\n"
                + "garbage without tabs\n");
        assertEquals(List.of("eth0", "any", "lo", "ifb0"), InterfaceLister.names(all));
        assertEquals(new InterfaceInfo("lo", "", List.of("127.0.0.1/8", "::1/128"), true, true, true), all.get(2));
        assertEquals(new InterfaceInfo("ifb0", "", List.of(), false, false, false), all.get(3));
        assertTrue(InterfaceLister.defaultInterface(all).orElseThrow().name().equals("eth0"));
    }
}
