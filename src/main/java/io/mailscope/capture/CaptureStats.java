package io.mailscope.capture;

/**
 * Counts of what a capture held.
 *
 * @param frames      frames read
 * @param bytes       captured bytes read (frame data)
 * @param tcp         frames decoded to a TCP segment
 * @param nonTcp      frames that are not TCP over IP (ARP, UDP, ICMP...), counted and skipped
 * @param undecodable frames too short or malformed to decode, counted and skipped
 * @param truncated   TCP segments whose payload was cut by the snaplen
 */
public record CaptureStats(long frames, long bytes, long tcp, long nonTcp, long undecodable, long truncated) {
}
