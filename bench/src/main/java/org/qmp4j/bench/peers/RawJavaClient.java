package org.qmp4j.bench.peers;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A data point in bench/peers/run, not a library: the C floor's work (pre-encoded commands, line ends
 * counted, nothing parsed) done by a plain {@link SocketChannel} on the calling thread, in the same JVM
 * set-up and with the same warm-up as qmp4j. The gap between it and the C floor is the JVM's; the gap
 * between it and qmp4j is the library's. MuxBench uses it too, as the raw client through the mux.
 *
 * <pre>
 *   RawJavaClient seq ADDR SECONDS | pipe ADDR SECONDS WINDOW | events ADDR COUNT
 * </pre>
 */
public final class RawJavaClient {
    private static final byte[] QUERY = "{\"execute\":\"query-status\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

    /**
     * Connects and negotiates (with {@code oob}).
     *
     * @param path the unix socket
     * @return the negotiated client
     * @throws IOException when the server is not there or goes away
     */
    public static RawJavaClient open(String path) throws IOException {
        return new RawJavaClient(path);
    }

    private RawJavaClient(String path) throws IOException {
        channel = SocketChannel.open(UnixDomainSocketAddress.of(path));
        lines(1); // greeting
        channel.write(ByteBuffer.wrap("{\"execute\":\"qmp_capabilities\",\"arguments\":{\"enable\":[\"oob\"]}}"
                .getBytes(StandardCharsets.UTF_8)));
        lines(1);
    }

    /**
     * Reads until n line ends have arrived.
     *
     * @param n line ends to wait for
     * @return how many arrived beyond n
     * @throws IOException when the server closes the connection (or another thread closed this client)
     */
    public long lines(long n) throws IOException {
        while (n > 0) {
            in.clear();
            int r = channel.read(in);
            if (r < 0) {
                throw new IOException("closed by the server");
            }
            byte[] b = in.array();
            for (int i = 0; i < r; i++) {
                if (b[i] == '\n') {
                    n--;
                }
            }
        }
        return -n;
    }

    /**
     * @param args the mode and its arguments, as above
     * @throws Exception when the server goes away
     */
    public static void main(String[] args) throws Exception {
        RawJavaClient c = new RawJavaClient(args[1]);
        switch (args[0]) {
            case "seq" -> Rate.print("java-raw", "seq", c.window(Double.parseDouble(args[2]), 1), "round trips/s");
            case "pipe" -> Rate.print("java-raw", "pipe", c.window(Double.parseDouble(args[2]), Integer.parseInt(args[3])),
                    "commands/s");
            case "events" -> {
                long count = Long.parseLong(args[2]);
                long warm = System.nanoTime() + (long) (Rate.JVM_WARM_UP_SECONDS * 1e9);
                long extra = 0;
                while (System.nanoTime() < warm) {
                    extra = c.lines(1024);
                }
                long start = System.nanoTime();
                c.lines(Math.max(1, count - extra));
                Rate.print("java-raw", "events", count / ((System.nanoTime() - start) / 1e9), "events/s");
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
        c.channel.close();
    }

    /**
     * One {@code query-status} round trip.
     *
     * @throws IOException when the server goes away
     */
    public void roundTrip() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(QUERY);
        while (b.hasRemaining()) {
            channel.write(b);
        }
        lines(1);
    }

    /** Closes the connection; a thread blocked in {@link #lines} gets an IOException. */
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    private double window(double seconds, int window) throws Exception {
        ByteBuffer batch = ByteBuffer.allocate(QUERY.length * window);
        for (int i = 0; i < window; i++) {
            batch.put(QUERY);
        }
        return Rate.measure(seconds, window, () -> {
            batch.clear();
            while (batch.hasRemaining()) {
                channel.write(batch);
            }
            lines(window);
        });
    }
}
