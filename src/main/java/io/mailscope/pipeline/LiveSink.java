package io.mailscope.pipeline;

import io.mailscope.dissect.Session;
import io.mailscope.explain.Finding;

/**
 * Where a sharded live analysis says what happens while sessions are open (the live methods of a report). Called on
 * the merge's thread only, one call at a time, in the merge's order; the session's connection carries its run-wide
 * number by then. A session's own fields may still be changing on its worker: read only what was fixed when it
 * opened (its connection's endpoints, start and number, its port role).
 */
public interface LiveSink {
    /** A connection opened. */
    void opened(Session session);

    /** The watch found something about an open session. */
    void finding(Session session, Finding finding, long timeNanos);

    /** The watch says how an open session unfolds. */
    void progress(Session session, String line, long timeNanos);
}
