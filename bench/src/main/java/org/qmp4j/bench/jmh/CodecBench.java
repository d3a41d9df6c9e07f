package org.qmp4j.bench.jmh;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.internal.framing.JsonFramer;
import org.qmp4j.internal.session.Requests;

/**
 * The byte-level half of the library without a socket: framing a pre-built stream of QMP traffic
 * (half replies, half events, as QEMU writes them) fed in 64 KiB reads as the session's reader
 * does, with and without Jackson parsing each message into a tree; and encoding a command as
 * {@code QmpClient} does before each write. Scores are messages (or commands) per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBench {
    /** Messages in the pre-built stream; one invocation frames them all. */
    public static final int MESSAGES = 8192;
    private static final int READ = 64 * 1024; // MessageSession's read buffer

    private byte[] traffic;
    private JsonFramer framer;
    private Blackhole hole;
    private long count;
    private long nextId;
    private final Map<String, Object> qomGetArgs = Map.of("path", "/machine/unattached/device[0]", "property", "type");

    private final JsonFramer.Sink counting = (buf, off, len) -> count++;
    private final JsonFramer.Sink parsing = (buf, off, len) -> hole.consume(JsonCodec.parseObject(buf, off, len));

    /** Builds the traffic. */
    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder(MESSAGES * 200);
        for (int i = 0; i < MESSAGES; i++) {
            sb.append(i % 2 == 0 ? Traffic.reply(i) : Traffic.event(i));
        }
        traffic = sb.toString().getBytes(StandardCharsets.UTF_8);
        framer = new JsonFramer(64 << 20);
    }

    private void feed(JsonFramer.Sink sink) {
        for (int off = 0; off < traffic.length; off += READ) {
            framer.feed(traffic, off, Math.min(READ, traffic.length - off), sink);
        }
    }

    /**
     * Framing only: finding where each object ends.
     *
     * @return the number of frames seen
     */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public long frame() {
        count = 0;
        feed(counting);
        return count;
    }

    /**
     * Framing and parsing each message into an {@link ObjectNode}, as the reader thread does.
     *
     * @param bh sink for the trees
     */
    @Benchmark
    @OperationsPerInvocation(MESSAGES)
    public void frameAndParse(Blackhole bh) {
        hole = bh;
        feed(parsing);
    }

    /** @return the bytes of {@code {"execute":"query-status","id":"qmp4j-N"}}, built as QmpClient does */
    @Benchmark
    public byte[] encodeQueryStatus() {
        ObjectNode m = Requests.command("execute", "query-status", null);
        m.put("id", "qmp4j-" + ++nextId);
        return JsonCodec.encode(m);
    }

    /** @return the bytes of a {@code qom-get} with two arguments given as a map */
    @Benchmark
    public byte[] encodeQomGet() {
        ObjectNode m = Requests.command("execute", "qom-get", qomGetArgs);
        m.put("id", "qmp4j-" + ++nextId);
        return JsonCodec.encode(m);
    }
}
