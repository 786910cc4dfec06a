package io.mailscope.explain;

import java.util.List;

/**
 * One named diagnosis with its evidence.
 *
 * @param code        stable code from the catalog (docs/findings.md), e.g. "implicit-tls-mutual-wait"
 * @param summary     one sentence
 * @param explanation plain words naming the evidence: frames, times, the exact server reply
 * @param fix         what a person can do about it
 * @param frames      the frames that prove it, ascending
 */
public record Finding(String code, Severity severity, String summary, String explanation, String fix, List<Long> frames) {
}
