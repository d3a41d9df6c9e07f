package org.qmp4j.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.qmp4j.EventSubscription;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpException;

/**
 * Event ingestion: each invocation asks the {@link Responder} for a burst of {@value #BURST}
 * {@code BLOCK_JOB_PROGRESS} events (pre-encoded, written as fast as the unix socket takes them) and
 * waits until every listener has taken all of them. A listener is an {@link EventSubscription} to
 * every event with its own thread calling {@code poll} in a loop, so {@code listeners} subscriptions
 * each take every event. Next to it, the raw floor reads the same burst and counts line ends.
 * Scores are events per second (per listener, not summed).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EventBench {
    /** Events per invocation. */
    public static final int BURST = 10_000;

    /** A connected qmp4j client with its subscriptions and their consumer threads. */
    @State(Scope.Benchmark)
    public static class Qmp extends Connected<QmpClient> {
        /** Subscriptions on the one client, each taking every event. */
        @Param({"1", "2", "4", "8"})
        public int listeners;

        final List<Thread> consumers = new ArrayList<>();
        volatile CountDownLatch burstTaken;
        volatile boolean stop;

        @Override
        byte[] burst() {
            return Responder.eventBurst(BURST);
        }

        /** Connects, subscribes and starts the consumers. */
        @Override
        QmpClient connect(Responder responder) {
            QmpClient c = QmpClient.builder().address(responder.address()).eventQueueCapacity(4 * BURST).connect();
            c.events().close(); // only the benchmark's subscriptions collect
            for (int i = 0; i < listeners; i++) {
                EventSubscription sub = c.subscribe();
                Thread t = new Thread(() -> consume(sub), "jmh-listener-" + i);
                t.setDaemon(true);
                consumers.add(t);
                t.start();
            }
            return c;
        }

        private void consume(EventSubscription sub) {
            long taken = 0;
            Duration wait = Duration.ofMillis(200);
            try {
                while (!stop) {
                    QmpEvent e = sub.poll(wait);
                    if (e != null && ++taken % BURST == 0) {
                        burstTaken.countDown();
                    }
                }
            } catch (QmpException closed) {
                // the client closed
            }
        }

        /**
         * Stops the consumers and disconnects; the responder is stopped after this.
         *
         * @throws InterruptedException if interrupted
         */
        @Override
        void disconnect() throws InterruptedException {
            stop = true;
            client.close();
            for (Thread t : consumers) {
                t.join(5000);
            }
        }
    }

    /** A raw socket and its responder. */
    @State(Scope.Benchmark)
    public static class Raw extends Connected.Floor {
        final ByteBuffer flood = ByteBuffer.wrap(Responder.ascii(
                "{\"execute\":\"" + Responder.FLOOD + "\",\"id\":\"qmp4j-1\"}"));

        @Override
        byte[] burst() {
            return Responder.eventBurst(BURST);
        }
    }

    /**
     * @param s the client
     * @throws InterruptedException if interrupted
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void qmp4j(Qmp s) throws InterruptedException {
        CountDownLatch taken = new CountDownLatch(s.listeners);
        s.burstTaken = taken;
        s.client.execute(Responder.FLOOD);
        if (!taken.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("listeners did not take the burst");
        }
    }

    /**
     * @param s the raw socket
     * @return lines seen
     * @throws IOException on a socket error
     */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public long raw(Raw s) throws IOException {
        s.client.write(s.flood);
        return s.client.readLines(BURST + 1);
    }
}
