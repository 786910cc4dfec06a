package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;
import io.mailscope.explain.Captures;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The terminal report: ladder arrows, silences, color only when asked, ASCII where Unicode cannot be shown. */
class TextReportTest {

    static String render(String capture, Style style, TextReport.Detail detail) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TextReport r = new TextReport(new PrintStream(bytes, true, StandardCharsets.UTF_8), style, detail);
        for (AnalyzedSession s : Captures.analyze(capture)) {
            r.session(s);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void clientArrowsPointRightAndServerArrowsLeft() {
        String out = render("login-before-starttls.pcap", Style.plain(), TextReport.Detail.FULL);
        assertTrue(out.lines().anyMatch(l -> l.contains("─ . LOGIN alice *** ─") && l.contains("▶│")), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("│◀") && l.contains(". NO [PRIVACYREQUIRED]")), out);
    }

    @Test
    void aSilenceIsMarkedAcrossBothSidesWithItsLength() {
        String out = render("implicit-tls-mutual-wait.pcap", Style.plain(), TextReport.Detail.FULL);
        assertTrue(out.lines().anyMatch(l -> l.contains("··· ") && l.matches(".*\\d+\\.\\d+ s of silence, neither side sent a byte.*")), out);
    }

    @Test
    void asciiStandsInWhereUnicodeCannotBeShown() {
        String out = render("login-before-starttls.pcap", new Style(false, false), TextReport.Detail.FULL);
        assertTrue(out.contains("|- . LOGIN alice *** -") && out.contains("->|"), out);
        assertTrue(out.chars().allMatch(c -> c < 128), "pure ASCII");
    }

    @Test
    void colorOnlyWhenAsked() {
        assertFalse(render("no-greeting.pcap", Style.plain(), TextReport.Detail.FULL).contains("\u001b["));
        assertTrue(render("no-greeting.pcap", new Style(true, true), TextReport.Detail.FULL).contains("\u001b["));
    }

    @Test
    void findingsDetailLeavesOutTheLadder() {
        String out = render("no-greeting.pcap", Style.plain(), TextReport.Detail.FINDINGS);
        assertTrue(out.contains("no-greeting"), out);
        assertFalse(out.contains("SYN-ACK"), out);
    }
}
