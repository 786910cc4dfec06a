package io.mailscope.capture;

/**
 * Counts of what a capture held. Every frame is counted exactly once in {@code tcp}, {@code nonTcp},
 * {@code undecodable} or {@code fragments}.
 *
 * @param frames      frames read
 * @param bytes       captured bytes read (frame data)
 * @param tcp         frames decoded to a TCP segment
 * @param nonTcp      frames that are not TCP over IP (ARP, UDP, ICMP...), counted and skipped
 * @param undecodable frames too short or malformed to decode, counted and skipped
 * @param truncated   TCP segments whose payload was cut by the snaplen (also counted in {@code tcp})
 * @param fragments   IPv4 or IPv6 fragments (of any protocol), counted and skipped: IP is not reassembled
 */
public record CaptureStats(long frames, long bytes, long tcp, long nonTcp, long undecodable, long truncated,
        long fragments) {

    /** Counts without fragments (for readers and callers that do not decode IP). */
    public CaptureStats(long frames, long bytes, long tcp, long nonTcp, long undecodable, long truncated) {
        this(frames, bytes, tcp, nonTcp, undecodable, truncated, 0);
    }
}
