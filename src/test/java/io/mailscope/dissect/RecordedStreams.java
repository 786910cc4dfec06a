package io.mailscope.dissect;

import io.mailscope.capture.CaptureReader;
import io.mailscope.capture.PacketDecoder;
import io.mailscope.tcp.ConnectionListener;
import io.mailscope.tcp.Direction;
import io.mailscope.tcp.ReassemblyLimits;
import io.mailscope.tcp.StreamConsumer;
import io.mailscope.tcp.TcpConnection;
import io.mailscope.tcp.TcpReassembler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reassembled chunks of the first connection of a real capture, in the order they were delivered, so a
 * test can replay them into a {@link SessionAnalyzer} whole, byte by byte, or in other chunkings.
 */
record RecordedStreams(TcpConnection connection, List<Chunk> chunks) {

    /** One delivery: data (gapLength 0) or a gap. */
    record Chunk(Direction direction, byte[] data, long gapLength, long frame, long timeNanos) {}

    static RecordedStreams of(String capture) throws Exception {
        List<Chunk> chunks = new ArrayList<>();
        TcpConnection[] first = new TcpConnection[1];
        ConnectionListener l = new ConnectionListener() {
            @Override
            public StreamConsumer opened(TcpConnection c) {
                if (first[0] != null) {
                    return StreamConsumer.IGNORE;
                }
                first[0] = c;
                return new StreamConsumer() {
                    @Override
                    public void onData(Direction d, byte[] data, int off, int len, long frame, long t) {
                        chunks.add(new Chunk(d, Arrays.copyOfRange(data, off, off + len), 0, frame, t));
                    }

                    @Override
                    public void onGap(Direction d, long length, long frame, long t) {
                        chunks.add(new Chunk(d, new byte[0], length, frame, t));
                    }

                    @Override
                    public void onEnd(Direction d, long frame, long t) {
                    }
                };
            }

            @Override
            public void closed(TcpConnection c) {
            }
        };
        TcpReassembler r = new TcpReassembler(l, ReassemblyLimits.DEFAULT, PortRolesForTests.ROLES::isMailPort);
        try (CaptureReader reader = CaptureReader.open("src/test/resources/captures/" + capture)) {
            reader.readFrames(new PacketDecoder(r));
        }
        r.finish();
        return new RecordedStreams(first[0], chunks);
    }
}
