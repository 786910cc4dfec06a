package io.mailscope.capture.live;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Runs mailscope in a separate JVM as user nobody (65534), with no capability at all: needs root to set up. */
public final class UnprivilegedJava {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private UnprivilegedJava() {
    }

    /** The test classpath lives under /root, which user nobody cannot read: copy it under {@code dir}. */
    public static String readableCopyOfClasspath(Path dir) throws IOException {
        Path cp = Files.createDirectory(dir.resolve("cp"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = cp.resolve(n++ + (Files.isDirectory(from) ? "" : ".jar"));
            try (Stream<Path> files = Files.walk(from)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(f, Files.isDirectory(from) ? target : to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            entries.add(to.toString());
        }
        try (Stream<Path> all = Files.walk(cp)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A directory user nobody may write to (its temporary files, -w output). */
    public static Path writableDir(Path dir, String name) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    /** {@code setpriv ... java -cp CP MAIN ARGS} as nobody, with no supplementary group and no capability. */
    public static List<String> command(String classpath, Path tmp, String mainClass, List<String> args) {
        List<String> java = new ArrayList<>(List.of(JAVA, "-Xshare:off", "-Djava.io.tmpdir=" + tmp,
                "-Djna.tmpdir=" + tmp, "-cp", classpath, mainClass));
        java.addAll(args);
        return HelperBuild.asNobody(java);
    }
}
