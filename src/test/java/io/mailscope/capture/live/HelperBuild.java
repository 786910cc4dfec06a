package io.mailscope.capture.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The builds of native/mailscope-capture the Maven build made next to the classes (target/): the hardened one
 * and the one with AddressSanitizer and UndefinedBehaviorSanitizer. Tests run the same checks on both.
 */
public final class HelperBuild {
    public static final String PLAIN = "mailscope-capture";
    public static final String SANITIZED = "mailscope-capture-asan";

    private HelperBuild() {
    }

    /** The build named, or the test is skipped saying why it is missing. */
    public static Path require(String name) {
        Path p = Path.of("target", name).toAbsolutePath();
        assumeTrue(Files.isExecutable(p), name + " was not built (needs a C compiler, make and libpcap-dev"
                + (name.equals(SANITIZED) ? ", and libasan/libubsan" : "") + "): its tests are skipped");
        return p;
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    public static boolean hasTool(String name) {
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A copy of the helper in a directory everyone may enter, owned by root, with the capture capability given
     * to the file as the package does (or without it, for the refusal), so that user nobody can run it.
     */
    public static Path copyForNobody(Path helper, Path dir, boolean withCapability) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = dir.resolve(helper.getFileName() + (withCapability ? "-cap" : "-nocap"));
        Files.copy(helper, copy, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (withCapability) {
            Process p = new ProcessBuilder("setcap", "cap_net_raw,cap_net_admin=eip", copy.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("setcap failed: " + out);
            }
        }
        return copy;
    }

    /** setpriv's prefix that runs a command as user and group nobody (65534) with no supplementary groups. */
    public static List<String> asNobody(List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"));
        cmd.addAll(command);
        return cmd;
    }
}
