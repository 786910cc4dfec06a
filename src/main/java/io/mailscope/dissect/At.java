package io.mailscope.dissect;

import io.mailscope.tcp.Direction;

/** Where an event happened: which way, in which frame, at what capture time (epoch nanoseconds). */
public record At(Direction direction, long frame, long timeNanos) {
    public boolean fromClient() {
        return direction == Direction.CLIENT_TO_SERVER;
    }
}
