package org.qmp4j.bench.peers;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A data point in bench/peers/run, not a library: the C floor's work (pre-encoded commands, line ends
 * counted, nothing parsed) done by a plain {@link SocketChannel} on the calling thread, in the same JVM
 * set-up and with the same warm-up as qmp4j. The gap between it and the C floor is the JVM's; the gap
 * between it and qmp4j is the library's. MuxBench uses it too, as the raw client through the mux.
 *
 * <pre>
 *   RawJavaClient seq ADDR SECONDS | pipe ADDR SECONDS WINDOW | events ADDR COUNT
 *   RawJavaClient pad ADDR SECONDS BYTES   seq with BYTES spaces before the closing brace: what QEMU
 *                                          charges per byte of a command (its monitor reads one byte
 *                                          per turn of its event loop)
 *   RawJavaClient seq-hop ADDR SECONDS     seq with a reader thread that hands each reply to the caller
 *                                          (a future per command, as a library with a reader thread
 *                                          does): what that hand-off costs
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
            case "pad" -> {
                int pad = Integer.parseInt(args[3]);
                byte[] padded = (new String(QUERY, StandardCharsets.UTF_8).replace("}", " ".repeat(pad) + "}"))
                        .getBytes(StandardCharsets.UTF_8);
                double rate = Rate.measure(Double.parseDouble(args[2]), 1, () -> c.roundTrip(padded));
                Rate.print("java-raw", "pad", rate, "round trips/s", ",\"bytes\":" + padded.length);
            }
            case "seq-hop" -> Rate.print("java-raw-hop", "seq", c.withReaderThread(Double.parseDouble(args[2])),
                    "round trips/s");
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
        roundTrip(QUERY);
    }

    private void roundTrip(byte[] command) throws IOException {
        writeAll(ByteBuffer.wrap(command));
        lines(1);
    }

    private void writeAll(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** Closes the connection; a thread blocked in {@link #lines} gets an IOException. */
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is all that was wanted
        }
    }

    /** Sequential round trips with the reads on another thread, which completes the caller's future. */
    private double withReaderThread(double seconds) throws Exception {
        BlockingQueue<CompletableFuture<Void>> waiting = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    lines(1);
                    waiting.take().complete(null);
                }
            } catch (IOException | InterruptedException ended) {
                // the measurement is over
            }
        }, "java-raw-hop reader");
        reader.setDaemon(true);
        reader.start();
        return Rate.measure(seconds, 1, () -> {
            CompletableFuture<Void> reply = new CompletableFuture<>();
            waiting.put(reply);
            writeAll(ByteBuffer.wrap(QUERY));
            reply.get(10, TimeUnit.SECONDS);
        });
    }

    private double window(double seconds, int window) throws Exception {
        ByteBuffer batch = ByteBuffer.allocate(QUERY.length * window);
        for (int i = 0; i < window; i++) {
            batch.put(QUERY);
        }
        return Rate.measure(seconds, window, () -> {
            batch.clear();
            writeAll(batch);
            lines(window);
        });
    }
}
