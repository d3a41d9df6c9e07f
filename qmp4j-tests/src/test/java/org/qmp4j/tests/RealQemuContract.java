package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.EventSubscription;
import org.qmp4j.Greeting;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpEvent;
import org.qmp4j.QmpListener;
import org.qmp4j.QmpRequest;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.TestAccess;
import org.qmp4j.launch.QemuProcess;

/**
 * The library against a real QEMU. Subclasses pick the generation; every test runs on each.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class RealQemuContract {
    private static final Duration WAIT = Duration.ofSeconds(30);

    protected QemuProcess qemu;
    protected QmpClient qmp;

    abstract QemuGeneration generation();

    /** @param version the version the greeting reported */
    abstract void checkGeneration(Greeting.Version version);

    @BeforeEach
    void startQemu() {
        qemu = generation().launcher().addArgs("-name", "qmp4j-test").start();
        qmp = qemu.client();
    }

    @AfterEach
    void stopQemu() {
        if (qemu != null) {
            qemu.close();
        }
    }

    @Test
    void greetingMatchesQueryVersion() {
        Greeting g = qmp.greeting();
        checkGeneration(g.version());
        assertTrue(g.offers("oob"));
        assertTrue(qmp.oobEnabled());
        JsonNode v = qmp.execute("query-version");
        assertEquals(g.version().major(), v.path("qemu").path("major").asInt());
        assertEquals(g.version().minor(), v.path("qemu").path("minor").asInt());
        assertEquals(g.version().micro(), v.path("qemu").path("micro").asInt());
        assertEquals(g.version().packageName(), v.path("package").asText().strip());
    }

    @Test
    void outOfBandCommandsRun() throws Exception {
        // query-yank is one of the few commands QEMU marks allow-oob, and harmless.
        assertTrue(qmp.executeOob("query-yank", null).isArray());
        assertTrue(qmp.executeOobAsync("query-yank", null).get(30, TimeUnit.SECONDS).isArray());
        QmpCommandException e = assertThrows(QmpCommandException.class, () -> qmp.executeOob("query-status", null));
        assertTrue(e.description().contains("OOB"), e.description());
    }

    @Test
    void qomGetReadsTheMachineType() {
        JsonNode type = qmp.execute("qom-get", Map.of("path", "/machine", "property", "type"));
        assertTrue(type.asText().contains("q35"), type.toString());
        JsonNode list = qmp.execute("qom-list", Map.of("path", "/machine"));
        assertTrue(list.size() > 10, list.toString());
    }

    @Test
    void unknownCommandIsCommandNotFoundAndTheSessionGoesOn() {
        QmpCommandException e = assertThrows(QmpCommandException.class, () -> qmp.execute("no-such-command"));
        assertEquals("CommandNotFound", e.errorClass());
        assertEquals("no-such-command", e.command());
        QmpCommandException bad = assertThrows(QmpCommandException.class,
                () -> qmp.execute("qom-get", Map.of("path", "/nonexistent", "property", "type")));
        assertEquals("DeviceNotFound", bad.errorClass());
        assertEquals("prelaunch", qmp.execute("query-status").path("status").asText());
    }

    @Test
    void stopAndContProduceEventsWithTimestamps() {
        try (EventSubscription runState = qmp.subscribe("STOP", "RESUME")) {
            Instant before = Instant.now().minusSeconds(5);
            qmp.execute("cont");
            QmpEvent resume = runState.next(WAIT);
            assertEquals("RESUME", resume.name());
            assertEquals("running", qmp.execute("query-status").path("status").asText());
            qmp.execute("stop");
            QmpEvent stop = runState.next(WAIT);
            assertEquals("STOP", stop.name());
            assertNotNull(resume.timestamp());
            assertTrue(resume.timestamp().isAfter(before), resume.toString());
            assertFalse(stop.timestamp().isBefore(resume.timestamp()));
            assertTrue(stop.timestamp().isBefore(Instant.now().plusSeconds(5)));
        }
        // The built-in subscription saw them too, in order.
        List<String> names = new ArrayList<>();
        qmp.events().drain().forEach(e -> names.add(e.name()));
        assertEquals(List.of("RESUME", "STOP"), names);
    }

    @Test
    void thousandsOfCommandsFromSeveralThreadsAreAllMatched() throws Exception {
        int threads = 8;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        ok += checkOne(seed + i) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (Future<Integer> f : results) {
                total += f.get(5, TimeUnit.MINUTES);
            }
            assertEquals(threads * perThread, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void pipelinedAsyncCommandsAreAllMatched() throws Exception {
        int n = 5000;
        List<CompletableFuture<Boolean>> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = i % 3;
            calls.add(qmp.executeAsync(command(kind), null).thenApply(r -> shapeMatches(kind, r)));
        }
        for (CompletableFuture<Boolean> c : calls) {
            assertTrue(c.get(5, TimeUnit.MINUTES));
        }
    }

    @Test
    void sigkillWithCallsInFlightFailsEveryCallPromptly() throws Exception {
        signal("STOP", qemu.pid()); // QEMU stops reading, so the calls below stay in flight
        try {
            List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                calls.add(qmp.executeAsync("query-status", null, Duration.ofMinutes(5)));
            }
            CompletableFuture<JsonNode> blocking = CompletableFuture.supplyAsync(
                    () -> qmp.execute("query-status", null, Duration.ofMinutes(5)));
            qemu.kill();
            qemu.process().onExit().get(30, TimeUnit.SECONDS);
            CompletableFuture<?> all = CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
                    .handle((r, e) -> null);
            all.get(1, TimeUnit.SECONDS); // "within a second": none may wait for its 5-minute deadline
            for (CompletableFuture<JsonNode> c : calls) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> c.get(1, TimeUnit.SECONDS));
                assertInstanceOf(QmpConnectionException.class, e.getCause());
            }
            ExecutionException e = assertThrows(ExecutionException.class, () -> blocking.get(1, TimeUnit.SECONDS));
            assertInstanceOf(QmpConnectionException.class, e.getCause());
            assertThrows(QmpConnectionException.class, () -> qmp.execute("query-status"));
        } finally {
            qemu.kill();
        }
    }

    // ---- the request value, predicates, the end of a session ----

    @Test
    void aRequestsOwnTimeoutOnAStoppedQemuLeavesNothingPending() throws Exception {
        QmpRequest status = QmpRequest.of("query-status").timeout(Duration.ofMillis(300));
        signal("STOP", qemu.pid());
        try {
            QmpTimeoutException sync = assertThrows(QmpTimeoutException.class, () -> qmp.execute(status));
            assertEquals(Duration.ofMillis(300), sync.timeout());
            ExecutionException async = assertThrows(ExecutionException.class,
                    () -> qmp.executeAsync(status).get(30, TimeUnit.SECONDS));
            assertEquals(Duration.ofMillis(300), assertInstanceOf(QmpTimeoutException.class, async.getCause()).timeout());
            // Out of band has a deadline too (it had none before QmpRequest).
            QmpTimeoutException oob = assertThrows(QmpTimeoutException.class,
                    () -> qmp.execute(QmpRequest.of("query-yank").oob().timeout(Duration.ofMillis(300))));
            assertEquals(Duration.ofMillis(300), oob.timeout());
            assertEquals(0, TestAccess.pendingCalls(qmp), "timed-out calls are forgotten");
        } finally {
            signal("CONT", qemu.pid());
        }
        // QEMU now answers the three abandoned calls; the replies are dropped and nothing is left behind.
        assertEquals("prelaunch", qmp.execute(QmpRequest.of("query-status")).path("status").asText());
        assertTrue(qmp.execute(QmpRequest.of("query-yank").oob()).isArray());
        assertEquals(0, TestAccess.pendingCalls(qmp));
    }

    @Test
    void anOutOfBandRequestRunsAndAnInBandOnlyCommandIsRefusedByQemu() throws Exception {
        assertTrue(qmp.execute(QmpRequest.of("query-yank").oob()).isArray());
        assertTrue(qmp.executeAsync(QmpRequest.of("query-yank").oob().timeout(Duration.ofSeconds(30)))
                .get(30, TimeUnit.SECONDS).isArray());
        QmpCommandException e = assertThrows(QmpCommandException.class,
                () -> qmp.execute(QmpRequest.of("query-status").oob()));
        assertTrue(e.description().contains("OOB"), e.description());
    }

    @Test
    void predicateSubscriptionsSelectOnNameAndOnData() {
        // system_reset from QMP: RESET with data {"guest": false, ...} on both generations.
        try (EventSubscription byName = qmp.subscribe(e -> e.name().equals("RESET"));
                EventSubscription hostReset = qmp.subscribe(e -> e.name().equals("RESET")
                        && !e.data().path("guest").asBoolean(true));
                EventSubscription guestReset = qmp.subscribe(e -> e.data().path("guest").asBoolean(false))) {
            qmp.execute("system_reset");
            assertEquals("RESET", byName.next(WAIT).name());
            QmpEvent reset = hostReset.next(WAIT);
            assertFalse(reset.data().path("guest").asBoolean(true), reset.data().toString());
            qmp.execute("query-status"); // by its reply, any event before it has been delivered
            assertEquals(0, guestReset.size(), "the data predicate rejected the host's reset");
            assertEquals(0, byName.size() + hostReset.size());
        }
    }

    @Test
    void whenClosedCompletesNormallyAfterClose() throws Exception {
        qmp.close(); // one client at a time: connect our own
        QmpClient second = QmpClient.builder().address(qemu.address()).connectTimeout(Duration.ofSeconds(30))
                .name("second").connect();
        CompletableFuture<Void> closed = second.whenClosed();
        assertFalse(closed.isDone());
        second.close();
        assertNull(closed.get(30, TimeUnit.SECONDS));
    }

    @Test
    void whenClosedFailsWithAConnectionExceptionWhenQemuIsKilled() throws Exception {
        CompletableFuture<Void> closed = qmp.whenClosed();
        qemu.kill();
        ExecutionException e = assertThrows(ExecutionException.class, () -> closed.get(30, TimeUnit.SECONDS));
        assertInstanceOf(QmpConnectionException.class, e.getCause());
        assertFalse(qmp.isOpen());
        assertEquals(e.getCause().getMessage(), qmp.closeCause().getMessage());
    }

    // ---- faults and load (docs/RELIABILITY.md quotes the "RELIABILITY |" lines these print) ----

    @Test
    void sigstopMakesCallsTimeOutAndSigcontRecoversTheSession() throws Exception {
        signal("STOP", qemu.pid());
        long t0 = System.nanoTime();
        try {
            QmpTimeoutException t = assertThrows(QmpTimeoutException.class,
                    () -> qmp.execute("query-status", null, Duration.ofMillis(300)));
            assertEquals(QmpTimeoutException.Phase.COMMAND, t.phase());
            CompletableFuture<JsonNode> async = qmp.executeAsync("query-status", null, Duration.ofMillis(300));
            ExecutionException e = assertThrows(ExecutionException.class, () -> async.get(30, TimeUnit.SECONDS));
            assertInstanceOf(QmpTimeoutException.class, e.getCause());
            report("SIGSTOP: a 300 ms call and a 300 ms async call time out",
                    Math.round((System.nanoTime() - t0) / 1e6) + " ms for both, one after the other");
            assertTrue(qmp.isOpen(), "a timeout does not end the session");
        } finally {
            signal("CONT", qemu.pid());
        }
        // The stopped QEMU still answers the abandoned calls after SIGCONT; their replies are dropped by id.
        for (int i = 0; i < 20; i++) {
            assertTrue(checkOne(i));
        }
    }

    @Test
    void aSecondClientOnTheBusySocketGetsAClearTimeoutAndTheFirstIsUnharmed() {
        long t0 = System.nanoTime();
        QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> QmpClient.builder()
                .address(qemu.address()).connectTimeout(Duration.ofSeconds(1)).connect());
        assertEquals(QmpTimeoutException.Phase.GREETING, t.phase());
        assertTrue(t.getMessage().contains("another client"), t.getMessage());
        report("second client on a busy QMP socket", "QmpTimeoutException(GREETING) after "
                + Math.round((System.nanoTime() - t0) / 1e6) + " ms (connect timeout 1 s)");
        assertTrue(checkOne(0));
    }

    @Test
    void aDeletedSocketKeepsTheSessionAndNewConnectsFailClearly() throws Exception {
        Path sock = Path.of(qemu.address().replaceFirst("^unix:", ""));
        Files.delete(sock);
        assertTrue(checkOne(1), "the open connection does not depend on the file");
        long t0 = System.nanoTime();
        QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> QmpClient.connect(sock.toString()));
        assertTrue(e.getMessage().contains(sock.toString()), e.getMessage());
        report("socket file deleted", "open session unaffected; new connect fails with QmpConnectionException in "
                + Math.round((System.nanoTime() - t0) / 1e6) + " ms: " + e.getMessage());
    }

    @Test
    void aSocketWithNoListenerIsARefusedConnection() throws Exception {
        Path dir = Files.createTempDirectory("qmp4j-dead-");
        Path sock = dir.resolve("dead.sock");
        try {
            // A socket file whose server is gone, as a crashed QEMU leaves it.
            try (java.nio.channels.ServerSocketChannel s = java.nio.channels.ServerSocketChannel.open(
                    java.net.StandardProtocolFamily.UNIX)) {
                s.bind(java.net.UnixDomainSocketAddress.of(sock));
            }
            long t0 = System.nanoTime();
            QmpConnectionException e = assertThrows(QmpConnectionException.class, () -> QmpClient.connect(sock.toString()));
            assertTrue(e.getMessage().contains(sock.toString()) && e.getMessage().toLowerCase().contains("refused"),
                    e.getMessage());
            report("socket file with no listener", "QmpConnectionException in "
                    + Math.round((System.nanoTime() - t0) / 1e6) + " ms: " + e.getMessage());
        } finally {
            Files.deleteIfExists(sock);
            Files.delete(dir);
        }
    }

    @Test
    void soakManyCallersAndListenersOnOneConnectionLeaveNothingBehind() throws Exception {
        var threadsBean = java.lang.management.ManagementFactory.getThreadMXBean();
        var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        qmp.close(); // one client at a time: the soak uses its own connection
        System.gc();
        int threadsBefore = threadsBean.getThreadCount();
        long heapBefore = memory.getHeapMemoryUsage().getUsed();
        long calls = 0;
        int events = 0;
        try (QmpClient c = QmpClient.builder().address(qemu.address()).connect();
                EventSubscription a = c.subscribe("STOP", "RESUME");
                EventSubscription b = c.subscribe()) {
            qmp = c;
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                long end = System.nanoTime() + Duration.ofSeconds(4).toNanos(); // bounded: a soak, not a benchmark
                List<Future<Long>> workers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    workers.add(pool.submit(() -> {
                        long ok = 0;
                        for (int i = seed; System.nanoTime() < end; i++) {
                            assertTrue(checkOne(i));
                            int kind = (i + 1) % 3;
                            assertTrue(shapeMatches(kind, qmp.executeAsync(command(kind), null).get(30, TimeUnit.SECONDS)));
                            ok += 2;
                        }
                        return ok;
                    }));
                }
                Future<Integer> toggler = pool.submit(() -> {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        c.execute("cont"); // from -S's prelaunch: RESUME, then STOP, each time
                        c.execute("stop");
                        n += 2;
                    }
                    return n;
                });
                for (Future<Long> w : workers) {
                    calls += w.get(2, TimeUnit.MINUTES);
                }
                int toggles = toggler.get(2, TimeUnit.MINUTES);
                calls += toggles;
                for (int i = 0; i < toggles; i++) {
                    assertNotNull(a.next(WAIT));
                }
                events = toggles;
                assertEquals(0, a.dropped());
                assertTrue(b.size() + b.dropped() >= toggles, "the all-events subscription saw them too");
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
            }
        }
        // Give the session's reader a moment to end, then compare.
        for (int i = 0; i < 50 && threadsBean.getThreadCount() > threadsBefore; i++) {
            Thread.sleep(100);
        }
        System.gc();
        int threadsAfter = threadsBean.getThreadCount();
        long heapAfter = memory.getHeapMemoryUsage().getUsed();
        report("soak: 4 callers (sync + async) and a stop/cont toggler, 2 subscriptions, 4 s",
                calls + " calls all matched, " + events + " events each, threads " + threadsBefore + " -> " + threadsAfter
                        + ", heap after GC " + (heapBefore >> 20) + " -> " + (heapAfter >> 20) + " MiB");
        assertTrue(threadsAfter <= threadsBefore + 2, "threads left behind: " + threadsBefore + " -> " + threadsAfter);
        assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MiB");
    }

    /** One line per case for docs/RELIABILITY.md. */
    private void report(String what, String figures) {
        System.out.println("RELIABILITY | " + generation() + " | " + what + " | " + figures);
    }

    @Test
    void serverModeAcceptsQemuConnectingToUs() throws Exception {
        Path dir = Files.createTempDirectory(generation().root().resolve("tmp"), "qmp4j-listen-");
        Path sock = dir.resolve("client.sock");
        Process other = null;
        try (QmpListener listener = QmpClient.builder().address(sock.toString()).listen()) {
            // A second QEMU started with "-qmp unix:PATH" (no server=on) connects out to our listener.
            other = new ProcessBuilder(generation().command("-machine", "none", "-S", "-nodefaults", "-display", "none",
                    "-qmp", "unix:" + generation().seenByQemu(sock))).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.txt").toFile()).start();
            try (QmpClient back = listener.accept()) {
                assertEquals(qmp.greeting().version(), back.greeting().version());
                assertEquals("prelaunch", back.execute("query-status").path("status").asText());
                back.execute("quit");
            } catch (RuntimeException e) {
                throw new AssertionError(e.getMessage() + "; QEMU said: " + Files.readString(dir.resolve("out.txt")), e);
            }
            assertTrue(other.waitFor(30, TimeUnit.SECONDS));
        } finally {
            if (other != null) {
                other.destroyForcibly();
            }
            try (var files = Files.list(dir)) {
                files.forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void closeSendsQuitAndQemuExits() throws Exception {
        Process p = qemu.process();
        qemu.close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "quit makes QEMU exit normally");
        assertFalse(Files.exists(qemu.directory()));
        assertFalse(qmp.isOpen());
    }

    private boolean checkOne(int i) {
        int kind = i % 3;
        return shapeMatches(kind, qmp.execute(command(kind)));
    }

    private static String command(int kind) {
        return switch (kind) {
            case 0 -> "query-status";
            case 1 -> "query-version";
            default -> "query-name";
        };
    }

    /** Each command's reply has its own shape, so a reply routed to the wrong caller is caught. */
    private static boolean shapeMatches(int kind, JsonNode r) {
        return switch (kind) {
            case 0 -> r.has("status") && !r.has("qemu");
            case 1 -> r.has("qemu") && !r.has("status");
            default -> "qmp4j-test".equals(r.path("name").asText());
        };
    }

    static void signal(String sig, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }
}
