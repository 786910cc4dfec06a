package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the pcapng reader tells an {@link InterfaceListener}: each interface description (link type, snaplen,
 * if_name, if_tsresol) before the interface's first packet, and the counters of interface statistics blocks
 * where they come in the stream. Live capture through mailscope-capture depends on both.
 */
class PcapngInterfaceListenerTest {

    private static ByteOrder order(String name) {
        return name.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    /** An IDB with if_name (NUL-terminated, as some writers do) and if_tsresol 9. */
    private static byte[] describedInterface(ByteOrder order, String name) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + PcapngBuilder.pad(n.length) + 8 + 4).order(order);
        b.putShort((short) 1).putShort((short) 0).putInt(65535);
        b.putShort((short) 2).putShort((short) n.length).put(n).position(b.position() + PcapngBuilder.pad(n.length) - n.length);
        b.putShort((short) 9).putShort((short) 1).put((byte) 9).put(new byte[3]);
        b.putInt(0);
        return b.array();
    }

    /** An ISB as mailscope-capture writes it: start and end times, then ifrecv, ifdrop, osdrop, usrdeliv. */
    private static byte[] statistics(ByteOrder order, long recv, long ifdrop, long osdrop, long delivered) {
        ByteBuffer b = ByteBuffer.allocate(12 + 6 * 12 + 4).order(order);
        b.putInt(0).putInt(0).putInt(1);
        b.putShort((short) 2).putShort((short) 8).putInt(0).putInt(1);
        b.putShort((short) 3).putShort((short) 8).putInt(0).putInt(2);
        b.putShort((short) 4).putShort((short) 8).putLong(recv);
        b.putShort((short) 5).putShort((short) 8).putLong(ifdrop);
        b.putShort((short) 7).putShort((short) 8).putLong(osdrop);
        b.putShort((short) 8).putShort((short) 8).putLong(delivered);
        b.putInt(0);
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"little", "big"})
    void descriptionsComeBeforeTheirPacketsAndStatisticsWhereTheyAre(String byteOrder) throws Exception {
        ByteOrder o = order(byteOrder);
        byte[] capture = new PcapngBuilder().section(o)
                .block(PcapngReader.INTERFACE_DESCRIPTION, describedInterface(o, "lo"))
                .epb(0, 1_000_000_000L, new byte[60])
                .epb(0, 2_000_000_000L, new byte[60])
                .block(PcapngReader.INTERFACE_STATISTICS, statistics(o, 4, 1, 2, 2))
                .bytes();
        List<String> seen = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open("test", new ByteArrayInputStream(capture))) {
            r.onInterfaces(new InterfaceListener() {
                @Override
                public void described(long id, int linkType, long snaplen, String name, int tsresol) {
                    seen.add("described " + id + " " + linkType + " " + snaplen + " " + name + " " + tsresol);
                }

                @Override
                public void statistics(long id, InterfaceStatistics s) {
                    seen.add("statistics " + id + " " + s);
                }
            });
            r.readFrames((frame, time, link, buf, off, cap, orig) -> seen.add("frame " + frame + " at " + time));
        }
        assertEquals(List.of(
                "described 0 1 65535 lo 9",
                "frame 1 at 1000000000",
                "frame 2 at 2000000000",
                "statistics 0 InterfaceStatistics[received=4, ifDropped=1, osDropped=2, delivered=2]"), seen);
    }

    @ParameterizedTest
    @ValueSource(strings = {"little", "big"})
    void countersAStatisticsBlockLacksAreMinusOneAndAMalformedOptionEndsTheList(String byteOrder) throws Exception {
        ByteOrder o = order(byteOrder);
        ByteBuffer isb = ByteBuffer.allocate(12 + 12 + 4 + 4).order(o);
        isb.putInt(0).putInt(0).putInt(0);
        isb.putShort((short) 4).putShort((short) 8).putLong(7);        // isb_ifrecv
        isb.putShort((short) 7).putShort((short) 200).putInt(0);        // an option longer than the block
        byte[] capture = new PcapngBuilder().section(o).iface(1).block(PcapngReader.INTERFACE_STATISTICS, isb.array()).bytes();
        List<InterfaceStatistics> stats = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open("test", new ByteArrayInputStream(capture))) {
            r.onInterfaces(new InterfaceListener() {
                @Override
                public void statistics(long id, InterfaceStatistics s) {
                    stats.add(s);
                }
            });
            assertEquals(0, r.readFrames((frame, time, link, buf, off, cap, orig) -> { }));
        }
        assertEquals(List.of(new InterfaceStatistics(7, -1, -1, -1)), stats);
    }
}
