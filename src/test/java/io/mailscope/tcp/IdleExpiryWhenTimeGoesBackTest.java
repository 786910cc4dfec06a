package io.mailscope.tcp;

import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.PacketDecoder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Capture time may go back (files recorded at different times read as one run, or spliced into one file with
 * {@code mergecap -a}). A connection is then idle by its own last packet alone: connections dated later that were
 * active before it do not keep it open, and it is released at the same look whichever other connections share the
 * reassembler (which is what lets N workers release exactly what one does). Real recordings, moved in time as they
 * are read, as {@code editcap -t} would move them.
 */
class IdleExpiryWhenTimeGoesBackTest {
    private static final Path CAPTURES = Path.of("src/test/resources/captures");
    /** About a week: the shift by which captures/README 17c moved no-answer-port-reuse.pcap back. */
    private static final long WEEK = 661_723L * 1_000_000_000L;
    private static final long MINUTE = 60_000_000_000L;

    private final RecordingListener listener = new RecordingListener();
    private final TcpReassembler reassembler = new TcpReassembler(listener, ReassemblyLimits.DEFAULT, p -> false);
    private final PacketDecoder decoder = new PacketDecoder(reassembler);
    /**
     * Reads a bundled recording into the reassembler, every frame's time moved by {@code shiftNanos}.
     *
     * @return the time of its last frame, moved
     */
    private long read(String name, long shiftNanos) throws Exception {
        long[] last = {0};
        try (CaptureReader reader = CaptureReader.open(CAPTURES.resolve(name).toString())) {
            reader.readFrames((frame, time, link, buf, offset, capLen, origLen) -> {
                last[0] = time + shiftNanos;
                decoder.frame(frame, time + shiftNanos, link, buf, offset, capLen, origLen);
            });
        }
        return last[0];
    }

    /** The connections from or to {@code port} as reported so far: "client port end reason". */
    private List<String> closedOnPort(int port) {
        return listener.closed.stream()
                .filter(c -> c.server().port() == port || c.client().port() == port)
                .map(c -> c.client().port() + " " + c.endReason())
                .toList();
    }

    @Test
    void anEarlierConnectionIsIdleTenMinutesAfterItsLastPacketThoughConnectionsDatedAWeekLaterWereActiveBeforeIt() throws Exception {
        // three clients retried from the same port; the second attempts are still open, their last SYNs a week ahead
        read("no-answer-port-reuse.pcap", WEEK);
        assertEquals(List.of("40000 PORT_REUSED", "40001 PORT_REUSED", "40002 PORT_REUSED"), closedOnPort(993));
        // a recording a week earlier: one SYN to port 10143, never answered
        long noAnswerEnd = read("no-answer.pcap", 0);
        // ten minutes after it (twice the idle timeout), and still a week before the second attempts' last SYNs
        read("reset.pcap", noAnswerEnd + 10 * MINUTE - firstFrameTime("reset.pcap"));

        assertEquals(List.of("49106 IDLE"), closedOnPort(49106), "the earlier recording's connection is idle");
        assertEquals(List.of("40000 PORT_REUSED", "40001 PORT_REUSED", "40002 PORT_REUSED"), closedOnPort(993),
                "connections whose last packet is later than the look are not idle");
        reassembler.finish();
        assertEquals(List.of("40000 PORT_REUSED", "40001 PORT_REUSED", "40002 PORT_REUSED",
                "40000 CAPTURE_END", "40001 CAPTURE_END", "40002 CAPTURE_END"), closedOnPort(993));
        assertEquals(1, reassembler.stats().evictedIdle());
    }

    @Test
    void aFileGoingBackEndsWhatWasOpenAsAtTheEndOfCaptureAndStartsIdleExpiryOver() throws Exception {
        long end = read("no-answer-port-reuse.pcap", WEEK);
        reassembler.timeWentBack(end);
        assertEquals(0, reassembler.stats().open());
        List<TcpConnection> ended = listener.closed.subList(3, listener.closed.size());
        assertEquals(List.of("40000 CAPTURE_END", "40001 CAPTURE_END", "40002 CAPTURE_END"),
                ended.stream().map(c -> c.client().port() + " " + c.endReason()).toList());
        assertTrue(ended.stream().allMatch(c -> c.releasedNanos() == end), "watched until the frame before");

        long noAnswerEnd = read("no-answer.pcap", 0);
        read("reset.pcap", noAnswerEnd + 10 * MINUTE - firstFrameTime("reset.pcap"));
        assertEquals(List.of("49106 IDLE"), closedOnPort(49106));
    }

    @Test
    void aSegmentDatedLongBeforeItsFourTuplesCloseIsNoLateSegmentOfIt() throws Exception {
        // a connection caught mid-stream and closed with FINs, then the same recording spliced in a week earlier
        read("capture-midstream.pcap", WEEK);
        long lateOnce = reassembler.stats().lateSegments(); // the last ACK after the FINs
        read("capture-midstream.pcap", 0);
        reassembler.finish();
        assertEquals(List.of(TcpConnection.EndReason.FIN, TcpConnection.EndReason.FIN),
                listener.closed.stream().map(TcpConnection::endReason).toList(), "the same connection twice");
        assertEquals(2 * lateOnce, reassembler.stats().lateSegments());
    }

    private static long firstFrameTime(String name) throws Exception {
        long[] first = {Long.MIN_VALUE};
        try (CaptureReader reader = CaptureReader.open(CAPTURES.resolve(name).toString())) {
            reader.readFrames((f, t, l, b, o, c, w) -> {
                if (first[0] == Long.MIN_VALUE) {
                    first[0] = t;
                }
            });
        }
        return first[0];
    }
}
