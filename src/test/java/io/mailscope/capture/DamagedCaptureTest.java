package io.mailscope.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailscope.dissect.Event;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.pipeline.Analysis;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import io.mailscope.tcp.ReassemblyLimits;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage in the middle of a real capture (a garbled record length, bytes lost inside a pcapng section) costs the
 * damaged record, not the rest of the file: reading goes on from the next record that reads whole, and the damage
 * is reported once, at the end, where it was.
 */
class DamagedCaptureTest {
    @TempDir
    Path dir;

    /** Frames read, and the fault at the end. */
    record Read(List<Long> frames, CaptureFormatException error) {
    }

    static Read read(byte[] file) throws Exception {
        Recorded.Frames frames = new Recorded.Frames();
        CaptureFormatException error = null;
        try (CaptureReader r = CaptureReader.open("damaged", new ByteArrayInputStream(file))) {
            r.readFrames(frames);
        } catch (CaptureFormatException e) {
            error = e;
        }
        return new Read(Arrays.stream(frames.numbers()).boxed().toList(), error);
    }

    /** Byte offsets of the records of a little-endian classic pcap. */
    static List<Integer> pcapRecords(byte[] file) {
        List<Integer> at = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 24; p + 16 <= file.length; p += 16 + b.getInt(p + 8)) {
            at.add(p);
        }
        return at;
    }

    @Test
    void garbledRecordLengthInAPcapCostsThatRecordOnly() throws Exception {
        byte[] file = Files.readAllBytes(Captures.path("imaps-ok-curl.pcap"));
        List<Integer> records = pcapRecords(file);
        int damaged = records.get(10);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(damaged + 8, 0x7fff_0000); // record 11's length
        Read r = read(file);
        assertNotNull(r.error());
        assertEquals(11, r.error().frame());
        assertEquals(damaged, r.error().offset());
        assertTrue(r.error().getMessage().contains("is larger than the 262144-byte limit: the file is corrupt; read on"
                + " from the next whole record at byte offset " + records.get(11)), r.error().getMessage());
        assertEquals(records.size() - 1, r.frames().size(), "every record but the damaged one");
        assertTrue(r.error().getMessage().endsWith(" frames read after the damage)"), r.error().getMessage());
    }

    @Test
    void bytesLostInsideAPcapngSectionCostOnlyTheBlockTheyWereIn() throws Exception {
        byte[] whole = Files.readAllBytes(Captures.path("imaps-ok-python.pcapng"));
        int frames = read(whole).frames().size();
        // Lose 1,001 bytes from the middle of the file: one block is cut, the blocks after it are whole.
        int from = whole.length / 2;
        byte[] cut = new byte[whole.length - 1001];
        System.arraycopy(whole, 0, cut, 0, from);
        System.arraycopy(whole, from + 1001, cut, from, whole.length - from - 1001);
        Read r = read(cut);
        assertNotNull(r.error());
        assertTrue(r.error().getMessage().contains("read on from the next whole record"), r.error().getMessage());
        int lost = 0;
        ByteBuffer b = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = 0; p + 8 <= whole.length; p += b.getInt(p + 4)) {
            if (b.getInt(p) == PcapngReader.ENHANCED_PACKET && p < from + 1001 && p + b.getInt(p + 4) > from) {
                lost++;
            }
        }
        assertTrue(lost >= 1, "the cut is inside packets");
        assertEquals(frames - lost, r.frames().size(), "exactly the packets whose blocks the cut touched are lost");
        // Frame numbers go on without a hole: numbers are positions in what could be read.
        assertEquals(r.frames().size(), r.frames().get(r.frames().size() - 1).intValue());
    }

    @Test
    void theSessionIsStillDiagnosedWhenARecordInTheMiddleIsLost() throws Exception {
        byte[] file = Files.readAllBytes(Captures.path("imaps-ok-curl.pcap"));
        int damaged = pcapRecords(file).get(pcapRecords(file).size() - 4);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(damaged + 8, -1);
        Path copy = dir.resolve("damaged.pcap");
        Files.write(copy, file);
        List<AnalyzedSession> out = new ArrayList<>();
        Analysis a = new Analysis(Captures.ROLES, ReassemblyLimits.DEFAULT, true, 2_000_000_000L, out::add);
        CaptureFormatException error = null;
        try {
            a.read(copy.toString());
        } catch (CaptureFormatException e) {
            error = e;
        }
        a.finish();
        assertNotNull(error);
        assertEquals(1, out.size());
        List<Event> events = out.get(0).session().events();
        assertTrue(events.stream().anyMatch(e -> e instanceof TlsEvent.ServerHelloSeen), "the hellos were before it");
        assertEquals("TLS 1.3", io.mailscope.dissect.tls.TlsNames.version(events.stream()
                .filter(e -> e instanceof TlsEvent.ServerHelloSeen).map(e -> ((TlsEvent.ServerHelloSeen) e).hello())
                .findFirst().orElseThrow().selectedVersion()));
        assertTrue(out.get(0).session().connection().history().contains("F"), "the FIN after the damage was read");
    }
}
