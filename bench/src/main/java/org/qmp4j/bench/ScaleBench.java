package org.qmp4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.qmp4j.QmpClient;

/**
 * Scale: one JVM holding many concurrent sessions. A single-threaded selector server (in this JVM,
 * one thread, so it barely shows in the counts) speaks just enough QMP: greeting, then a reply with
 * the request's id to every command. Reports the threads the sessions use, the heap each idle session
 * holds (used heap after GC, before and after connecting), and the time for every session to answer
 * one command issued to all at once. Prints one Markdown table row per run.
 *
 * <p>Usage: {@code ScaleBench [sessions]} (default 1000).
 */
public final class ScaleBench {
    private static final byte[] GREETING = ("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "
            + "\"major\": 7}, \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n").getBytes(StandardCharsets.UTF_8);

    private ScaleBench() {
    }

    /**
     * @param args optionally the number of sessions
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path dir = Files.createTempDirectory("qmp4j-scale");
        Path sock = dir.resolve("qmp.sock");
        Thread server = startServer(sock);
        var threads = ManagementFactory.getThreadMXBean();
        long heapBefore = usedHeapAfterGc();
        int threadsBefore = threads.getThreadCount();
        List<QmpClient> clients = new ArrayList<>(sessions);
        long t0 = System.nanoTime();
        for (int i = 0; i < sessions; i++) {
            clients.add(QmpClient.builder().address(sock.toString()).name("s" + i)
                    .connectTimeout(Duration.ofSeconds(30)).commandTimeout(Duration.ofSeconds(30)).connect());
        }
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        // One command each first, so every session has done a round trip before it is measured idle.
        all(clients);
        long heapIdle = usedHeapAfterGc();
        int threadsIdle = threads.getThreadCount();
        long t1 = System.nanoTime();
        all(clients);
        double answerSeconds = (System.nanoTime() - t1) / 1e9;
        for (QmpClient c : clients) {
            c.close();
        }
        server.interrupt();
        System.out.printf(Locale.ROOT, "| %d | Java %s | %s | %d | %.1f | %.2f | %.3f |%n", sessions,
                System.getProperty("java.version"), System.getProperty("qmp4j.virtualThreads", "default"),
                threadsIdle - threadsBefore, (heapIdle - heapBefore) / 1024.0 / sessions, connectSeconds, answerSeconds);
    }

    private static void all(List<QmpClient> clients) {
        List<CompletableFuture<?>> calls = new ArrayList<>(clients.size());
        for (QmpClient c : clients) {
            calls.add(c.executeAsync("query-status", null));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** One thread, non-blocking: answers every complete line that has an id with a canned reply. */
    private static Thread startServer(Path sock) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(sock), 4096);
        listener.configureBlocking(false);
        Selector selector = Selector.open();
        listener.register(selector, SelectionKey.OP_ACCEPT);
        Thread t = new Thread(() -> {
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        if (key.isAcceptable()) {
                            SocketChannel c;
                            while ((c = listener.accept()) != null) {
                                c.configureBlocking(false);
                                c.write(ByteBuffer.wrap(GREETING));
                                c.register(selector, SelectionKey.OP_READ, new StringBuilder());
                            }
                        } else if (key.isReadable()) {
                            serve((SocketChannel) key.channel(), (StringBuilder) key.attachment(), in, key);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "scale-server");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void serve(SocketChannel c, StringBuilder pending, ByteBuffer in, SelectionKey key) throws IOException {
        in.clear();
        int n = c.read(in);
        if (n < 0) {
            key.cancel();
            c.close();
            return;
        }
        pending.append(new String(in.array(), 0, n, StandardCharsets.UTF_8));
        // Commands from qmp4j are compact objects, one per write; answer every id up to the last brace.
        int end = pending.lastIndexOf("}") + 1;
        if (end == 0) {
            return;
        }
        String chunk = pending.substring(0, end);
        pending.delete(0, end);
        StringBuilder out = new StringBuilder();
        int from = 0;
        int idAt;
        while ((idAt = chunk.indexOf("\"id\":", from)) >= 0) {
            // The id as it was sent (qmp4j's are numbers; the last member of each command), echoed back.
            int s = idAt + 5;
            int e = s;
            while (e < chunk.length() && chunk.charAt(e) != '}' && chunk.charAt(e) != ',') {
                e++;
            }
            out.append("{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": ")
                    .append(chunk, s, e).append("}\r\n");
            from = e;
        }
        ByteBuffer reply = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
        while (reply.hasRemaining()) {
            c.write(reply);
        }
    }
}
