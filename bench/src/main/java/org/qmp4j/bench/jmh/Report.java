package org.qmp4j.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Turns JMH's JSON result into two PNG charts (round-trip percentiles; pipelined throughput against
 * commands in flight, qmp4j and the raw floor in each) and prints a Markdown section on stdout.
 * Plain Java2D, so nothing beyond the JDK is needed.
 */
public final class Report {
    private static final String PKG = "org.qmp4j.bench.jmh.";
    private static final String[] PERCENTILES = {"50.0", "90.0", "99.0", "99.9"};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};
    private static final Color QMP4J = new Color(0x1F, 0x77, 0xB4);
    private static final Color FLOOR = new Color(0xFF, 0x7F, 0x0E);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final int W = 900;
    private static final int H = 500;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;

    private final List<JsonNode> runs = new ArrayList<>();

    private Report(JsonNode json) {
        json.forEach(runs::add);
    }

    /**
     * @param args JMH's JSON file, the directory for the PNGs, then optionally the prefix of the PNG
     *     links in the Markdown (default none: the section is included by a file in that directory)
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Report jmh.json out-dir [link-prefix]");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Report r = new Report(new ObjectMapper().readTree(new File(args[0])));
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        r.latencyChart(out.resolve("bench-latency.png"));
        r.throughputChart(out.resolve("bench-throughput.png"));
        System.out.print(r.markdown(args.length > 2 ? args[2] : ""));
    }

    // ---- data ----

    private JsonNode find(String benchmark, String param, String value) {
        for (JsonNode run : runs) {
            if (run.path("benchmark").asText().equals(PKG + benchmark)
                    && (param == null || run.path("params").path(param).asText().equals(value))) {
                return run;
            }
        }
        return null;
    }

    private double score(String benchmark) {
        return score(benchmark, null, null);
    }

    private double score(String benchmark, String param, String value) {
        JsonNode run = find(benchmark, param, value);
        return run == null ? Double.NaN : run.path("primaryMetric").path("score").asDouble(Double.NaN);
    }

    private double error(String benchmark) {
        JsonNode run = find(benchmark, null, null);
        return run == null ? Double.NaN : run.path("primaryMetric").path("scoreError").asDouble(Double.NaN);
    }

    private double[] percentiles(String benchmark) {
        JsonNode p = find(benchmark, null, null);
        double[] v = new double[PERCENTILES.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = p == null ? Double.NaN
                    : p.path("primaryMetric").path("scorePercentiles").path(PERCENTILES[i]).asDouble(Double.NaN);
        }
        return v;
    }

    /** @return param value to score, in numeric order */
    private TreeMap<Integer, Double> series(String benchmark, String param) {
        TreeMap<Integer, Double> s = new TreeMap<>();
        for (JsonNode run : runs) {
            if (run.path("benchmark").asText().equals(PKG + benchmark) && run.path("params").has(param)) {
                s.put(run.path("params").path(param).asInt(), run.path("primaryMetric").path("score").asDouble());
            }
        }
        return s;
    }

    // ---- Markdown ----

    private String markdown(String linkPrefix) {
        JsonNode any = runs.isEmpty() ? null : runs.get(0);
        StringBuilder sb = new StringBuilder();
        sb.append("## Library micro-benchmarks (JMH)\n\n");
        sb.append(String.format(Locale.ROOT, "Written by `bench/jmh` on %s, %d cores, JDK %s (%s %s); JMH %s, %s fork, "
                + "warm-up %s × %s, measurement %s × %s per benchmark.%n%n",
                LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                any == null ? "?" : any.path("jdkVersion").asText("?"),
                any == null ? "?" : any.path("vmName").asText("?"),
                any == null ? "?" : any.path("vmVersion").asText("?"),
                any == null ? "?" : any.path("jmhVersion").asText("?"),
                any == null ? "?" : any.path("forks").asText("?"),
                any == null ? "?" : any.path("warmupIterations").asText("?"),
                any == null ? "?" : any.path("warmupTime").asText("?"),
                any == null ? "?" : any.path("measurementIterations").asText("?"),
                any == null ? "?" : any.path("measurementTime").asText("?")));
        sb.append("Socket benchmarks talk to an in-process responder on a unix socket that answers each command with "
                + "a pre-encoded reply (copying the command's id) or a pre-encoded burst of events; qmp4j and the "
                + "floor each get their own responder of the same kind. The floor is a raw `SocketChannel` used on "
                + "the calling thread: it writes pre-encoded commands and counts line ends, parsing nothing. "
                + "Ratio = qmp4j / floor: for rates below 1 means slower than the floor, for times above 1 does. "
                + "Sources: `bench/src/main/java/org/qmp4j/bench/jmh/`.\n\n");

        sb.append("### Framing and parsing, no socket\n\n");
        sb.append("A pre-built stream of QEMU-style traffic (half `query-status` replies, half `BLOCK_JOB_PROGRESS` "
                + "events, CRLF-terminated) fed to `JsonFramer` in 64 KiB reads, as the reader thread does; and "
                + "building plus encoding one command, as each `execute` does.\n\n");
        sb.append("| benchmark | messages/s | ± (99.9%) |\n|---|---:|---:|\n");
        codecRow(sb, "framing only (`JsonFramer`)", "CodecBench.frame");
        codecRow(sb, "framing + parsing into `ObjectNode` (`JsonCodec.parseObject`)", "CodecBench.frameAndParse");
        codecRow(sb, "encoding `query-status` with its id", "CodecBench.encodeQueryStatus");
        codecRow(sb, "encoding `qom-get` with map arguments", "CodecBench.encodeQomGet");

        sb.append("\n### Round trip, one command at a time\n\n");
        sb.append("`QmpClient.execute(\"query-status\")` against the floor's write-then-read-a-line, "
                + "sampled (JMH `SampleTime`).\n\n");
        sb.append("![round-trip latency percentiles](").append(linkPrefix).append("bench-latency.png)\n\n");
        double[] lib = percentiles("RoundTripBench.qmp4j");
        double[] raw = percentiles("RoundTripBench.raw");
        sb.append("| percentile | qmp4j µs | floor µs | ratio |\n|---|---:|---:|---:|\n");
        for (int i = 0; i < PERCENTILES.length; i++) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", PERCENTILE_NAMES[i],
                    micros(lib[i]), micros(raw[i]), ratio(lib[i], raw[i])));
        }

        sb.append("\n### Pipelined commands\n\n");
        sb.append("A sliding window of commands in flight: `executeAsync` (a semaphore released by each completed "
                + "future) against the floor writing and, whenever the window is full, reading replies.\n\n");
        sb.append("![pipelined throughput](").append(linkPrefix).append("bench-throughput.png)\n\n");
        TreeMap<Integer, Double> libPipe = series("PipelineBench.qmp4j", "window");
        TreeMap<Integer, Double> rawPipe = series("PipelineBench.raw", "window");
        sb.append("| in flight | qmp4j commands/s | floor commands/s | ratio |\n|---:|---:|---:|---:|\n");
        for (int w : union(libPipe, rawPipe)) {
            double l = libPipe.getOrDefault(w, Double.NaN);
            double f = rawPipe.getOrDefault(w, Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s |%n", w, rate(l), rate(f), ratio(l, f)));
        }

        sb.append("\n### Event ingestion\n\n");
        sb.append("Bursts of ").append(String.format(Locale.ROOT, "%,d", EventBench.BURST)).append(
                " `BLOCK_JOB_PROGRESS` events; each listener is a subscription with its own thread calling `poll`, "
                + "and every listener takes every event. Events/s counts each event once (not once per listener). "
                + "The floor reads the same bursts and counts line ends.\n\n");
        TreeMap<Integer, Double> ev = series("EventBench.qmp4j", "listeners");
        double evFloor = score("EventBench.raw");
        sb.append("| listeners | qmp4j events/s | floor events/s | ratio |\n|---:|---:|---:|---:|\n");
        for (var e : ev.entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %s | %s |%n", e.getKey(), rate(e.getValue()),
                    rate(evFloor), ratio(e.getValue(), evFloor)));
        }
        return sb.toString();
    }

    private void codecRow(StringBuilder sb, String what, String benchmark) {
        sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", what, rate(score(benchmark)),
                rate(error(benchmark))));
    }

    private static List<Integer> union(TreeMap<Integer, Double> a, TreeMap<Integer, Double> b) {
        TreeMap<Integer, Boolean> keys = new TreeMap<>();
        a.keySet().forEach(k -> keys.put(k, true));
        b.keySet().forEach(k -> keys.put(k, true));
        return new ArrayList<>(keys.keySet());
    }

    private static String rate(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String micros(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, v < 100 ? "%.1f" : "%,.0f", v);
    }

    private static String ratio(double num, double den) {
        return Double.isNaN(num) || Double.isNaN(den) || den == 0 ? "–" : String.format(Locale.ROOT, num / den < 0.1 ? "%.3f" : "%.2f", num / den);
    }

    // ---- charts ----

    private static Graphics2D canvas(BufferedImage img, String title) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        centre(g, title, img.getWidth() / 2.0, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        return g;
    }

    private static void centre(Graphics2D g, String s, double x, double baseline) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, (float) (x - fm.stringWidth(s) / 2.0), (float) baseline);
    }

    private static void right(Graphics2D g, String s, double x, double baseline) {
        g.drawString(s, (float) (x - g.getFontMetrics().stringWidth(s)), (float) baseline);
    }

    private static void legend(Graphics2D g, double x, double y) {
        String[] names = {"qmp4j", "raw socket floor"};
        Color[] colors = {QMP4J, FLOOR};
        for (int i = 0; i < 2; i++) {
            g.setColor(colors[i]);
            g.fill(new Rectangle2D.Double(x, y + i * 20 - 11, 14, 14));
            g.setColor(Color.BLACK);
            g.drawString(names[i], (float) (x + 20), (float) (y + i * 20 + 1));
        }
    }

    private static void axisTitles(Graphics2D g, String x, String y) {
        g.setColor(Color.BLACK);
        centre(g, x, LEFT + (W - LEFT - RIGHT) / 2.0, H - 18);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        FontMetrics fm = r.getFontMetrics();
        r.drawString(y, (float) (-(TOP + (H - TOP - BOTTOM) / 2.0) - fm.stringWidth(y) / 2.0), 20f);
        r.dispose();
    }

    /** Draws the axes, their titles and the legend over a chart, then writes it as a PNG. */
    private static void finish(BufferedImage img, Graphics2D g, Path file, String xTitle, String yTitle)
            throws IOException {
        double plotH = H - TOP - BOTTOM;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.draw(new Line2D.Double(LEFT, TOP, LEFT, TOP + plotH));
        g.draw(new Line2D.Double(LEFT, TOP + plotH, W - RIGHT, TOP + plotH));
        axisTitles(g, xTitle, yTitle);
        legend(g, LEFT + 16, TOP + 20);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    /** Grouped bars on a log scale: p50..p99.9, qmp4j and floor side by side. */
    private void latencyChart(Path file) throws IOException {
        double[] lib = percentiles("RoundTripBench.qmp4j");
        double[] raw = percentiles("RoundTripBench.raw");
        double min = Double.MAX_VALUE;
        double max = 0;
        for (double v : concat(lib, raw)) {
            if (!Double.isNaN(v) && v > 0) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max == 0) {
            min = 1;
            max = 10;
        }
        int lo = (int) Math.floor(Math.log10(min));
        int hi = (int) Math.ceil(Math.log10(max * 1.6)); // room for labels above the bars
        if (hi <= lo) {
            hi = lo + 1;
        }
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, "Round-trip latency, query-status over a unix socket (lower is better)");
        double plotH = H - TOP - BOTTOM;
        double plotW = W - LEFT - RIGHT;
        final int lo0 = lo;
        final int hi0 = hi;
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotH * (1 - (Math.log10(v) - lo0) / (hi0 - lo0));
        g.setStroke(new BasicStroke(1f));
        for (int e = lo; e <= hi; e++) {
            for (int m : new int[] {1, 2, 5}) {
                double v = m * Math.pow(10, e);
                if (Math.log10(v) > hi + 1e-9) {
                    continue;
                }
                double py = y.applyAsDouble(v);
                g.setColor(m == 1 ? GRID.darker() : GRID);
                g.draw(new Line2D.Double(LEFT, py, W - RIGHT, py));
                g.setColor(Color.BLACK);
                right(g, duration(v), LEFT - 8, py + 5);
            }
        }
        double group = plotW / PERCENTILES.length;
        double bar = group * 0.32;
        for (int i = 0; i < PERCENTILES.length; i++) {
            double cx = LEFT + group * (i + 0.5);
            bar(g, cx - bar - 2, bar, lib[i], y, plotH, QMP4J);
            bar(g, cx + 2, bar, raw[i], y, plotH, FLOOR);
            g.setColor(Color.BLACK);
            centre(g, PERCENTILE_NAMES[i], cx, TOP + plotH + 20);
        }
        finish(img, g, file, "percentile", "round trip (log scale)");
    }

    private static void bar(Graphics2D g, double x, double w, double v, java.util.function.DoubleUnaryOperator y,
            double plotH, Color c) {
        if (Double.isNaN(v) || v <= 0) {
            return;
        }
        double top = Math.min(TOP + plotH, y.applyAsDouble(v));
        g.setColor(c);
        g.fill(new Rectangle2D.Double(x, top, w, TOP + plotH - top));
        g.setColor(Color.BLACK);
        Font f = g.getFont();
        g.setFont(f.deriveFont(11f));
        centre(g, duration(v), x + w / 2, top - 4);
        g.setFont(f);
    }

    /** Lines: commands/s against commands in flight (log2 x axis). */
    private void throughputChart(Path file) throws IOException {
        TreeMap<Integer, Double> lib = series("PipelineBench.qmp4j", "window");
        TreeMap<Integer, Double> raw = series("PipelineBench.raw", "window");
        List<Integer> windows = union(lib, raw);
        double max = 1;
        for (double v : lib.values()) {
            max = Math.max(max, v);
        }
        for (double v : raw.values()) {
            max = Math.max(max, v);
        }
        double step = niceStep(max / 5);
        double top = Math.ceil(max * 1.05 / step) * step;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas(img, "Pipelined query-status over a unix socket (higher is better)");
        double plotH = H - TOP - BOTTOM;
        double plotW = W - LEFT - RIGHT;
        int n = Math.max(1, windows.size());
        java.util.function.IntToDoubleFunction x = i -> LEFT + plotW * (i + 0.5) / n;
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotH * (1 - v / top);
        for (double v = 0; v <= top + step / 2; v += step) {
            double py = y.applyAsDouble(v);
            g.setColor(GRID);
            g.draw(new Line2D.Double(LEFT, py, W - RIGHT, py));
            g.setColor(Color.BLACK);
            right(g, count(v), LEFT - 8, py + 5);
        }
        for (int i = 0; i < windows.size(); i++) {
            g.setColor(Color.BLACK);
            centre(g, String.valueOf(windows.get(i)), x.applyAsDouble(i), TOP + plotH + 20);
        }
        line(g, windows, lib, x, y, QMP4J);
        line(g, windows, raw, x, y, FLOOR);
        finish(img, g, file, "commands in flight", "commands/s");
    }

    private static void line(Graphics2D g, List<Integer> windows, TreeMap<Integer, Double> s,
            java.util.function.IntToDoubleFunction x, java.util.function.DoubleUnaryOperator y, Color c) {
        Path2D.Double p = new Path2D.Double();
        boolean first = true;
        g.setColor(c);
        g.setStroke(new BasicStroke(2.5f));
        for (int i = 0; i < windows.size(); i++) {
            Double v = s.get(windows.get(i));
            if (v == null) {
                continue;
            }
            double px = x.applyAsDouble(i);
            double py = y.applyAsDouble(v);
            if (first) {
                p.moveTo(px, py);
                first = false;
            } else {
                p.lineTo(px, py);
            }
            g.fill(new java.awt.geom.Ellipse2D.Double(px - 4.5, py - 4.5, 9, 9));
        }
        g.draw(p);
    }

    private static double niceStep(double raw) {
        double e = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * e >= raw) {
                return m * e;
            }
        }
        return 10 * e;
    }

    private static String count(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    private static String duration(double micros) {
        if (micros >= 1e6) {
            return trim(micros / 1e6) + " s";
        }
        if (micros >= 1e3) {
            return trim(micros / 1e3) + " ms";
        }
        return trim(micros) + " µs";
    }

    private static String trim(double v) {
        String s = v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = new double[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
