package io.mailscope.dissect;

/**
 * Something a dissector saw on a session. The explain layer reads events, never bytes (the Zeek model).
 * Each protocol package declares a sealed sub-interface of its own events.
 */
public interface Event {
    At at();
}
