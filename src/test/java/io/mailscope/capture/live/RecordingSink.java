package io.mailscope.capture.live;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.mailscope.capture.FrameSink;

/** Keeps a copy of every frame (for tests), and decodes Ethernet/IPv4/TCP just enough to find ports and payload. */
final class RecordingSink implements FrameSink {
    record Frame(long number, long timeNanos, int linkType, byte[] data, int origLen, String threadName) {
        boolean isTcpV4() {
            return data.length >= 14 + 20 + 20 && (data[12] & 0xff) == 0x08 && data[13] == 0x00
                    && (data[14] >> 4) == 4 && data[14 + 9] == 6;
        }

        private int tcpOffset() {
            return 14 + (data[14] & 0x0f) * 4;
        }

        int srcPort() {
            return u16(tcpOffset());
        }

        int dstPort() {
            return u16(tcpOffset() + 2);
        }

        boolean hasPort(int port) {
            return isTcpV4() && (srcPort() == port || dstPort() == port);
        }

        String payload() {
            if (!isTcpV4()) {
                return "";
            }
            int tcp = tcpOffset();
            int start = tcp + ((data[tcp + 12] & 0xff) >> 4) * 4;
            int end = Math.min(data.length, 14 + u16(14 + 2));
            return start >= end ? "" : new String(data, start, end - start, StandardCharsets.ISO_8859_1);
        }

        private int u16(int at) {
            return ((data[at] & 0xff) << 8) | (data[at + 1] & 0xff);
        }
    }

    private final List<Frame> frames = new ArrayList<>();

    @Override
    public synchronized void frame(long frameNumber, long timeNanos, int linkType, byte[] buf, int offset, int capLen,
                                   int origLen) {
        byte[] copy = new byte[capLen];
        System.arraycopy(buf, offset, copy, 0, capLen);
        frames.add(new Frame(frameNumber, timeNanos, linkType, copy, origLen, Thread.currentThread().getName()));
    }

    synchronized List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    synchronized boolean sawPayload(int port, String text) {
        for (Frame f : frames) {
            if (f.hasPort(port) && f.payload().contains(text)) {
                return true;
            }
        }
        return false;
    }
}
