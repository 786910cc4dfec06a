package io.mailscope.dissect;

/** Where dissectors put their events, in the order they happened. */
@FunctionalInterface
public interface EventSink {
    void emit(Event event);

    /**
     * A dissector's buffers grew (positive) or were freed (negative) by this many bytes: a line or handshake message
     * in progress. Counted so that the memory of all open sessions together stays bounded (see {@link EventTally}).
     */
    default void retained(long bytes) {
    }
}
