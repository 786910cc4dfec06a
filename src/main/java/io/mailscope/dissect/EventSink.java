package io.mailscope.dissect;

/** Where dissectors put their events, in the order they happened. */
@FunctionalInterface
public interface EventSink {
    void emit(Event event);
}
