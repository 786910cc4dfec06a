package io.mailscope.report;

import io.mailscope.tcp.ReassemblyStats;

import java.util.List;
import java.util.Map;

/**
 * Totals of one run.
 *
 * @param outcomes sessions per outcome label, in a stable order
 * @param findings finding code to number of sessions, most frequent first
 * @param errors   one-line messages about input that could not be read (corrupt captures...)
 */
public record RunSummary(List<String> files, long frames, long tcpSegments, long nonTcp, long undecodable,
                         long sessions, long shown, long clientBytes, long serverBytes,
                         Map<String, Long> outcomes, Map<String, Long> findings, ReassemblyStats reassembly,
                         List<String> errors) {
}
