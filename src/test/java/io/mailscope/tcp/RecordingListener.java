package io.mailscope.tcp;

import io.mailscope.capture.TcpSegment;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test listener that records everything the reassembler says: connections opened and closed, and for each
 * connection its two byte streams and an ordered event log ("C data 5 #3", "S gap 4 #7", "C end", "closed").
 * Reusable by end-to-end tests on real captures.
 */
final class RecordingListener implements ConnectionListener {
    /** The recorded streams of one connection. */
    static final class Streams implements StreamConsumer {
        final TcpConnection conn;
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final List<String> events = new ArrayList<>();
        long segments;

        Streams(TcpConnection conn) {
            this.conn = conn;
        }

        @Override
        public void onData(Direction d, byte[] data, int offset, int length, long frame, long timeNanos) {
            if (length <= 0) {
                throw new AssertionError("empty onData");
            }
            (d.fromClient() ? toServer : toClient).write(data, offset, length);
            events.add(d.letter() + " data " + length + " #" + frame);
        }

        @Override
        public void onGap(Direction d, long length, long frame, long timeNanos) {
            if (length <= 0) {
                throw new AssertionError("empty onGap");
            }
            events.add(d.letter() + " gap " + length + " #" + frame);
        }

        @Override
        public void onEnd(Direction d, long frame, long timeNanos) {
            events.add(d.letter() + " end");
        }

        String clientText() {
            return toServer.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        String serverText() {
            return toClient.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        /** The events without frame numbers. */
        List<String> kinds() {
            List<String> out = new ArrayList<>();
            for (String e : events) {
                int i = e.indexOf(" #");
                out.add(i < 0 ? e : e.substring(0, i));
            }
            return out;
        }
    }

    final Map<Long, Streams> byId = new LinkedHashMap<>();
    final List<TcpConnection> closed = new ArrayList<>();

    @Override
    public StreamConsumer opened(TcpConnection connection) {
        if (byId.containsKey(connection.id())) {
            throw new AssertionError("connection id reused: " + connection.id());
        }
        Streams s = new Streams(connection);
        byId.put(connection.id(), s);
        return s;
    }

    @Override
    public void segment(TcpConnection connection, Direction direction, TcpSegment segment) {
        byId.get(connection.id()).segments++;
    }

    @Override
    public void closed(TcpConnection connection) {
        if (closed.contains(connection)) {
            throw new AssertionError("closed twice: " + connection);
        }
        closed.add(connection);
        byId.get(connection.id()).events.add("closed");
    }

    Streams conn(long id) {
        Streams s = byId.get(id);
        if (s == null) {
            throw new AssertionError("no connection " + id + " (have " + byId.keySet() + ")");
        }
        return s;
    }

    boolean isClosed(long id) {
        return closed.stream().anyMatch(c -> c.id() == id);
    }
}
