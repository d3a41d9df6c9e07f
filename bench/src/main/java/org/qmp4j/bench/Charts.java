package org.qmp4j.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.AbstractCategoryItemRenderer;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The PNG charts of docs/BENCHMARKS.md, drawn with JFreeChart: grouped bars (latency percentiles, rates by
 * client) and lines (rate against commands in flight). Series keep the order they are given in; a NaN value
 * is left out.
 */
public final class Charts {
    private static final int W = 900;
    private static final int H = 500;
    /** qmp4j blue, floor orange, then the rest. */
    private static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
        new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0x7F7F7F)};
    private static final Color BEFORE = new Color(0xAEC7E8);

    private Charts() {
    }

    /**
     * Grouped bars with their values written above them.
     *
     * @param file the PNG to write
     * @param title the chart's title
     * @param xLabel what the groups are
     * @param yLabel what the values are
     * @param log a log scale (for latencies that span decades)
     * @param groups the groups, left to right
     * @param series per series (legend order), one value per group
     * @param label how a value is written above its bar
     * @throws IOException when the file cannot be written
     */
    public static void bars(Path file, String title, String xLabel, String yLabel, boolean log, List<String> groups,
            Map<String, double[]> series, NumberFormat label) throws IOException {
        DefaultCategoryDataset data = dataset(groups, series);
        JFreeChart chart = ChartFactory.createBarChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        CategoryPlot plot = style(chart);
        if (log) {
            LogAxis axis = new LogAxis(yLabel);
            axis.setBase(10);
            axis.setSmallestValue(1);
            axis.setTickUnit(new NumberTickUnit(1)); // one tick per power of ten (the unit is in log space)
            axis.setMinorTickCount(9);
            axis.setMinorTickMarksVisible(true);
            axis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
            axis.setUpperMargin(0.15);
            plot.setRangeAxis(axis);
        } else {
            ((NumberAxis) plot.getRangeAxis()).setUpperMargin(0.12); // room for the labels
        }
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0.04);
        r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", label));
        r.setDefaultItemLabelsVisible(true);
        r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        colour(r, series);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, W, H);
    }

    /**
     * Lines with a dot at each value.
     *
     * @param file the PNG to write
     * @param title the chart's title
     * @param xLabel what the points along x are
     * @param yLabel what the values are
     * @param points the x categories, left to right
     * @param series per series, one value per point
     * @throws IOException when the file cannot be written
     */
    public static void lines(Path file, String title, String xLabel, String yLabel, List<String> points,
            Map<String, double[]> series) throws IOException {
        DefaultCategoryDataset data = dataset(points, series);
        JFreeChart chart = ChartFactory.createLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        CategoryPlot plot = style(chart);
        LineAndShapeRenderer r = (LineAndShapeRenderer) plot.getRenderer();
        r.setDefaultShapesVisible(true);
        r.setDefaultStroke(new BasicStroke(2.5f));
        r.setAutoPopulateSeriesStroke(false);
        colour(r, series);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, W, H);
    }

    private static DefaultCategoryDataset dataset(List<String> groups, Map<String, double[]> series) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        series.forEach((name, values) -> {
            for (int i = 0; i < groups.size(); i++) {
                double v = i < values.length ? values[i] : Double.NaN;
                data.addValue(Double.isNaN(v) ? null : v, name, groups.get(i));
            }
        });
        return data;
    }

    private static CategoryPlot style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xCCCCCC));
        plot.setOutlineVisible(false);
        return plot;
    }

    /** qmp4j is always blue, its "before" light blue, a floor orange; the others take the rest in turn. */
    private static void colour(AbstractCategoryItemRenderer r,
            Map<String, double[]> series) {
        int i = 0;
        int next = 2;
        for (String name : series.keySet()) {
            Color c = name.contains("before") ? BEFORE : name.equals("qmp4j") ? PALETTE[0]
                    : name.contains("floor") ? PALETTE[1] : PALETTE[next++ % PALETTE.length];
            r.setSeriesPaint(i++, c);
        }
    }
}
