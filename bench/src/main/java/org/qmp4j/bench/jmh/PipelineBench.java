package org.qmp4j.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.qmp4j.QmpClient;

/**
 * Commands per second with a sliding window of {@code window} commands in flight: each invocation
 * sends one {@code query-status}, first waiting while {@code window} are unanswered.
 * {@code QmpClient.executeAsync} (a semaphore released by each completed future) next to the raw
 * floor (one thread that writes, and reads replies whenever the window is full). Both talk to the
 * in-process {@link Responder} over a unix socket.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipelineBench {

    /** A connected qmp4j client, its responder and the window. */
    @State(Scope.Benchmark)
    public static class Qmp extends Connected<QmpClient> {
        /** Commands in flight at most. */
        @Param({"1", "2", "4", "8", "16", "32", "64"})
        public int window;

        Semaphore permits;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        BiConsumer<JsonNode, Throwable> done;

        @Override
        QmpClient connect(Responder responder) {
            QmpClient c = QmpClient.builder().address(responder.address()).connect();
            permits = new Semaphore(window);
            done = (reply, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                }
                permits.release();
            };
            return c;
        }

        /**
         * Waits for the commands still in flight, so iterations do not overlap.
         *
         * @throws InterruptedException if interrupted
         */
        @TearDown(Level.Iteration)
        public void drain() throws InterruptedException {
            if (!permits.tryAcquire(window, 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("replies missing: " + (window - permits.availablePermits()));
            }
            permits.release(window);
            Throwable e = failure.get();
            if (e != null) {
                throw new IllegalStateException("a command failed", e);
            }
        }
    }

    /** A raw socket, its responder and the window. */
    @State(Scope.Benchmark)
    public static class Raw extends Connected.Floor {
        /** Commands in flight at most. */
        @Param({"1", "2", "4", "8", "16", "32", "64"})
        public int window;

        long inFlight;
        final ByteBuffer command = ByteBuffer.wrap(Responder.ascii(Traffic.command(1)));

        /**
         * Reads the replies still outstanding.
         *
         * @throws IOException on a socket error
         */
        @TearDown(Level.Iteration)
        public void drain() throws IOException {
            while (inFlight > 0) {
                inFlight -= client.readLines(1);
            }
        }
    }

    /**
     * @param s the client
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    public void qmp4j(Qmp s) throws InterruptedException {
        s.permits.acquire();
        s.client.executeAsync("query-status", null).whenComplete(s.done);
    }

    /**
     * @param s the raw socket
     * @throws IOException on a socket error
     */
    @Benchmark
    public void raw(Raw s) throws IOException {
        s.client.write(s.command);
        if (++s.inFlight >= s.window) {
            s.inFlight -= s.client.readLines(1);
        }
    }
}
