package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.qmp4j.QmpConnectionException;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.qga.GuestAgentClient;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.RecordedCommand;
import org.qmp4j.testkit.Response;

/** The guest-agent sync rules against a scripted agent: what a real one will not do on demand. */
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
    void anAgentThatAnswersNothingTimesOutAndTheNextCallResyncs() {
        AtomicInteger syncs = new AtomicInteger();
        agent.on("guest-sync-delimited", c -> {
            syncs.incrementAndGet();
            return Response.bytes(delimited(c.arguments().path("id").asLong()));
        });
        // The first get-time never answers in time; its late reply comes while the next call waits.
        agent.once("guest-get-time", Response.delay(Duration.ofMillis(2500), Response.returns(111)));
        agent.on("guest-get-time", Response.returns(222));
        try (GuestAgentClient ga = connect()) {
            QmpTimeoutException t = assertThrows(QmpTimeoutException.class, () -> ga.execute("guest-get-time"));
            assertEquals(QmpTimeoutException.Phase.COMMAND, t.phase());
            assertEquals(222, ga.execute("guest-get-time", null, Duration.ofSeconds(10)).asInt(),
                    "the late reply (111) never reaches a caller");
            assertEquals(2, syncs.get(), "one sync at connect, one after the timeout");
        }
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
