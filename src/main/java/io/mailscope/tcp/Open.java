package io.mailscope.tcp;

/**
 * What the reassembler keeps for one open connection: the whole state ({@link Flow}) or, for a connection that has
 * only sent SYNs, a compact record ({@link SynOnly}). The map of open connections, idle expiry and eviction see
 * both through this.
 */
sealed interface Open permits Flow, SynOnly {
    /** The connection's number (in order of first packet). */
    long id();

    /** The time of its last packet. */
    long lastActivityNanos();

    /** The frame of its last packet. */
    long lastFrame();
}
