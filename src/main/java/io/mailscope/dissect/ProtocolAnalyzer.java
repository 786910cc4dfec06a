package io.mailscope.dissect;

import io.mailscope.tcp.Direction;

/**
 * A mail protocol's analyzer for one connection, both directions (Zeek's {@code DeliverStream}): it turns bytes
 * into its protocol's events and says when a direction switches to TLS (STARTTLS, STLS accepted), so that
 * {@link SessionAnalyzer} hands the rest of that direction to the TLS analyzer. It never throws out of these
 * methods: bad input becomes events.
 */
public interface ProtocolAnalyzer {

    /**
     * Feeds bytes of one direction. Returns how many were consumed: all of them, unless this direction switched to
     * TLS inside the chunk ({@link #upgradePending}), in which case the bytes after the switching line are left
     * for the TLS analyzer. Once upgradePending(direction) is true this returns 0.
     */
    int onData(Direction direction, byte[] data, int offset, int length, At at);

    /** Bytes of this direction are missing from the capture. */
    void onGap(Direction direction, long length, At at);

    /** This direction ended (FIN, RST or the end of the capture). */
    void onEnd(Direction direction, At at);

    /** True once the server accepted the upgrade: the next bytes of this direction should be TLS. */
    boolean upgradePending(Direction direction);

    /** The direction went on in plaintext after the upgrade was accepted (or after its TLS gave up): keep parsing it. */
    void continuePlaintext(Direction direction);

    /** Decrypted bytes of this direction follow (a key log opened its TLS): parse them as this protocol again. */
    default void continueInsideTls(Direction direction) {
        continuePlaintext(direction);
    }
}
