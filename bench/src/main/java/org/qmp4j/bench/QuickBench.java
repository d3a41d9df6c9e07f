package org.qmp4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.Response;

/**
 * Side-by-side measurements of qmp4j and the raw-socket floor, in one run on one machine, reported
 * as medians and ratios. (The JMH harness and the peers come with the benchmarks issue.)
 */
public final class QuickBench {
    private static final int ROUNDS = 5;
    private static final int WINDOW = 64;
    private static final int EVENTS = 500_000;

    private QuickBench() {
    }

    /**
     * @param args output file (Markdown), then optionally seconds per run
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
        long runNanos = (long) (seconds * 1e9);
        List<String[]> rows = new ArrayList<>();

        try (QemuProcess qemu = QemuProcess.start()) {
            Path sock = Path.of(qemu.address().substring("unix:".length()));
            String version = qemu.client().greeting().version().toString();
            qemu.client().close(); // one client at a time: each side connects in turn
            double[] rawSeq = new double[ROUNDS];
            double[] libSeq = new double[ROUNDS];
            double[] rawPipe = new double[ROUNDS];
            double[] libPipe = new double[ROUNDS];
            byte[] one = "{\"execute\":\"query-status\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
            byte[] batch = batch(WINDOW);
            for (int r = 0; r < ROUNDS; r++) {
                try (RawQmpSocket raw = new RawQmpSocket(sock)) {
                    rawSeq[r] = rate(runNanos, 1, () -> {
                        raw.write(one);
                        raw.readLines(1);
                    });
                    rawPipe[r] = rate(runNanos, WINDOW, () -> {
                        raw.write(batch);
                        raw.readLines(WINDOW);
                    });
                }
                try (QmpClient qmp = QmpClient.connect(qemu.address())) {
                    libSeq[r] = rate(runNanos, 1, () -> qmp.execute("query-status"));
                    libPipe[r] = rate(runNanos, WINDOW, () -> {
                        CompletableFuture<?>[] calls = new CompletableFuture<?>[WINDOW];
                        for (int i = 0; i < WINDOW; i++) {
                            calls[i] = qmp.executeAsync("query-status", null);
                        }
                        CompletableFuture.allOf(calls).join();
                    });
                }
            }
            rows.add(row("sequential round trips/s, query-status, QEMU " + version, rawSeq, libSeq));
            rows.add(row("pipelined commands/s, batches of " + WINDOW + " in flight, QEMU " + version, rawPipe, libPipe));
        }

        try (FakeQmpServer server = FakeQmpServer.start()) {
            server.on("sync", Response.ok());
            Path sock = Path.of(server.address().substring("unix:".length()));
            double[] rawEv = new double[ROUNDS];
            double[] libEv = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                try (RawQmpSocket raw = new RawQmpSocket(sock)) {
                    long t0 = System.nanoTime();
                    CompletableFuture<Void> sent = server.floodEvents("BLOCK_JOB_PROGRESS", EVENTS);
                    raw.readLines(EVENTS);
                    rawEv[r] = EVENTS / ((System.nanoTime() - t0) / 1e9);
                    sent.join();
                }
                awaitDisconnect(server);
                try (QmpClient qmp = QmpClient.builder().address(server.address()).eventQueueCapacity(EVENTS).connect();
                        EventSubscription events = qmp.subscribe("BLOCK_JOB_PROGRESS")) {
                    long t0 = System.nanoTime();
                    CompletableFuture<Void> sent = server.floodEvents("BLOCK_JOB_PROGRESS", EVENTS);
                    for (int i = 0; i < EVENTS; i++) {
                        events.next(Duration.ofSeconds(30));
                    }
                    libEv[r] = EVENTS / ((System.nanoTime() - t0) / 1e9);
                    sent.join();
                }
                awaitDisconnect(server);
            }
            rows.add(row("events/s received and taken, " + EVENTS + " from FakeQmpServer (unix socket)", rawEv, libEv));
        }
        String table = render(rows, seconds);
        System.out.print(table);
        Files.writeString(out, table);
    }

    private interface Op {
        void run() throws Exception;
    }

    /** Runs op repeatedly for about runNanos (after a short warm-up) and returns operations per second. */
    private static double rate(long runNanos, int perOp, Op op) throws Exception {
        long warm = System.nanoTime() + runNanos / 4;
        while (System.nanoTime() < warm) {
            op.run();
        }
        long n = 0;
        long t0 = System.nanoTime();
        long end = t0 + runNanos;
        long now;
        do {
            op.run();
            n++;
        } while ((now = System.nanoTime()) < end);
        return n * perOp / ((now - t0) / 1e9);
    }

    private static byte[] batch(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"execute\":\"query-status\",\"id\":").append(i).append('}');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitDisconnect(FakeQmpServer server) throws InterruptedException {
        Thread.sleep(50); // the fake serves one client at a time; let it see the close
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static String[] row(String what, double[] floor, double[] lib) {
        double f = median(floor);
        double l = median(lib);
        return new String[] {what, String.format("%,.0f", f), String.format("%,.0f", l), String.format("%.2f", l / f)};
    }

    private static String render(List<String[]> rows, double seconds) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmarks\n\n");
        sb.append("Written by `bench/run` on ").append(LocalDate.now()).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(". Medians of ").append(ROUNDS)
                .append(" alternating runs of ").append(seconds).append(" s each; the floor is a raw unix socket that ")
                .append("writes pre-encoded commands and counts line ends, parsing nothing. ")
                .append("Ratio = qmp4j / floor (1.00 = as fast as the floor).\n\n");
        sb.append("| measurement | floor (raw socket) | qmp4j | ratio |\n|---|---:|---:|---:|\n");
        for (String[] r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        sb.append("\nqmp4j's numbers include building the JSON message, id routing, Jackson parsing, the ")
                .append("per-call deadline and, for async calls and events, the hand-off from the reader thread. ")
                .append("The JMH harness, the peers (Python qemu.qmp and others) and start-up times come with the ")
                .append("benchmarks issue.\n");
        return sb.toString();
    }
}
