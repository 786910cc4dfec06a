package io.mailscope.cli;

import io.mailscope.capture.live.InterfaceInfo;
import io.mailscope.capture.live.InterfaceLister;
import io.mailscope.capture.live.LiveCaptureException;
import io.mailscope.capture.live.LiveSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code mailscope interfaces}: what {@code live -i} can capture on. */
@Command(name = "interfaces", mixinStandardHelpOptions = true, description = "List the capture interfaces with their addresses.")
final class InterfacesCommand implements Callable<Integer> {
    @Option(names = "--capture-helper", paramLabel = "PATH",
            description = "List through this mailscope-capture helper (default: as `live` would capture).")
    Path captureHelper;

    @Override
    public Integer call() {
        try {
            List<InterfaceInfo> all = LiveSources.interfaces(captureHelper);
            if (all.isEmpty()) {
                System.out.println("No capture interfaces visible (capturing may need root or CAP_NET_RAW: see docs/live.md).");
            }
            String def = InterfaceLister.defaultInterface(all).map(InterfaceInfo::name).orElse(null);
            for (InterfaceInfo i : all) {
                System.out.println(i.summaryLine() + (i.name().equals(def) ? "  (default)" : ""));
            }
            return 0;
        } catch (LiveCaptureException e) {
            System.err.println("mailscope: " + e.getMessage());
            return e.exitCode();
        }
    }
}
