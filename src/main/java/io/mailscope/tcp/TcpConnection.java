package io.mailscope.tcp;

/**
 * What is known about one TCP connection: endpoints, times, counters and Zeek-style history/state.
 * Owned and updated by {@link TcpReassembler}; listeners read it.
 */
public final class TcpConnection {
    /** Why the connection was reported. */
    /**
     * How the connection ended: its FIN or RST; idle; the capture's end; the memory limit; or a new SYN from the same
     * client port with another sequence number (a new connection on the same ports: the old one is over).
     */
    public enum EndReason { FIN, RST, IDLE, CAPTURE_END, MEMORY_LIMIT, PORT_REUSED }

    long id;
    final Endpoint client;
    final Endpoint server;
    Tunnel tunnel = Tunnel.NONE;
    long startNanos;
    long firstFrame;
    long lastFrame;
    long lastActivityNanos;
    final StringBuilder history = new StringBuilder(8);
    ConnState state = ConnState.OTH;
    long clientBytes;
    long serverBytes;
    long clientPackets;
    long serverPackets;
    Direction firstSpeaker;
    long firstPayloadFrame;
    long firstPayloadNanos;
    boolean midstream;
    long synFrame;
    long synNanos;
    long synAckFrame;
    long synAckNanos;
    long establishedNanos;
    EndReason endReason;
    Direction closedBy;
    /** When mailscope stopped following the connection (see {@link #releasedNanos()}); 0 while it is open. */
    long releasedNanos;
    /** The compact record this connection was kept as until it said more than SYN ({@link #openKey()}); else null. */
    Object openedAs;
    /** Reported straight from its compact record: it only ever sent SYNs ({@link #synOnly()}). */
    boolean synOnly;

    /**
     * What goes wrong on few connections (holes, conflicting overlaps, cut segments, a failing consumer), made at the
     * first such thing: a connection costs 48 bytes less while it is open, and a scan keeps 100,000 open.
     */
    static final class Trouble {
        int gaps;
        int conflictingOverlaps;
        long droppedOutOfOrderBytes;
        long truncatedSegments;
        long clientGapBytes;
        long serverGapBytes;
        RuntimeException consumerFailure;
    }

    private static final Trouble NO_TROUBLE = new Trouble();
    private Trouble trouble;

    /** The trouble record, made on first use (only the reassembler writes it). */
    Trouble trouble() {
        if (trouble == null) {
            trouble = new Trouble();
        }
        return trouble;
    }

    private Trouble troubleOrNone() {
        return trouble == null ? NO_TROUBLE : trouble;
    }

    TcpConnection(long id, Endpoint client, Endpoint server) {
        this.id = id;
        this.client = client;
        this.server = server;
    }

    private Object attachment;

    /** What the listener keeps with this connection (its session), so it needs no map lookup per packet. */
    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        this.attachment = value;
    }

    /** 1-based, in order of first packet. */
    public long id() { return id; }

    /**
     * Gives the connection its number in the whole run. The parallel pipeline (io.mailscope.pipeline) reassembles
     * each shard of connections in its own {@link TcpReassembler}, whose numbers count only that shard; once the
     * connection is reported, the merge renumbers it in the order connections opened across all shards.
     */
    public void renumber(long runWideId) { this.id = runWideId; }
    public Endpoint client() { return client; }
    public Endpoint server() { return server; }
    /** The tags and tunnels the connection was captured inside; {@link Tunnel#NONE} for a plain one. */
    public Tunnel tunnel() { return tunnel; }
    public long startNanos() { return startNanos; }
    /** The last packet's time (when the connection was reported, the time it was reported at: the same). */
    public long endNanos() { return lastActivityNanos; }
    public long firstFrame() { return firstFrame; }
    public long lastFrame() { return lastFrame; }
    public long lastActivityNanos() { return lastActivityNanos; }
    /** Zeek history letters: upper case from the client, lower case from the server (S h A D F R T ...). */
    public String history() { return history.toString(); }
    public ConnState state() { return state; }
    /** Reassembled payload bytes from the client, retransmissions counted once. */
    public long clientBytes() { return clientBytes; }
    public long serverBytes() { return serverBytes; }
    public long clientPackets() { return clientPackets; }
    public long serverPackets() { return serverPackets; }
    /** Number of holes delivered as gap events, both directions. */
    public int gaps() { return troubleOrNone().gaps; }
    public long gapBytes() { return troubleOrNone().clientGapBytes + troubleOrNone().serverGapBytes; }
    /** Who sent the first payload byte; null when nobody did. */
    public Direction firstSpeaker() { return firstSpeaker; }
    public long firstPayloadFrame() { return firstPayloadFrame; }
    public long firstPayloadNanos() { return firstPayloadNanos; }
    /** True when the capture started after the connection's handshake. */
    public boolean midstream() { return midstream; }
    public int conflictingOverlaps() { return troubleOrNone().conflictingOverlaps; }
    public long droppedOutOfOrderBytes() { return troubleOrNone().droppedOutOfOrderBytes; }
    /** Segments whose payload was cut by the capture's snaplen. */
    public long truncatedSegments() { return troubleOrNone().truncatedSegments; }
    public long synFrame() { return synFrame; }
    public long synNanos() { return synNanos; }
    public long synAckFrame() { return synAckFrame; }
    public long synAckNanos() { return synAckNanos; }
    /** Time of the client's first ACK after the SYN-ACK (handshake complete); 0 when not seen. */
    public long establishedNanos() { return establishedNanos; }
    /** Bytes missing from the client's stream (gaps), part of {@link #gapBytes()}. */
    public long clientGapBytes() { return troubleOrNone().clientGapBytes; }
    public long serverGapBytes() { return troubleOrNone().serverGapBytes; }
    /**
     * What the stream consumer threw, if it did: it was then no longer called for this connection
     * (reassembly and counters went on).
     */
    public RuntimeException consumerFailure() { return troubleOrNone().consumerFailure; }
    public EndReason endReason() { return endReason; }
    /** The frame that ended the connection (its last frame, as it was reported); 0 while it is open. */
    public long endFrame() { return endReason == null ? 0 : lastFrame; }
    /** The side whose FIN or RST ended the connection; null when it did not end on the wire. */
    public Direction closedBy() { return closedBy; }

    /**
     * Capture time at which mailscope stopped following the connection, which is how long a wait was actually
     * watched: its last packet when it ended on the wire (FIN, RST); the packet that needed its memory
     * ({@link EndReason#MEMORY_LIMIT}); the clock that found it idle ({@link EndReason#IDLE}); the new SYN that reused its
     * ports ({@link EndReason#PORT_REUSED}); the capture's last frame ({@link EndReason#CAPTURE_END}). Never before
     * {@link #endNanos()}; 0 while it is open.
     */
    public long releasedNanos() { return releasedNanos; }

    /**
     * What identifies this connection from the moment it opened: the connection itself, or, for one the reassembler
     * kept as a compact SYN-only record ({@link ConnectionListener#openedCompact}), that record's token. The parallel
     * pipeline numbers connections by it.
     */
    public Object openKey() { return openedAs != null ? openedAs : this; }

    /** True when this connection was kept as a compact SYN-only record before it was made whole. */
    public boolean wasCompact() { return openedAs != null; }

    /**
     * True when the connection was reported straight from its compact record: the client's SYN (and retransmissions
     * of it) and nothing else, no answer. The listener then hears only {@link ConnectionListener#closed}, with no
     * {@link ConnectionListener#opened} or {@link ConnectionListener#segment} before it; every field reads as it
     * would had the connection been followed in full (state S0, history S).
     */
    public boolean synOnly() { return synOnly; }

    public Endpoint sender(Direction d) {
        return d == Direction.CLIENT_TO_SERVER ? client : server;
    }

    @Override
    public String toString() {
        return "#" + id + " " + client + " -> " + server + " " + state + " " + history();
    }
}
