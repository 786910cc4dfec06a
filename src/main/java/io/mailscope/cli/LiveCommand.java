package io.mailscope.cli;

import io.mailscope.capture.FrameSink;
import io.mailscope.capture.LinkTypes;
import io.mailscope.capture.PcapWriter;
import io.mailscope.capture.live.LiveCaptureException;
import io.mailscope.capture.live.LiveOptions;
import io.mailscope.capture.live.LiveSource;
import io.mailscope.capture.live.LiveSources;
import io.mailscope.capture.live.LiveStats;
import io.mailscope.capture.live.Tee;
import io.mailscope.dissect.PortRole;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.Session;
import io.mailscope.explain.Finding;
import io.mailscope.pipeline.Analysis;
import io.mailscope.pipeline.LiveSink;
import io.mailscope.pipeline.ShardedAnalysis;
import io.mailscope.explain.LiveWatch;
import io.mailscope.report.JsonReport;
import io.mailscope.report.Report;
import io.mailscope.report.Reports;
import io.mailscope.report.Style;
import io.mailscope.report.TextReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code mailscope live}: captures on an interface and explains sessions as they unfold, through the same
 * analysis chain as files. With {@code --threads 1} one lock serialises the capture thread (packets) and the watch
 * thread (the clock that turns silences into findings), so the analysis itself stays single-threaded. With more
 * (the default: the available cores) the capture thread decodes and hands segments to the sharded pipeline's
 * workers, each of which watches its own open sessions at the clock's ticks; the merge thread renders.
 */
@Command(name = "live", mixinStandardHelpOptions = true,
        description = "Capture on an interface and explain mail sessions as they happen (through the capture helper "
                + "mailscope-capture, or as root: docs/live.md).")
final class LiveCommand implements Callable<Integer> {
    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE", description = "Interface to capture on (default: the one libpcap would choose; see `mailscope interfaces`).")
    String iface;

    @Option(names = "--filter", paramLabel = "BPF", description = "Capture filter in tcpdump syntax (default: the IMAP and IMAPS ports).")
    String filter;

    @Option(names = "-w", paramLabel = "FILE", description = "Also write what was captured to FILE (pcap), for `analyze` or Wireshark.")
    Path writeTo;

    @Option(names = "--count", paramLabel = "N", description = "Stop after N frames.")
    long count;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class, description = "Stop after D (30s, 5m, 1h).")
    Duration duration;

    @Option(names = "--stall-after", paramLabel = "SECONDS", defaultValue = "3",
            description = "Say that both sides are waiting once nothing has crossed for this long. Default: ${DEFAULT-VALUE} s.")
    double stallSeconds;

    @Option(names = "--snaplen", paramLabel = "BYTES", defaultValue = "262144", description = "Bytes kept of each packet. Default: ${DEFAULT-VALUE}.")
    int snaplen;

    @Option(names = "--buffer-size", paramLabel = "MiB", defaultValue = "128",
            description = "Kernel capture buffer. A small one drops packets in bursts (docs/live.md). Default: ${DEFAULT-VALUE} MiB.")
    int bufferMiB;

    @Option(names = "--capture-helper", paramLabel = "PATH",
            description = "Capture through this mailscope-capture helper (default: the one next to the jar or in "
                    + "/usr/lib/mailscope, used when this process may not capture itself).")
    Path captureHelper;

    @Mixin
    AnalysisOptions options = new AnalysisOptions();

    /** Sharded: how long captured frames may wait in a batch that is not full before the workers get them. */
    private static final long FLUSH_MILLIS = 20;

    /**
     * Serialises what feeds the analysis: the capture thread's frames and the clock's ticks. With one thread the
     * tick (the watch's diagnoses, idle expiry) runs under it; sharded, only the hand-over of a tick's marks does.
     */
    private final ReentrantLock reading = new ReentrantLock();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    /** The default filter: TCP on the mail ports, so the kernel queues only what mailscope looks at. */
    static String defaultFilter(PortRoles roles) {
        List<String> parts = new ArrayList<>();
        for (PortRole role : PortRole.values()) {
            for (int p : roles.ports(role)) {
                parts.add("tcp port " + p);
            }
        }
        return String.join(" or ", parts);
    }

    @Override
    public Integer call() {
        options.validate();
        if (stallSeconds <= 0 || snaplen <= 0 || bufferMiB <= 0 || count < 0) {
            throw new IllegalArgumentException("--stall-after, --snaplen and --buffer-size must be positive, --count not negative");
        }
        PortRoles roles = options.roles();
        LiveOptions lo = LiveOptions.defaults().withInterface(iface).withSnaplen(snaplen)
                .withBufferBytes((int) Math.min(Integer.MAX_VALUE, bufferMiB * 1024L * 1024L))
                .withFilter(filter != null ? filter : defaultFilter(roles));
        if (count > 0) {
            lo = lo.withMaxFrames(count);
        }
        if (duration != null) {
            lo = lo.withMaxDuration(duration);
        }
        LiveSource capture;
        try {
            capture = LiveSources.open(lo, captureHelper);
        } catch (LiveCaptureException e) {
            System.err.println("mailscope: " + e.getMessage());
            return e.exitCode();
        }
        System.err.println(listeningLine(capture));
        List<Report> outputs = new ArrayList<>();
        outputs.add(options.json ? new JsonReport(System.out) : new TextReport(System.out, Style.detect(options.color), TextReport.Detail.FULL));
        if (options.html != null) {
            try {
                outputs.add(HtmlReports.open(options.html));
            } catch (IllegalArgumentException e) {
                capture.close();
                System.err.println("mailscope: " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        Report report = new Reports(outputs);
        int threads = options.threads();
        Pipeline pipeline = new Pipeline(options, null, report, new SessionFilter(options), true, threads);
        pipeline.source("live:" + capture.interfaceName());
        PcapWriter writer = null;
        if (writeTo != null) {
            try {
                writer = PcapWriter.create(writeTo, PcapWriter.Format.PCAP_NANOS, capture.linkType(), capture.snaplen());
            } catch (IOException e) {
                capture.close();
                System.err.println("mailscope: cannot write " + writeTo + ": " + e.getMessage());
                return Main.EXIT_USAGE;
            }
        }
        long stallNanos = (long) (stallSeconds * 1e9);
        FrameSink analyze;
        Runnable tick;
        Runnable flush = () -> { };
        if (pipeline.analysis() instanceof ShardedAnalysis sharded) {
            // The watch runs in each worker over its own sessions; what it says reaches the report through the merge.
            // The capture thread and the clock share only the reading side (a frame's decoding and hand-over, or a
            // tick's two marks), and the clock never waits for it: when the capture thread holds it, the tick is left
            // for that thread to send after its frame.
            sharded.watchLive(stallNanos, new LiveSink() {
                @Override
                public void opened(Session s) {
                    report.opened(s);
                }

                @Override
                public void finding(Session s, Finding f, long timeNanos) {
                    report.liveFinding(s, f, timeNanos);
                }

                @Override
                public void progress(Session s, String line, long timeNanos) {
                    report.progress(s, line, timeNanos);
                }
            });
            AtomicLong pendingTick = new AtomicLong();
            analyze = (frame, time, link, buf, off, cap, orig) -> {
                reading.lock();
                try {
                    sharded.frame(frame, time, link, buf, off, cap, orig);
                    long t = pendingTick.getAndSet(0);
                    if (t != 0) {
                        sharded.liveTick(t);
                    }
                } finally {
                    reading.unlock();
                }
            };
            tick = () -> {
                long now = now();
                if (reading.tryLock()) {
                    try {
                        pendingTick.set(0);
                        sharded.liveTick(now);
                    } finally {
                        reading.unlock();
                    }
                } else {
                    pendingTick.set(now);
                }
            };
            flush = () -> {
                // a busy capture thread fills batches and hands them over itself
                if (reading.tryLock()) {
                    try {
                        sharded.flush();
                    } finally {
                        reading.unlock();
                    }
                }
            };
        } else {
            Analysis analysis = (Analysis) pipeline.analysis();
            analysis.tracker().onOpen(report::opened);
            LiveWatch watch = new LiveWatch(stallNanos, (s, f) -> report.liveFinding(s, f, now()));
            watch.onProgress((s, line) -> report.progress(s, line, now()));
            analyze = (frame, time, link, buf, off, cap, orig) -> {
                reading.lock();
                try {
                    analysis.frame(frame, time, link, buf, off, cap, orig);
                } finally {
                    reading.unlock();
                }
            };
            tick = () -> {
                reading.lock();
                try {
                    long now = now();
                    watch.tick(analysis.tracker().openSessions(), now);
                    analysis.expireIdle(now);
                } finally {
                    reading.unlock();
                }
            };
        }
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailscope-live-clock");
            t.setDaemon(true);
            return t;
        });
        clock.scheduleAtFixedRate(tick, 250, 250, TimeUnit.MILLISECONDS);
        clock.scheduleWithFixedDelay(flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        PcapWriter w = writer;
        Runnable finish = () -> finish(capture, clock, pipeline, report, w);
        Thread hook = new Thread(finish, "mailscope-live-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        capture.start(writer != null ? new Tee(writer, analyze) : analyze);
        try {
            capture.awaitEnd();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finish.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is already running and does the same.
        }
        return capture.failure() != null ? capture.failure().exitCode() : 0;
    }

    /** As tcpdump's "listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes", plus filter and how. */
    static String listeningLine(LiveSource capture) {
        String filter = capture.options().filter();
        return "mailscope: listening on " + capture.interfaceName() + ", link-type " + LinkTypes.name(capture.linkType())
                + " (" + capture.linkType() + "), snapshot length " + capture.snaplen() + " bytes, filter "
                + (filter == null ? "none" : "'" + filter + "'") + ", " + capture.method();
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    /** Stops the capture and reports what is pending, once, whether the end came by itself or by Ctrl-C. */
    private void finish(LiveSource capture, ScheduledExecutorService clock, Pipeline pipeline, Report report, PcapWriter writer) {
        if (!finishing.compareAndSet(false, true)) {
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            LiveStats stats;
            try {
                stats = capture.stop();
            } catch (LiveCaptureException e) {
                System.err.println("mailscope: " + e.getMessage());
                stats = capture.stats();
            }
            clock.shutdownNow();
            reading.lock();
            try {
                pipeline.finishSessions();
                pipeline.keyLogReport().forEach(line -> System.err.println("mailscope: " + line));
                if (pipeline.analysis() instanceof ShardedAnalysis sharded && sharded.skippedProgressLines() > 0) {
                    System.err.println("mailscope: " + sharded.skippedProgressLines()
                            + " progress lines not shown: the report fell behind the analysis (docs/live.md, \"Threads\")");
                }
                report.captureStats(capture.interfaceName(), stats.frames(), stats.received(), stats.dropped(), stats.ifDropped());
                pipeline.summary();
                report.close();
            } finally {
                reading.unlock();
            }
            if (writer != null) {
                try {
                    writer.close();
                } catch (IOException e) {
                    System.err.println("mailscope: writing " + writeTo + " failed: " + e.getMessage());
                }
            }
        } finally {
            finished.countDown();
        }
    }
}
