package io.mailscope.report;

import java.util.List;

/** A horizontal bar chart as inline SVG: one labelled bar per row, its count at the end of the bar. */
final class SvgBarChart {
    /** One bar; {@code href} (may be null) makes the label a link. */
    record Bar(String label, long count, String color, String href) {
    }

    static final int WIDTH = 560;
    static final int LABEL_WIDTH = 230;
    static final int ROW = 30;
    static final int BAR_SPACE = WIDTH - LABEL_WIDTH - 60;

    private SvgBarChart() {
    }

    static void draw(String title, List<Bar> bars, StringBuilder out) {
        long max = 1;
        for (Bar b : bars) {
            max = Math.max(max, b.count());
        }
        int height = Math.max(1, bars.size()) * ROW + 8;
        out.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
                .append(height).append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"").append(HtmlEscape.text(title))
                .append("\" font-family=\"system-ui,sans-serif\" font-size=\"14\">\n");
        if (bars.isEmpty()) {
            out.append("<text x=\"0\" y=\"20\" fill=\"#868e96\">none</text>\n");
        }
        int row = 0;
        for (Bar b : bars) {
            int y = row++ * ROW + 4;
            int w = (int) Math.max(3, Math.round((double) b.count() / max * BAR_SPACE));
            out.append("<g class=\"bar\" data-label=\"").append(HtmlEscape.text(b.label())).append("\" data-count=\"")
                    .append(b.count()).append("\"><title>").append(HtmlEscape.text(b.label())).append(": ").append(b.count())
                    .append("</title>");
            String label = "<text x=\"" + (LABEL_WIDTH - 10) + "\" y=\"" + (y + 17) + "\" text-anchor=\"end\" fill=\"#212529\">"
                    + HtmlEscape.text(HtmlEscape.clip(b.label(), 30)) + "</text>";
            if (b.href() != null) {
                out.append("<a href=\"").append(HtmlEscape.text(b.href())).append("\">").append(label).append("</a>");
            } else {
                out.append(label);
            }
            out.append("<rect x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y).append("\" width=\"").append(w)
                    .append("\" height=\"").append(ROW - 8).append("\" rx=\"3\" fill=\"").append(b.color()).append("\"/>")
                    .append("<text x=\"").append(LABEL_WIDTH + w + 8).append("\" y=\"").append(y + 17)
                    .append("\" font-weight=\"600\" fill=\"#212529\">").append(b.count()).append("</text></g>\n");
        }
        out.append("</svg>\n");
    }
}
