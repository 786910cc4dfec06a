package io.mailscope.report;

import io.mailscope.explain.AnalyzedSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Opens the report in headless Chromium: the browser's DOM holds every session and its SVG, nothing injected
 * became an element, and the screenshot shows the colored summary chart at the top. Skipped without Chromium.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HtmlRenderingTest {
    private static final long BROWSER_SECONDS = 60;
    private static Path chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        chromium = locate();
    }

    /** Chromium's path: {@code -Dmailscope.chromium=PATH} if given (a missing one skips), else the usual places. */
    static Path locate() {
        String forced = System.getProperty("mailscope.chromium");
        if (forced != null) {
            return Files.isExecutable(Path.of(forced)) ? Path.of(forced) : null;
        }
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                Path p = Path.of(d, "chromium");
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private Path report(List<AnalyzedSession> sessions) throws IOException {
        Path file = dir.resolve("report.html");
        Files.writeString(file, HtmlReportTest.render(sessions, HtmlReport.DEFAULT_LADDER_ENTRIES), StandardCharsets.UTF_8);
        return file;
    }

    /** Runs headless Chromium with a fresh profile and no network chatter; stdout goes to a file. */
    private Path browse(Path html, String... extra) throws IOException, InterruptedException {
        assumeTrue(chromium != null, "chromium is not installed (apt-get install chromium): rendering test skipped");
        Path profile = Files.createDirectory(dir.resolve("profile-" + System.nanoTime()));
        Path stdout = dir.resolve("stdout-" + System.nanoTime() + ".txt");
        List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile));
        cmd.addAll(List.of(extra));
        cmd.add(html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        try {
            if (!p.waitFor(BROWSER_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within " + BROWSER_SECONDS + " s");
            }
        } finally {
            // Chromium starts helper processes: end them with it, whatever happened.
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + read(dir.resolve("stderr.txt")));
        return stdout;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void browserDomHoldsEverySessionWithItsLadder() throws Exception {
        List<AnalyzedSession> sessions = new ArrayList<>(HtmlReportTest.analyze(HtmlReportTest.STORIES));
        sessions.addAll(HtmlReportTest.hostile());
        String dom = read(browse(report(sessions), "--dump-dom"));
        assertTrue(dom.contains("<section id=\"summary\">"), "the summary is in the DOM");
        for (AnalyzedSession s : sessions) {
            assertTrue(dom.contains("id=\"s" + s.session().connection().id() + "\""), "section of session " + s.session().connection().id());
        }
        assertEquals(sessions.size(), HtmlReportTest.count(dom, "<svg class=\"ladder\""), "one ladder per session");
        assertEquals(2, HtmlReportTest.count(dom, "<svg class=\"chart\""), "outcome and findings charts");
        assertTrue(HtmlReportTest.count(dom, "<g class=\"arrow") > sessions.size() * 3, "arrows are drawn");
        assertFalse(dom.contains("<script"), "nothing from the network became a script element");
        assertFalse(dom.contains("<b onmouseover"), "nothing from the network became an element");
        assertTrue(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;/svg&gt;"), "the hostile greeting is shown as text");
    }

    @Test
    void screenshotShowsTheColoredSummaryAtTheTop() throws Exception {
        Path png = dir.resolve("report.png");
        browse(report(HtmlReportTest.analyze(HtmlReportTest.STORIES)), "--screenshot=" + png, "--window-size=1200,2000");
        assertTrue(Files.size(png) > 10_000, "a real picture, not an empty file");
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        Set<Integer> colors = new HashSet<>();
        boolean green = false;
        boolean amber = false;
        boolean red = false;
        int longestBar = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            int run = 0;
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colors.add(rgb);
                boolean g = near(rgb, 0x2b8a3e);
                boolean a = near(rgb, 0xe08e0b);
                boolean r = near(rgb, 0xc92a2a);
                green |= g;
                amber |= a;
                red |= r;
                run = g || a || r ? run + 1 : 0;
                if (y < 1000) {
                    longestBar = Math.max(longestBar, run);
                }
            }
        }
        assertTrue(colors.size() > 50, "not blank: " + colors.size() + " colors");
        assertTrue(green && amber && red, "ok, stalled and failed are colored (green " + green + ", amber " + amber + ", red " + red + ")");
        // Only the chart's longest bar is that wide (badges and borders are narrow): the summary is on top.
        assertTrue(longestBar >= 150, "a long outcome bar in the first 1000 pixels, longest run " + longestBar);
    }

    private static boolean near(int rgb, int want) {
        return Math.abs(((rgb >> 16) & 0xff) - ((want >> 16) & 0xff)) < 12 && Math.abs(((rgb >> 8) & 0xff) - ((want >> 8) & 0xff)) < 12
                && Math.abs((rgb & 0xff) - (want & 0xff)) < 12;
    }
}
