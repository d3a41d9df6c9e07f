package org.qmp4j.bench.peers;

import java.util.Locale;

/** What the Java peer clients share: the warm-up-then-measure loop and the JSON line they print. */
final class Rate {
    /**
     * Warm-up before measuring: SECONDS/4 like every client, but at least this, so the JIT has compiled
     * the hot path (measured: 2 s in, a JVM runs ~25% below steady state).
     */
    static final double JVM_WARM_UP_SECONDS = 3;

    /** One batch of work. */
    interface Batch {
        /** @throws Exception anything; it ends the measurement */
        void run() throws Exception;
    }

    private Rate() {
    }

    /**
     * @param seconds how long to measure, after an uncounted warm-up
     * @param perBatch operations in one batch
     * @param batch the work
     * @return operations per second
     * @throws Exception what the batch threw
     */
    static double measure(double seconds, int perBatch, Batch batch) throws Exception {
        double rate = 0;
        for (int phase = 0; phase < 2; phase++) {
            long span = (long) ((phase == 0 ? Math.max(seconds / 4, JVM_WARM_UP_SECONDS) : seconds) * 1e9);
            long done = 0;
            long start = System.nanoTime();
            long t = start;
            while (t - start < span) {
                batch.run();
                done += perBatch;
                t = System.nanoTime();
            }
            rate = done / ((t - start) / 1e9);
        }
        return rate;
    }

    /**
     * Prints one measurement as bench/peers/run reads it.
     *
     * @param impl the client's name
     * @param measured the case
     * @param value the figure
     * @param unit its unit
     */
    static void print(String impl, String measured, double value, String unit) {
        print(impl, measured, value, unit, "");
    }

    /**
     * Prints one measurement with more members.
     *
     * @param impl the client's name
     * @param measured the case
     * @param value the figure
     * @param unit its unit
     * @param extra more JSON members ({@code ,"dropped":0}), or empty
     */
    static void print(String impl, String measured, double value, String unit, String extra) {
        System.out.println(String.format(Locale.ROOT, "{\"impl\":\"%s\",\"case\":\"%s\",\"value\":%.1f,\"unit\":\"%s\"%s}",
                impl, measured, value, unit, extra));
    }
}
