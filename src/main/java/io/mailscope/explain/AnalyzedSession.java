package io.mailscope.explain;

import io.mailscope.dissect.Session;

/** A finished session with its diagnosis: what the reports print. */
public record AnalyzedSession(Session session, Diagnosis diagnosis) {
}
