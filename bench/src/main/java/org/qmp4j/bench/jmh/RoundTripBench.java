package org.qmp4j.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.qmp4j.QmpClient;

/**
 * One command at a time: {@code QmpClient.execute("query-status")} against the in-process
 * {@link Responder} over a unix socket, next to the raw floor sending the same bytes to the same
 * kind of responder and waiting for the reply's line end. Sampled, so percentiles are reported.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RoundTripBench {

    /** A connected qmp4j client and its responder. */
    @State(Scope.Benchmark)
    public static class Qmp extends Connected<QmpClient> {
        @Override
        QmpClient connect(Responder responder) {
            return QmpClient.builder().address(responder.address()).connect();
        }
    }

    /** A raw socket and its responder. */
    @State(Scope.Benchmark)
    public static class Raw extends Connected.Floor {
        final ByteBuffer command = ByteBuffer.wrap(Responder.ascii(Traffic.command(1)));
    }

    /**
     * @param s the client
     * @return the reply's return value
     */
    @Benchmark
    public JsonNode qmp4j(Qmp s) {
        return s.client.execute("query-status");
    }

    /**
     * @param s the raw socket
     * @return the lines seen
     * @throws IOException on a socket error
     */
    @Benchmark
    public long raw(Raw s) throws IOException {
        s.client.write(s.command);
        return s.client.readLines(1);
    }
}
