package org.qmp4j.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.qmp4j.bench.Charts;

/**
 * Turns JMH's JSON result into two PNG charts (round-trip percentiles; pipelined throughput against
 * commands in flight, qmp4j and the raw floor in each) and prints a Markdown section on stdout. With a
 * second result of the qmp4j benchmarks run on an older qmp4j-core ({@code bench/jmh} with BASELINE), that
 * one is shown beside as "qmp4j before".
 */
public final class Report {
    private static final String PKG = "org.qmp4j.bench.jmh.";
    private static final String[] PERCENTILES = {"50.0", "90.0", "99.0", "99.9"};
    private static final String[] PERCENTILE_NAMES = {"p50", "p90", "p99", "p99.9"};
    private final List<JsonNode> runs = new ArrayList<>();
    /** The same benchmarks on the baseline's qmp4j-core, or null. */
    private Report before;

    private Report(JsonNode json) {
        json.forEach(runs::add);
    }

    /**
     * @param args JMH's JSON file, the directory for the PNGs, then optionally the prefix of the PNG
     *     links in the Markdown (default none: the section is included by a file in that directory); with
     *     {@code --before FILE} first, FILE is JMH's JSON of the qmp4j benchmarks on the baseline
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        String beforeFile = null;
        if (args.length > 1 && args[0].equals("--before")) {
            beforeFile = args[1];
            args = java.util.Arrays.copyOfRange(args, 2, args.length);
        }
        if (args.length < 2) {
            System.err.println("usage: Report [--before jmh-before.json] jmh.json out-dir [link-prefix]");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        Report r = new Report(new ObjectMapper().readTree(new File(args[0])));
        if (beforeFile != null) {
            r.before = new Report(new ObjectMapper().readTree(new File(beforeFile)));
        }
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
        double[] old = before == null ? null : before.percentiles("RoundTripBench.qmp4j");
        sb.append(old == null ? "| percentile | qmp4j µs | floor µs | ratio |\n|---|---:|---:|---:|\n"
                : "| percentile | qmp4j before µs | before / floor | qmp4j µs | floor µs | ratio |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < PERCENTILES.length; i++) {
            sb.append(String.format(Locale.ROOT, "| %s | %s%s | %s | %s |%n", PERCENTILE_NAMES[i],
                    old == null ? "" : micros(old[i]) + " | " + ratio(old[i], raw[i]) + " | ",
                    micros(lib[i]), micros(raw[i]), ratio(lib[i], raw[i])));
        }

        sb.append("\n### Pipelined commands\n\n");
        sb.append("A sliding window of commands in flight: `executeAsync` (a semaphore released by each completed "
                + "future) against the floor writing and, whenever the window is full, reading replies.\n\n");
        sb.append("![pipelined throughput](").append(linkPrefix).append("bench-throughput.png)\n\n");
        TreeMap<Integer, Double> libPipe = series("PipelineBench.qmp4j", "window");
        TreeMap<Integer, Double> rawPipe = series("PipelineBench.raw", "window");
        TreeMap<Integer, Double> oldPipe = before == null ? null : before.series("PipelineBench.qmp4j", "window");
        sb.append(oldPipe == null ? "| in flight | qmp4j commands/s | floor commands/s | ratio |\n|---:|---:|---:|---:|\n"
                : "| in flight | qmp4j before commands/s | before / floor | qmp4j commands/s | floor commands/s | ratio |\n"
                + "|---:|---:|---:|---:|---:|---:|\n");
        for (int w : union(libPipe, rawPipe)) {
            double l = libPipe.getOrDefault(w, Double.NaN);
            double f = rawPipe.getOrDefault(w, Double.NaN);
            double o = oldPipe == null ? Double.NaN : oldPipe.getOrDefault(w, Double.NaN);
            sb.append(String.format(Locale.ROOT, "| %d | %s%s | %s | %s |%n", w,
                    oldPipe == null ? "" : rate(o) + " | " + ratio(o, f) + " | ", rate(l), rate(f), ratio(l, f)));
        }

        sb.append("\n### Event ingestion\n\n");
        sb.append("Bursts of ").append(String.format(Locale.ROOT, "%,d", EventBench.BURST)).append(
                " `BLOCK_JOB_PROGRESS` events; each listener is a subscription with its own thread calling `poll`, "
                + "and every listener takes every event. Events/s counts each event once (not once per listener). "
                + "The floor reads the same bursts and counts line ends.\n\n");
        TreeMap<Integer, Double> ev = series("EventBench.qmp4j", "listeners");
        TreeMap<Integer, Double> oldEv = before == null ? null : before.series("EventBench.qmp4j", "listeners");
        double evFloor = score("EventBench.raw");
        sb.append(oldEv == null ? "| listeners | qmp4j events/s | floor events/s | ratio |\n|---:|---:|---:|---:|\n"
                : "| listeners | qmp4j before events/s | qmp4j events/s | floor events/s | ratio |\n"
                + "|---:|---:|---:|---:|---:|\n");
        for (var e : ev.entrySet()) {
            sb.append(String.format(Locale.ROOT, "| %d | %s%s | %s | %s |%n", e.getKey(),
                    oldEv == null ? "" : rate(oldEv.getOrDefault(e.getKey(), Double.NaN)) + " | ",
                    rate(e.getValue()), rate(evFloor), ratio(e.getValue(), evFloor)));
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

    /** Grouped bars on a log scale: p50..p99.9 of qmp4j (before, when given), qmp4j and the floor. */
    private void latencyChart(Path file) throws IOException {
        Map<String, double[]> series = new LinkedHashMap<>();
        if (before != null) {
            series.put("qmp4j before", before.percentiles("RoundTripBench.qmp4j"));
        }
        series.put("qmp4j", percentiles("RoundTripBench.qmp4j"));
        series.put("raw socket floor", percentiles("RoundTripBench.raw"));
        Charts.bars(file, "Round-trip latency, query-status over a unix socket (lower is better)", "percentile",
                "round trip, µs (log scale)", true, List.of(PERCENTILE_NAMES), series, new DecimalFormat("#,##0.#"));
    }

    /** Lines: commands/s against commands in flight. */
    private void throughputChart(Path file) throws IOException {
        TreeMap<Integer, Double> lib = series("PipelineBench.qmp4j", "window");
        TreeMap<Integer, Double> raw = series("PipelineBench.raw", "window");
        TreeMap<Integer, Double> old = before == null ? new TreeMap<>() : before.series("PipelineBench.qmp4j", "window");
        List<Integer> windows = union(lib, raw);
        Map<String, double[]> series = new LinkedHashMap<>();
        if (before != null) {
            series.put("qmp4j before", values(windows, old));
        }
        series.put("qmp4j", values(windows, lib));
        series.put("raw socket floor", values(windows, raw));
        Charts.lines(file, "Pipelined query-status over a unix socket (higher is better)", "commands in flight",
                "commands/s", windows.stream().map(String::valueOf).toList(), series);
    }

    private static double[] values(List<Integer> keys, TreeMap<Integer, Double> s) {
        return keys.stream().mapToDouble(k -> s.getOrDefault(k, Double.NaN)).toArray();
    }
}
