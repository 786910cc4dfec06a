package io.mailscope.bench;

import io.mailscope.capture.PcapWriter;
import io.mailscope.dissect.PortRoles;
import io.mailscope.dissect.imap.ImapEvent;
import io.mailscope.dissect.tls.TlsEvent;
import io.mailscope.pipeline.Analysis;
import io.mailscope.explain.AnalyzedSession;
import io.mailscope.tcp.ReassemblyLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.FileWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench generate --keylog}: the records are really encrypted, and the key log it writes decrypts every one. */
class DecryptableCaptureTest {

    @Test
    void everyGeneratedSessionDecryptsWithItsKeyLog(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("b.pcap");
        Path keylog = dir.resolve("b.keylog");
        CaptureGenerator.Settings d = CaptureGenerator.Settings.of(20_000, 12);
        CaptureGenerator g = new CaptureGenerator(new CaptureGenerator.Settings(20_000, 12, 4, 7, d.retransmitChance(),
                d.reorderChance(), d.meanGapNanos()));
        try (PcapWriter w = CaptureGenerator.writer(new FileOutputStream(pcap.toFile()), PcapWriter.Format.PCAP_MICROS);
             FileWriter keys = new FileWriter(keylog.toFile(), StandardCharsets.US_ASCII)) {
            g.decryptable(keys).write(w);
        }
        for (boolean withKeys : new boolean[] {false, true}) {
            List<AnalyzedSession> sessions = new ArrayList<>();
            Analysis a = new Analysis(PortRoles.defaults(), ReassemblyLimits.DEFAULT, true, 2_000_000_000L, sessions::add);
            if (withKeys) {
                a.keyLog().addFile(keylog);
            }
            a.read(pcap.toString());
            a.finish();
            assertEquals(12, sessions.size());
            for (AnalyzedSession s : sessions) {
                var events = s.session().events();
                long fetches = events.stream().filter(e -> e instanceof ImapEvent.Response r && r.at().insideTls()
                        && r.display().endsWith("OK Fetch completed.")).count();
                boolean decrypted = events.stream().anyMatch(e -> e instanceof TlsEvent.Decrypted);
                assertEquals(withKeys, decrypted, "decrypted only with the key log");
                assertTrue(events.stream().noneMatch(e -> e instanceof TlsEvent.DecryptionFailed));
                assertTrue(withKeys ? fetches > 0 : fetches == 0, "FETCH answers inside TLS: " + fetches);
                assertEquals("ok", s.diagnosis().outcome().label());
            }
        }
    }
}
