package io.mailscope.capture.live;

/**
 * Run in a separate JVM by {@link NativeEnvironmentTest}: opens an interface the way {@code mailscope live} will,
 * prints one line and exits 0, or prints the LiveCaptureException's message and exits with its exit code.
 */
public final class OpenProbe {
    private OpenProbe() {
    }

    public static void main(String[] args) {
        LiveOptions options = LiveOptions.defaults().withInterface(args[0]).withFilter("udp port 9 and host 127.0.0.254");
        try (LiveCapture capture = LiveCapture.open(options)) {
            capture.start((n, t, l, b, o, c, ol) -> { });
            System.out.println("opened " + capture.interfaceName() + " linktype " + capture.linkType());
            capture.stop();
        } catch (LiveCaptureException e) {
            System.err.println(e.getMessage());
            System.exit(e.exitCode());
        }
    }
}
