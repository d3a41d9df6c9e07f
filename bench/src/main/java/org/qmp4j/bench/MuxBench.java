package org.qmp4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.bench.peers.RawJavaClient;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.mux.QmpMux;
import org.qmp4j.testkit.FakeQmpServer;

/**
 * The multiplexer's cost, side by side in one JVM, printed as a Markdown section for docs/BENCHMARKS.md.
 *
 * <ol>
 *   <li>Sequential {@code query-status} round trips/s: two QEMUs started the same way, A used directly and
 *       B through a {@link QmpMux} in this JVM (its upstream is B's {@code client()}), measured in
 *       interleaved rounds (A, B, A, B...) so drift hits both; the same with a raw {@code SocketChannel}
 *       client (A's second monitor, which B also has, against the mux).</li>
 *   <li>Event fan-out: a flood from {@link FakeQmpServer} read by one raw reader directly, and through a
 *       mux by 8 raw readers (each counting line ends on its own thread); events/s per client from the
 *       flood's start to its last event, and how many clients the mux disconnected or left short.</li>
 * </ol>
 *
 * <p>Usage: {@code MuxBench [seconds-per-run] [rounds] [events]} (defaults 2, 5, 200000).
 */
public final class MuxBench {
    /** As bench/peers: a JVM's JIT needs about this long on this path before it reaches steady state. */
    private static final double WARM_UP_SECONDS = 3;
    private static final int READERS = 8;
    private static final String EVENT = "BLOCK_JOB_PROGRESS";

    private MuxBench() {
    }

    /** One client of the round-trip part. */
    private interface Trip {
        void run() throws Exception;
    }

    /** What the event part measured in one configuration: per-client rates over all rounds, and losses. */
    private static final class Fanout {
        final List<Double> rates = new ArrayList<>();
        int clients;
        int disconnected;
        int shortOfAll;
        long fewestReceived = Long.MAX_VALUE;
    }

    /**
     * @param args optionally seconds per run, rounds and events per flood
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int events = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        Path dir = Files.createTempDirectory("qmp4j-muxbench");
        try {
            roundTrips(dir, seconds, rounds);
            fanOut(dir, rounds, events);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    // ---- round trips ----

    private static void roundTrips(Path dir, double seconds, int rounds) throws Exception {
        try (QemuProcess a = qemu(dir.resolve("a-raw.sock")); QemuProcess b = qemu(dir.resolve("b-raw.sock"));
             QmpMux mux = QmpMux.builder().upstream(b.client()).listen(new Address.Unix(dir.resolve("mux.sock"))).start();
             QmpClient viaMux = QmpClient.connect("unix:" + dir.resolve("mux.sock"))) {
            RawJavaClient rawA = RawJavaClient.open(dir.resolve("a-raw.sock").toString());
            RawJavaClient rawMux = RawJavaClient.open(dir.resolve("mux.sock").toString());
            // The floor of any multiplexer: socat relaying bytes to B's second monitor, parsing nothing.
            Path relaySocket = dir.resolve("relay.sock");
            Process relay = new ProcessBuilder("socat", "UNIX-LISTEN:" + relaySocket + ",fork",
                    "UNIX-CONNECT:" + dir.resolve("b-raw.sock")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            for (int i = 0; i < 200 && !Files.exists(relaySocket); i++) {
                Thread.sleep(10);
            }
            RawJavaClient rawRelay = RawJavaClient.open(relaySocket.toString());
            QmpClient direct = a.client();
            String[] names = {"qmp4j `QmpClient`", "raw `SocketChannel`",
                "raw `SocketChannel`, through socat relaying bytes instead of the mux (the floor of any mux)"};
            Trip[][] pairs = {
                {() -> direct.execute("query-status"), () -> viaMux.execute("query-status")},
                {rawA::roundTrip, rawMux::roundTrip},
                {rawA::roundTrip, rawRelay::roundTrip},
            };
            double[][][] rates = new double[pairs.length][2][rounds];
            for (Trip[] pair : pairs) { // uncounted: the JIT's warm-up of every path
                for (Trip t : pair) {
                    rate(t, WARM_UP_SECONDS);
                }
            }
            for (int r = 0; r < rounds; r++) {
                for (int p = 0; p < pairs.length; p++) {
                    for (int side = 0; side < 2; side++) {
                        rates[p][side][r] = rate(pairs[p][side], seconds);
                    }
                }
            }
            rawA.close();
            rawMux.close();
            rawRelay.close();
            relay.destroy();
            String version = a.client().greeting().version().toString();
            System.out.println("## Multiplexer (qmp4j-mux)");
            System.out.println();
            System.out.printf(Locale.ROOT, "Written by `bench/run` (org.qmp4j.bench.MuxBench) on %s, %d cores. Two QEMU %s started%n",
                    LocalDate.now(ZoneOffset.UTC), Runtime.getRuntime().availableProcessors(), version);
            System.out.println("the same way (`QemuProcess`, `-machine q35 -accel tcg -S`, plus a second QMP monitor each): A is");
            System.out.println("used directly, B through a `QmpMux` running in the same JVM as the clients (its upstream is");
            System.out.println("B's `QemuProcess.client()`; the `qmp-mux` tool runs the same code in its own process).");
            System.out.printf(Locale.ROOT, "Sequential `query-status`, one at a time, for %.0f s per run, in %d interleaved rounds (A, B,%n",
                    seconds, rounds);
            System.out.println("A, B...) after an uncounted warm-up of 3 s each; the raw client writes pre-encoded commands");
            System.out.println("and counts line ends (A's second monitor against the mux; and, as the floor of any mux, against");
            System.out.println("socat relaying bytes to B's second monitor). Median, min and max of the rounds;");
            System.out.println("× direct = median through the mux / median direct (target ≥ 0.8).");
            System.out.println();
            System.out.println("| client | direct, round trips/s | through the mux | min–max direct | min–max mux | × direct | target |");
            System.out.println("|---|---:|---:|---:|---:|---:|---|");
            for (int p = 0; p < pairs.length; p++) {
                double d = median(rates[p][0]);
                double m = median(rates[p][1]);
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f–%,.0f | %,.0f–%,.0f | %.2f | %s |%n",
                        names[p], d, m, min(rates[p][0]), max(rates[p][0]), min(rates[p][1]), max(rates[p][1]), m / d,
                        p == 2 ? "the floor, not a target" : m / d >= 0.8 ? "≥ 0.8: met" : "≥ 0.8: missed");
            }
            System.out.flush();
        }
    }

    private static QemuProcess qemu(Path secondMonitor) {
        return QemuProcess.builder().addArgs("-qmp", "unix:" + secondMonitor + ",server=on,wait=off").start();
    }

    private static double rate(Trip trip, double seconds) throws Exception {
        long span = (long) (seconds * 1e9);
        long done = 0;
        long start = System.nanoTime();
        long t = start;
        while (t - start < span) {
            trip.run();
            done++;
            t = System.nanoTime();
        }
        return done / ((t - start) / 1e9);
    }

    // ---- event fan-out ----

    private static void fanOut(Path dir, int rounds, int events) throws Exception {
        double[] direct = new double[rounds];
        Fanout byDefault = new Fanout();
        Fanout large = new Fanout();
        int largeQueue = events + 16;
        try (FakeQmpServer source = FakeQmpServer.start(); FakeQmpServer upstreamSource = FakeQmpServer.start();
             QmpClient upstream = QmpClient.connect(upstreamSource.address());
             QmpMux muxDefault = QmpMux.builder().upstream(upstream).listen(new Address.Unix(dir.resolve("fan.sock"))).start()) {
            upstream.events().close(); // the mux has its own subscription; the built-in one would only fill up
            RawJavaClient reader = RawJavaClient.open(source.address().substring("unix:".length()));
            source.awaitClient(Duration.ofSeconds(10));
            for (int r = -1; r < rounds; r++) { // round -1: uncounted warm-up
                long start = System.nanoTime();
                CompletableFuture<Void> flood = source.floodEvents(EVENT, events);
                reader.lines(events);
                double rate = events / ((System.nanoTime() - start) / 1e9);
                flood.join();
                if (r >= 0) {
                    direct[r] = rate;
                }
                fanOutRound(upstreamSource, dir.resolve("fan.sock"), events, r >= 0 ? byDefault : new Fanout());
            }
            reader.close();
        }
        // Only as a data point: a queue that holds the whole flood, so no reader can be dropped.
        try (FakeQmpServer upstreamSource = FakeQmpServer.start();
             QmpClient upstream = QmpClient.builder().address(upstreamSource.address()).eventQueueCapacity(largeQueue).connect();
             QmpMux mux = QmpMux.builder().upstream(upstream).listen(new Address.Unix(dir.resolve("fan-large.sock")))
                     .clientQueue(largeQueue).start()) {
            upstream.events().close();
            for (int r = -1; r < rounds; r++) {
                fanOutRound(upstreamSource, dir.resolve("fan-large.sock"), events, r >= 0 ? large : new Fanout());
            }
        }
        double d = median(direct);
        System.out.println();
        System.out.printf(Locale.ROOT, "Event fan-out: `FakeQmpServer.floodEvents` writes %,d `%s` events as fast as the socket%n",
                events, EVENT);
        System.out.printf(Locale.ROOT, "takes them, %d rounds after an uncounted one. Direct: one raw reader (a `SocketChannel`%n", rounds);
        System.out.println("counting line ends) on the fake server. Through the mux: a `QmpClient` on a second fake server is");
        System.out.printf(Locale.ROOT, "the upstream of a `QmpMux` in this JVM with %d raw readers connected and negotiated, each on its%n",
                READERS);
        System.out.println("own thread. Events/s per client = events / (time from the flood's start to that client's last");
        System.out.println("event); median, min and max over every client of every round; × direct = median / direct median.");
        System.out.println("A client counts as short when it stopped receiving before the whole flood (no event for 3 s);");
        System.out.println("\"disconnected\" are those the mux closed because their queue was full.");
        System.out.println();
        System.out.println("| receiver | events/s per client | min | max | × direct | clients with every event | disconnected by the mux | short, not disconnected |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| direct: 1 raw reader on the fake server | %,.0f | %,.0f | %,.0f | 1.00 | %d of %d | – | – |%n",
                d, min(direct), max(direct), rounds, rounds);
        row("mux, default `clientQueue` (4096) and upstream `eventQueueCapacity` (10,000)", byDefault, d);
        row(String.format(Locale.ROOT, "mux, `clientQueue` and `eventQueueCapacity` %,d (holds the whole flood)", largeQueue), large, d);
        System.out.flush();
    }

    private static void row(String name, Fanout f, double direct) {
        double[] rates = f.rates.stream().mapToDouble(Double::doubleValue).toArray();
        String fewest = f.shortOfAll + f.disconnected == 0 ? ""
                : String.format(Locale.ROOT, " (the worst got %,d)", f.fewestReceived);
        if (rates.length == 0) {
            System.out.printf(Locale.ROOT, "| %s | – | – | – | – | 0 of %d | %d | %d%s |%n", name, f.clients,
                    f.disconnected, f.shortOfAll, fewest);
            return;
        }
        double m = median(rates);
        System.out.printf(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %.2f | %d of %d | %d | %d%s |%n", name, m, min(rates),
                max(rates), m / direct, rates.length, f.clients, f.disconnected, f.shortOfAll, fewest);
    }

    /** Connects the readers, floods, and records every reader's rate or what it lacked. */
    private static void fanOutRound(FakeQmpServer source, Path mux, int events, Fanout into) throws Exception {
        RawJavaClient[] readers = new RawJavaClient[READERS];
        AtomicLong[] received = new AtomicLong[READERS];
        long[] doneAt = new long[READERS];
        boolean[] dropped = new boolean[READERS];
        boolean[] closedByUs = new boolean[READERS];
        Thread[] threads = new Thread[READERS];
        for (int i = 0; i < READERS; i++) {
            readers[i] = RawJavaClient.open(mux.toString()); // negotiated: the mux sends it every event from now
            received[i] = new AtomicLong();
        }
        for (int i = 0; i < READERS; i++) {
            int k = i;
            threads[i] = new Thread(() -> {
                try {
                    while (received[k].get() < events) {
                        received[k].addAndGet(1 + readers[k].lines(1)); // one read's worth of line ends
                    }
                    doneAt[k] = System.nanoTime();
                } catch (IOException e) {
                    dropped[k] = true; // the mux closed it, or we did after it went quiet
                }
            }, "muxbench-reader-" + i);
        }
        for (Thread t : threads) {
            t.start();
        }
        long start = System.nanoTime();
        CompletableFuture<Void> flood = source.floodEvents(EVENT, events);
        long last = -1;
        long quietSince = System.nanoTime();
        while (Arrays.stream(threads).anyMatch(Thread::isAlive)) {
            TimeUnit.MILLISECONDS.sleep(100);
            long now = Arrays.stream(received).mapToLong(AtomicLong::get).sum();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (flood.isDone() && System.nanoTime() - quietSince > 3_000_000_000L) {
                for (int i = 0; i < READERS; i++) {
                    if (threads[i].isAlive()) {
                        closedByUs[i] = true;
                        readers[i].close();
                    }
                }
            }
        }
        flood.join();
        for (int i = 0; i < READERS; i++) {
            readers[i].close();
            into.clients++;
            long got = received[i].get();
            if (got >= events) {
                into.rates.add(events / ((doneAt[i] - start) / 1e9));
                continue;
            }
            into.fewestReceived = Math.min(into.fewestReceived, got);
            // A reader we closed after a quiet spell was still connected: the events never reached it.
            if (dropped[i] && !closedByUs[i]) {
                into.disconnected++;
            } else {
                into.shortOfAll++;
            }
        }
        if (into.disconnected > 0) {
            // The mux may still be fanning out the rest of this flood: let it finish before the next readers come.
            TimeUnit.SECONDS.sleep(2);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
