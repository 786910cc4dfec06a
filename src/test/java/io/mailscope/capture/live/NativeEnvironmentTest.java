package io.mailscope.capture.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when the environment is wrong, proven in real separate JVMs: libpcap missing, no capture
 * capability, and the documented setpriv recipe for capturing without being root.
 */
class NativeEnvironmentTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path dir;

    record Result(int exit, String out, String err) {
    }

    private Result run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectOutput(dir.resolve("out.txt").toFile());
        pb.redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe did not finish: " + command);
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("out.txt")).trim(),
                Files.readString(dir.resolve("err.txt")).trim());
    }

    private static List<String> probe(String classpath, String... jvmOptions) {
        List<String> cmd = new ArrayList<>();
        cmd.add(JAVA);
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", classpath, OpenProbe.class.getName(), "lo"));
        return cmd;
    }

    private static boolean hasSetpriv() {
        return Stream.of("/usr/bin/setpriv", "/bin/setpriv").anyMatch(p -> Files.isExecutable(Path.of(p)));
    }

    @Test
    void missingLibpcapTellsWhatToInstallAndExitsWith2() throws Exception {
        // pcap4j loads the library named by this property; a path that does not exist is libpcap not installed.
        Result r = run(probe(System.getProperty("java.class.path"),
                "-Dorg.pcap4j.core.pcapLibName=/nonexistent/libpcap-not-installed.so"));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("live capture needs libpcap, which could not be loaded"), r.err());
        assertTrue(r.err().contains("apt-get install libpcap0.8"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void withoutTheCaptureCapabilityTheMessageSaysRootOrSetpriv() throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture(), LiveTestSupport.NO_PRIVILEGE + " (needed to drop it again)");
        assumeTrue(hasSetpriv(), "setpriv (util-linux) is not installed");
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set", "-net_raw,-net_admin",
                "--inh-caps", "-all"));
        cmd.addAll(probe(System.getProperty("java.class.path")));
        Result r = run(cmd);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().startsWith("no permission to capture on lo"), r.err());
        assertTrue(r.err().contains("run mailscope as root"), r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    @Test
    void unprivilegedUserCapturesWithAmbientCapabilityFromSetpriv() throws Exception {
        assumeTrue(LiveTestSupport.libpcapLoads(), LiveTestSupport.NO_LIBPCAP);
        assumeTrue(LiveTestSupport.mayCapture() && isRoot(), "needs root to switch to user nobody");
        assumeTrue(hasSetpriv(), "setpriv (util-linux) is not installed");
        String classpath = readableCopyOfClasspath();
        Path jnaTmp = Files.createDirectory(dir.resolve("jna"));
        Files.setPosixFilePermissions(jnaTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups",
                "--inh-caps", "+net_raw", "--ambient-caps", "+net_raw"));
        cmd.addAll(probe(classpath, "-Djna.tmpdir=" + jnaTmp, "-Djava.io.tmpdir=" + jnaTmp, "-Xshare:off"));
        Result r = run(cmd);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("opened lo linktype 1", r.out());

        List<String> without = new ArrayList<>(List.of("setpriv", "--reuid", "65534", "--regid", "65534",
                "--clear-groups"));
        without.addAll(probe(classpath, "-Djna.tmpdir=" + jnaTmp, "-Djava.io.tmpdir=" + jnaTmp, "-Xshare:off"));
        Result denied = run(without);
        assertEquals(2, denied.exit(), denied.toString());
        assertTrue(denied.err().startsWith("no permission to capture on lo"), denied.err());
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private String readableCopyOfClasspath() throws IOException {
        return UnprivilegedJava.readableCopyOfClasspath(dir);
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
