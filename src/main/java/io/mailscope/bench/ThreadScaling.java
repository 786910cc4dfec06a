package io.mailscope.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The speed-up of {@code analyze} with more analysis workers ({@code --threads}), from the rows of one
 * {@code bench e2e} run, and what it would be on more cores than the machine has.
 *
 * <p>Rows whose command lines differ only in {@code --threads K} form a series; each K's speed-up is the median wall
 * time with one thread over the median with K. The extrapolation fits Amdahl's law to the largest K measured: the
 * experimentally determined serial fraction (Karp and Flatt, 1990) is {@code e = (1/S - 1/K) / (1 - 1/K)}, the
 * part of the work that did not speed up (reading and decoding on one thread, the merge and the rendering on
 * another, JVM start-up, and whatever the machine took away); then {@code S(n) = 1 / (e + (1 - e) / n)}, whose
 * limit is {@code 1/e}. It assumes the workers' share keeps dividing evenly, that a core per thread is free (on a
 * shared machine it was not, which makes e larger and the extrapolation pessimistic) and nothing about memory
 * bandwidth; it is an estimate for the record, not a measurement.
 *
 * @param command the command line without {@code --threads}
 * @param wallNanos median wall time by worker count
 * @param cpuNanos  median CPU time (user + system) by worker count, -1 when unknown
 */
public record ThreadScaling(String command, Map<Integer, Long> wallNanos, Map<Integer, Long> cpuNanos) {
    private static final Pattern THREADS = Pattern.compile("\\s*--threads[ =](\\d+)");
    /** The worker counts the extrapolation is printed for. */
    public static final int[] EXTRAPOLATED = {4, 8, 16, 32};

    /** The series in a run's rows: command lines measured with one thread and at least one other count. */
    public static List<ThreadScaling> of(EndToEnd.Results r) {
        Map<String, Map<Integer, Long>> walls = new LinkedHashMap<>();
        Map<String, Map<Integer, Long>> cpus = new LinkedHashMap<>();
        for (EndToEnd.Measured m : r.rows()) {
            if (!m.ok() || !m.command().mailscope()) {
                continue;
            }
            Matcher t = THREADS.matcher(m.command().label());
            if (!t.find()) {
                continue;
            }
            String rest = (m.command().label().substring(0, t.start()) + m.command().label().substring(t.end())).trim();
            int k = Integer.parseInt(t.group(1));
            walls.computeIfAbsent(rest, x -> new TreeMap<>()).put(k, m.medianWallNanos());
            cpus.computeIfAbsent(rest, x -> new TreeMap<>()).put(k, m.medianCpuNanos());
        }
        List<ThreadScaling> list = new ArrayList<>();
        for (var e : walls.entrySet()) {
            if (e.getValue().containsKey(1) && e.getValue().size() > 1) {
                list.add(new ThreadScaling(e.getKey(), e.getValue(), cpus.get(e.getKey())));
            }
        }
        return list;
    }

    /** Wall time with one thread over wall time with {@code k}. */
    public double speedup(int k) {
        return (double) wallNanos.get(1) / wallNanos.get(k);
    }

    /** The largest worker count measured. */
    public int largest() {
        return ((TreeMap<Integer, Long>) wallNanos).lastKey();
    }

    /** Karp-Flatt serial fraction at the largest count measured (may come out above 1 when more threads were slower). */
    public double serialFraction() {
        int p = largest();
        return serialFraction(speedup(p), p);
    }

    static double serialFraction(double speedup, int p) {
        return (1 / speedup - 1.0 / p) / (1 - 1.0 / p);
    }

    /** Amdahl's speed-up on {@code n} workers with serial fraction {@code e} (clamped to [0, 1]). */
    public static double amdahl(double e, int n) {
        double s = Math.max(0, Math.min(1, e));
        return 1 / (s + (1 - s) / n);
    }
}
