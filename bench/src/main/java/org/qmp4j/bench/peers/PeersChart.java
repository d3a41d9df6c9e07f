package org.qmp4j.bench.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qmp4j.bench.Charts;

/**
 * The charts of bench/peers/run's rates: docs/bench-peers.png (sequential and pipelined commands/s on QEMU per
 * client) and docs/bench-events.png (events/s, log scale), medians of the rounds in bench/target/peers.jsonl.
 */
public final class PeersChart {
    private static final List<String> ORDER = List.of("floor", "java-raw", "qmp4j-before", "qmp4j", "python-qemu.qmp",
            "python-raw", "go-qemu");

    private PeersChart() {
    }

    /**
     * @param args peers.jsonl, the directory for the PNGs, the pipeline depth (for the label)
     * @throws IOException when a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        ObjectMapper json = new ObjectMapper();
        Map<String, Map<String, List<Double>>> byCase = new LinkedHashMap<>(); // case -> impl -> values
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode r = json.readTree(line);
            if (r.has("value")) {
                byCase.computeIfAbsent(r.path("case").asText(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.path("impl").asText(), k -> new ArrayList<>()).add(r.path("value").asDouble());
            }
        }
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        Map<String, double[]> rates = new LinkedHashMap<>();
        for (String impl : ORDER) {
            double seq = median(byCase, "seq", impl);
            double pipe = median(byCase, "pipe", impl);
            if (!Double.isNaN(seq) || !Double.isNaN(pipe)) {
                rates.put(impl, new double[] {seq, pipe});
            }
        }
        Charts.bars(out.resolve("bench-peers.png"), "query-status on a real QEMU, by client (higher is better)", "",
                "commands/s", false, List.of("sequential round trips", args[2] + " in flight (pipelined)"), rates,
                new DecimalFormat("#,##0"));
        Map<String, double[]> events = new LinkedHashMap<>();
        for (String impl : ORDER) {
            double v = median(byCase, "events", impl);
            if (!Double.isNaN(v)) {
                events.put(impl, new double[] {v});
            }
        }
        Charts.bars(out.resolve("bench-events.png"), "Events received through each client's event API (higher is better)",
                "", "events/s (log scale)", true, List.of("BLOCK_JOB_PROGRESS from FloodServer"), events,
                new DecimalFormat("#,##0"));
    }

    private static double median(Map<String, Map<String, List<Double>>> byCase, String c, String impl) {
        List<Double> v = new ArrayList<>(byCase.getOrDefault(c, Map.of()).getOrDefault(impl, List.of()));
        if (v.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
