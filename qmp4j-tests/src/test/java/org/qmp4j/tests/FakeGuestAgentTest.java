package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpProtocolException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.qga.GuestAgentClient;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.RecordedCommand;
import org.qmp4j.testkit.Response;

/** The guest-agent sync rules against a scripted agent: what a real one will not do on demand. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeGuestAgentTest {
    private FakeQmpServer agent;

    @BeforeEach
    void start() {
        // An agent: no greeting, no negotiation, replies without ids.
        agent = FakeQmpServer.builder().greeting("").requireNegotiation(false).start();
        agent.on("guest-sync-delimited", c -> Response.bytes(delimited(c.arguments().path("id").asLong())));
        agent.on("guest-ping", Response.ok());
    }

    @AfterEach
    void stop() {
        agent.close();
    }

    private static byte[] delimited(long id, String... before) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String b : before) {
            out.writeBytes(b.getBytes(StandardCharsets.UTF_8));
        }
        out.write(0xFF);
        out.writeBytes(("{\"return\": " + id + "}\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private GuestAgentClient connect() {
        return GuestAgentClient.builder().address(agent.address()).connectTimeout(Duration.ofSeconds(5))
                .commandTimeout(Duration.ofMillis(500)).connect();
    }

    @Test
    void staleOutputBeforeTheSyncReplyIsDiscarded() {
        // A previous client's reply, garbage, and half a message wait in the channel before the sync reply.
        agent.on("guest-sync-delimited", c -> Response.bytes(delimited(c.arguments().path("id").asLong(),
                "{\"return\": {\"stale\": true}}\r\n", "garbage that is not JSON\r\n", "{\"ret")));
        agent.on("guest-get-host-name", Response.returns(Map.of("host-name", "fresh")));
        try (GuestAgentClient ga = connect()) {
            assertEquals("fresh", ga.execute("guest-get-host-name").path("host-name").asText());
        }
    }

    @Test
    void aReplyForAnOldSyncIdIsIgnored() {
        // An earlier client's delimited sync reply (its own 0xFF and id) arrives first.
        agent.on("guest-sync-delimited", c -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(delimited(12345));
            out.writeBytes(delimited(c.arguments().path("id").asLong()));
            return Response.bytes(out.toByteArray());
        });
        agent.on("guest-info", Response.returns(Map.of("version", "9.9")));
        try (GuestAgentClient ga = connect()) {
            assertEquals("9.9", ga.info().path("version").asText());
        }
    }

    @Test
    void aSyncReplyWithAnOldIdAloneDoesNotCompleteTheSync() {
        // The old id comes at once, in a read of its own; the right one only 300 ms later.
        agent.on("guest-sync-delimited", c -> {
            long id = c.arguments().path("id").asLong();
            CompletableFuture.runAsync(() -> agent.sendRaw("{\"return\": " + id + "}\r\n"),
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
            return Response.bytes(delimited(id + 1));
        });
        // Slower than the right id's reply: a client that took the old id would get that reply for guest-info.
        agent.on("guest-info", Response.delay(Duration.ofMillis(600), Response.returns(Map.of("version", "9.9"))));
        try (GuestAgentClient ga = connect()) {
            // Had the sync taken the old id, the right id's reply would now answer guest-info.
            assertEquals("9.9", ga.execute("guest-info", null, Duration.ofSeconds(10)).path("version").asText());
        }
    }

    @Test
    void theFirstByteOnTheWireIsTheResyncByte() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("qmp4j-raw-agent-");
        java.nio.file.Path sock = dir.resolve("qga.sock");
        try (var server = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            server.bind(java.net.UnixDomainSocketAddress.of(sock));
            CompletableFuture<byte[]> firstBytes = CompletableFuture.supplyAsync(() -> {
                try (var peer = server.accept()) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
                    while (b.hasRemaining() && peer.read(b) > 0) {
                        // an agent that reads and never answers, until the client gives up and closes
                    }
                    return java.util.Arrays.copyOf(b.array(), b.position());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThrows(QmpTimeoutException.class, () -> GuestAgentClient.builder().address(sock.toString())
                    .connectTimeout(Duration.ofMillis(500)).connect());
            byte[] wire = firstBytes.get(10, TimeUnit.SECONDS);
            assertEquals((byte) 0xFF, wire[0], "0xFF first: the agent drops whatever half message it holds");
            assertTrue(new String(wire, 1, wire.length - 1, StandardCharsets.UTF_8).startsWith(
                    "{\"execute\":\"guest-sync-delimited\""), new String(wire, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(sock);
            java.nio.file.Files.delete(dir);
        }
    }

    @Test
    void anAgentThatAnswersNothingTimesOutAndTheNextCallResyncs() throws InterruptedException {
        AtomicInteger syncs = new AtomicInteger();
        agent.on("guest-sync-delimited", c -> {
            syncs.incrementAndGet();
            return Response.bytes(delimited(c.arguments().path("id").asLong()));
        });
        // The first get-time answers late (after its 500 ms deadline, while the next call waits).
        agent.once("guest-get-time", Response.delay(Duration.ofMillis(1500), Response.returns(111)));
        agent.on("guest-get-time", Response.returns(222));
        try (GuestAgentClient ga = connect()) {
            long t0 = System.nanoTime();
            QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> ga.execute("guest-get-time"));
            assertEquals(QmpTimeoutException.Phase.COMMAND, t.phase());
            assertEquals(222, ga.execute("guest-get-time", null, Duration.ofSeconds(10)).asInt());
            assertEquals(2, syncs.get(), "one sync at connect, one after the timeout");
            // Let the late 111 arrive while nobody waits (a sequencing pause, not a measurement).
            Thread.sleep(Math.max(0, Duration.ofMillis(2000).toMillis() - (System.nanoTime() - t0) / 1_000_000));
            assertEquals(222, ga.execute("guest-get-time").asInt(), "the late reply (111) never reaches a caller");
            assertEquals(3, syncs.get(), "output nobody asked for makes the next call resync first");
        }
    }

    @Test
    void anAgentClientOnAQmpSocketSaysSoAtOnce() {
        try (FakeQmpServer qmp = FakeQmpServer.start()) {
            long t0 = System.nanoTime();
            QmpProtocolException e = assertThrows(QmpProtocolException.class, () -> GuestAgentClient.builder()
                    .address(qmp.address()).connectTimeout(Duration.ofSeconds(30)).waitForAgent(Duration.ofSeconds(30))
                    .connect());
            assertTrue(e.getMessage().contains("speaks QMP"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos(), "no waiting for a sync that cannot come");
        }
    }

    @Test
    void changingTheBuilderAfterConnectDoesNotChangeTheClient() {
        agent.on("guest-get-time", Response.delay(Duration.ofMillis(800), Response.returns(1)));
        GuestAgentClient.Builder b = GuestAgentClient.builder().address(agent.address())
                .commandTimeout(Duration.ofMillis(200));
        try (GuestAgentClient ga = b.connect()) {
            b.commandTimeout(Duration.ofSeconds(30)).timeout("guest-get-time", Duration.ofSeconds(30));
            QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> ga.execute("guest-get-time"));
            assertEquals(Duration.ofMillis(200), t.timeout());
        }
    }

    @Test
    void whenClosedFailsOnALostChannelAndCompletesOnClose() throws Exception {
        agent.on("guest-get-osinfo", Response.disconnectMidReply());
        try (GuestAgentClient ga = connect()) {
            CompletableFuture<Void> lost = ga.whenClosed();
            assertThrows(QmpConnectionException.class, () -> ga.execute("guest-get-osinfo"));
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> lost.get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof QmpConnectionException, e.toString());
            assertTrue(ga.closeCause() instanceof QmpConnectionException);
        }
        GuestAgentClient ga = connect();
        CompletableFuture<Void> closed = ga.whenClosed();
        ga.close();
        closed.get(10, TimeUnit.SECONDS);
    }

    @Test
    void maxMessageSizeIsValidatedLikeQmps() {
        assertThrows(IllegalArgumentException.class, () -> GuestAgentClient.builder().maxMessageSize(10));
    }

    @Test
    void anAgentThatIsNotThereTimesOutInSync() {
        agent.on("guest-sync-delimited", Response.stall());
        QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> GuestAgentClient.builder()
                .address(agent.address()).connectTimeout(Duration.ofMillis(300)).connect());
        assertEquals(QmpTimeoutException.Phase.SYNC, t.phase());
        assertTrue(t.getMessage().contains("guest-sync"), t.getMessage());
    }

    @Test
    void waitForAgentRetriesUntilItAnswers() {
        AtomicInteger attempts = new AtomicInteger();
        agent.on("guest-sync-delimited", c -> attempts.incrementAndGet() < 3 ? Response.stall()
                : Response.bytes(delimited(c.arguments().path("id").asLong())));
        try (GuestAgentClient ga = GuestAgentClient.builder().address(agent.address())
                .connectTimeout(Duration.ofMillis(300)).waitForAgent(Duration.ofSeconds(20)).connect()) {
            ga.ping();
        }
        assertTrue(attempts.get() >= 3);
        assertEquals(1, agent.connectionCount(), "while the waits are short, the agent is asked again on the same connection");
    }

    @Test
    void waitForAgentTriesAFreshConnectionOnceTheWaitsGetLong() {
        // A guest that missed the host's port-open (virtio-serial) answers only on a new connection.
        agent.on("guest-sync-delimited", c -> agent.connectionCount() < 2 ? Response.stall()
                : Response.bytes(delimited(c.arguments().path("id").asLong())));
        try (GuestAgentClient ga = GuestAgentClient.builder().address(agent.address())
                .connectTimeout(Duration.ofMillis(300)).waitForAgent(Duration.ofSeconds(20)).connect()) {
            ga.ping();
        }
        assertEquals(2, agent.connectionCount());
    }

    @Test
    void waitForAgentReconnectsWhenTheChannelIsLostWhileWaiting() {
        AtomicInteger attempts = new AtomicInteger();
        agent.on("guest-sync-delimited", c -> switch (attempts.incrementAndGet()) {
            case 1 -> Response.disconnectMidReply();
            case 2 -> Response.stall();
            default -> Response.bytes(delimited(c.arguments().path("id").asLong()));
        });
        try (GuestAgentClient ga = GuestAgentClient.builder().address(agent.address())
                .connectTimeout(Duration.ofMillis(300)).waitForAgent(Duration.ofSeconds(20)).connect()) {
            ga.ping();
        }
        assertEquals(2, agent.connectionCount());
    }

    @Test
    void waitForAgentEndsAtItsBoundWithTheLastReason() {
        agent.on("guest-sync-delimited", Response.stall());
        QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> GuestAgentClient.builder()
                .address(agent.address()).waitForAgent(Duration.ofSeconds(1)).connect());
        assertEquals(QmpTimeoutException.Phase.CONNECT, t.phase());
        assertTrue(t.getMessage().contains("waiting for the guest agent") && t.getMessage().contains("guest-sync"),
                t.getMessage());
    }

    @Test
    void anOldAgentWithoutTheDelimitedSyncGetsPlainGuestSync() {
        agent.on("guest-sync-delimited", Response.error("CommandNotFound",
                "The command guest-sync-delimited has not been found"));
        agent.on("guest-sync", c -> Response.returns(c.arguments().path("id").asLong()));
        try (GuestAgentClient ga = connect()) {
            ga.ping();
        }
        assertTrue(agent.commands().stream().anyMatch(c -> c.name().equals("guest-sync")));
    }

    @Test
    void aChannelClosedMidReplyFailsTheCall() {
        agent.on("guest-get-osinfo", Response.disconnectMidReply());
        try (GuestAgentClient ga = connect()) {
            assertThrows(QmpConnectionException.class, () -> ga.execute("guest-get-osinfo"));
        }
    }

    @Test
    void commandsWithoutSuccessResponseAreLearnedFromGuestInfo() {
        agent.on("guest-info", Response.returns(Map.of("version", "9.9", "supported_commands", java.util.List.of(
                Map.of("name", "guest-vendor-halt", "enabled", true, "success-response", false),
                Map.of("name", "guest-ping", "enabled", true, "success-response", true)))));
        agent.on("guest-vendor-halt", Response.stall());
        try (GuestAgentClient ga = connect()) {
            assertThrows(QmpTimeoutException.class, () -> ga.execute("guest-vendor-halt"), "unknown before info()");
            ga.info();
            assertTrue(ga.execute("guest-vendor-halt").isEmpty(), "silence is success once learned");
            ga.ping();
        }
    }

    @Test
    void noReplyCommandsSucceedOnSilenceAndFailOnAnError() {
        agent.on("guest-shutdown", Response.stall());
        agent.on("guest-suspend-ram", Response.error("GenericError", "suspend not supported"));
        try (GuestAgentClient ga = connect()) {
            ga.executeExpectingNoReply("guest-shutdown", Map.of("mode", "powerdown"), Duration.ofMillis(200));
            assertThrows(org.qmp4j.QmpCommandException.class,
                    () -> ga.executeExpectingNoReply("guest-suspend-ram", null, Duration.ofSeconds(2)));
        }
        RecordedCommand first = agent.commands().get(0);
        assertEquals("guest-sync-delimited", first.name());
        assertEquals(null, first.id(), "agent requests carry no id");
    }
}
