package io.mailscope.cli.connect;

import io.mailscope.explain.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The numbered lines of the conversation, which packet (frame) carried each, and the findings told about them.
 * A finding waits until the lines that prove it are out ({@link #flush}): the explanation may know of a line
 * before the screen shows it. Its frames are named as transcript lines.
 */
final class Transcript {
    private static final Pattern FRAME = Pattern.compile("\\bframe (\\d+)");

    private final ConnectOutput out;
    private final Object lock;
    private final Consumer<String> note;
    private final java.util.function.Function<String, String> hints;
    private int lineNumber;
    /** Which lines each frame carried, for the last {@value #FRAMES_KEPT} frames: a long session stays bounded. */
    private final Map<Long, List<Integer>> linesOfFrame = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, List<Integer>> eldest) {
            return size() > FRAMES_KEPT;
        }
    };
    static final int FRAMES_KEPT = 50_000;
    private final List<String> told = new ArrayList<>();
    private final List<Finding> queued = new ArrayList<>();

    /**
     * @param lock  the session's lock: lines are numbered in the order they crossed
     * @param hints what to do about a finding's code with connect itself, or null
     */
    Transcript(ConnectOutput out, Object lock, Consumer<String> note, java.util.function.Function<String, String> hints) {
        this.out = out;
        this.lock = lock;
        this.note = note;
        this.hints = hints;
    }

    /** A line that crossed in {@code frame}; shown at once. */
    TranscriptLine line(boolean fromClient, String text, long frame, boolean insideTls) {
        synchronized (lock) {
            TranscriptLine l = new TranscriptLine(++lineNumber, fromClient, WallClock.now(), text, insideTls);
            if (frame > 0) {
                linesOfFrame.computeIfAbsent(frame, k -> new ArrayList<>(1)).add(l.number());
            }
            out.line(l);
            return l;
        }
    }

    /** A finding, told once per code (queued until {@link #flush}). */
    void tell(Finding f) {
        synchronized (lock) {
            if (!told.contains(f.code())) {
                told.add(f.code());
                queued.add(f);
            }
        }
    }

    /** The codes told, in order. */
    List<String> told() {
        synchronized (lock) {
            return List.copyOf(told);
        }
    }

    /** Prints the queued findings, with the transcript lines they rest on. */
    void flush() {
        List<Finding> ready;
        synchronized (lock) {
            if (queued.isEmpty()) {
                return;
            }
            ready = new ArrayList<>(queued);
            queued.clear();
        }
        for (Finding f : ready) {
            List<Integer> lines = new ArrayList<>();
            for (long frame : f.frames()) {
                for (int n : linesOf(frame)) {
                    if (!lines.contains(n)) {
                        lines.add(n);
                    }
                }
            }
            lines.sort(null);
            out.finding(new Finding(f.kind(), f.severity(), f.summary(), linesForFrames(f.explanation()), linesForFrames(f.fix()), f.frames(),
                            f.confidence(), f.alternatives(), f.outcome()),
                    lines, WallClock.now());
            String hint = hints.apply(f.code());
            if (hint != null) {
                note.accept(hint);
            }
        }
    }

    private List<Integer> linesOf(long frame) {
        synchronized (lock) {
            return List.copyOf(linesOfFrame.getOrDefault(frame, List.of()));
        }
    }

    /**
     * The explanations name packets by frame ("frame 7 at 0.012 s"), as for a capture; here a frame that carried
     * lines is named by its first line (the others keep their number: TCP's own packets, SYN-ACK, FIN).
     */
    String linesForFrames(String text) {
        Matcher m = FRAME.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            List<Integer> lines = linesOf(Long.parseLong(m.group(1)));
            m.appendReplacement(sb, lines.isEmpty() ? "$0" : "line " + lines.get(0));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
