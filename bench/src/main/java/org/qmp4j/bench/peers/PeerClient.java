package org.qmp4j.bench.peers;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpEvent;

/**
 * qmp4j's entry in bench/peers/run: the same work as every other client there, through the library's
 * ordinary API. Prints one JSON line per measurement.
 *
 * <pre>
 *   PeerClient seq ADDR SECONDS          sequential execute("query-status"), round trips/s
 *   PeerClient pipe ADDR SECONDS WINDOW  WINDOW executeAsync in flight, then wait for all; commands/s
 *   PeerClient events ADDR COUNT [CAP]   COUNT events through subscribe(...).next(...), events/s; CAP is the
 *                                        subscription queue's capacity (default: COUNT, at most 1,000,000;
 *                                        "default": the library's default)
 * </pre>
 */
public final class PeerClient {
    /** The name in the output; bench/peers/run names a second run on an older qmp4j-core "qmp4j-before". */
    private static final String IMPL = System.getProperty("qmp4j.bench.impl", "qmp4j");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private PeerClient() {
    }

    /**
     * @param args the mode and its arguments, as above
     * @throws Exception when a measurement fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: PeerClient seq ADDR SECONDS | pipe ADDR SECONDS WINDOW | events ADDR COUNT");
            System.exit(2);
        }
        String mode = args[0];
        String addr = args[1];
        switch (mode) {
            case "seq" -> Rate.print(IMPL, "seq", window(addr, Double.parseDouble(args[2]), 1), "round trips/s");
            case "pipe" -> Rate.print(IMPL, "pipe", window(addr, Double.parseDouble(args[2]), Integer.parseInt(args[3])),
                    "commands/s");
            case "events" -> events(addr, Long.parseLong(args[2]), args.length > 3 ? args[3] : null);
            default -> {
                System.err.println("PeerClient: unknown mode " + mode);
                System.exit(2);
            }
        }
    }

    /** Round trips per second with {@code window} commands in flight (1: plain blocking execute). */
    private static double window(String addr, double seconds, int window) throws Exception {
        try (QmpClient qmp = QmpClient.builder().address(addr).connect()) {
            CompletableFuture<?>[] inFlight = new CompletableFuture<?>[window];
            return Rate.measure(seconds, window, () -> {
                if (window == 1) {
                    qmp.execute("query-status");
                    return;
                }
                for (int i = 0; i < window; i++) {
                    inFlight[i] = qmp.executeAsync("query-status", null);
                }
                for (CompletableFuture<?> f : inFlight) {
                    f.join();
                }
            });
        }
    }

    private static void events(String addr, long count, String cap) {
        // Queue large enough that a consumer briefly behind the reader drops nothing (drops are reported).
        QmpClient.Builder builder = QmpClient.builder().address(addr);
        if (!"default".equals(cap)) {
            builder.eventQueueCapacity(cap != null ? Integer.parseInt(cap) : (int) Math.min(count, 1_000_000));
        }
        try (QmpClient qmp = builder.connect()) {
            qmp.events().close(); // the built-in all-events subscription: this consumer uses its own
            try (EventSubscription sub = qmp.subscribe("BLOCK_JOB_PROGRESS")) {
                // The flood goes on until we disconnect: take events for the JIT's warm-up first, uncounted.
                long warm = System.nanoTime() + (long) (Rate.JVM_WARM_UP_SECONDS * 1e9);
                while (System.nanoTime() < warm) {
                    sub.next(WAIT);
                }
                QmpEvent first = sub.next(WAIT);
                long start = System.nanoTime();
                long check = first.data().path("offset").asLong();
                for (long i = 1; i < count; i++) {
                    check += sub.next(WAIT).data().path("offset").asLong();
                }
                long end = System.nanoTime();
                if (check != count * 4096L) {
                    System.err.println("PeerClient: unexpected event data");
                }
                double rate = (count - 1) / ((end - start) / 1e9);
                Rate.print(IMPL, "default".equals(cap) ? "events-default-queue" : "events", rate, "events/s",
                        ",\"dropped\":" + sub.dropped());
            }
        }
    }
}
