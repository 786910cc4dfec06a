package io.mailscope.dissect;

import io.mailscope.tcp.Direction;

/**
 * Where an event happened: which way, in which frame, at what capture time (epoch nanoseconds), and whether it
 * was seen inside TLS (decrypted with a key log).
 */
public record At(Direction direction, long frame, long timeNanos, boolean insideTls) {
    public At(Direction direction, long frame, long timeNanos) {
        this(direction, frame, timeNanos, false);
    }

    public boolean fromClient() {
        return direction == Direction.CLIENT_TO_SERVER;
    }

    /** The same place, inside TLS. */
    public At inTls() {
        return insideTls ? this : new At(direction, frame, timeNanos, true);
    }
}
