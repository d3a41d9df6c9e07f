package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.mux.QmpMux;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.Response;

/** qmp-mux against a scripted QEMU: what a real one will not do on demand (event floods, stalls). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FakeMuxTest {
    private FakeQmpServer qemu;
    private QmpClient upstream;
    private QmpMux mux;
    private Path dir;
    private Path socket;

    @BeforeEach
    void start() throws Exception {
        qemu = FakeQmpServer.start();
        qemu.on("query-status", Response.returns(java.util.Map.of("status", "running", "running", true)));
        upstream = QmpClient.builder().address(qemu.address()).eventQueueCapacity(100_000).connect();
        dir = Files.createTempDirectory("qmp4j-fakemux-");
        socket = dir.resolve("mux.sock");
        mux = QmpMux.builder().upstream(upstream).listen(new Address.Unix(socket))
                .commandTimeout(Duration.ofSeconds(1)).start();
    }

    @AfterEach
    void stop() throws Exception {
        mux.close();
        upstream.close();
        qemu.close();
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }

    @Test
    void aClientThatStopsReadingIsDisconnectedAndTheOthersGetEveryEvent() throws Exception {
        int n = 30_000; // more than a stalled client's socket buffer and queue (4096) hold
        try (RawQmp stalled = new RawQmp(socket).negotiate(); RawQmp reader = new RawQmp(socket).negotiate()) {
            qemu.floodEvents("FLOOD", n);
            for (int i = 0; i < n; i++) { // read as fast as it can: lines counted, not parsed
                String line = reader.readLine();
                assertTrue(line != null && line.contains("\"FLOOD\""), "event " + i + ": " + line);
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (mux.clientCount() != 1 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(1, mux.clientCount(), "the client that stopped reading was disconnected");
            int got = 0;
            while (stalled.readLine() != null) { // what the socket held, then the end
                got++;
            }
            assertTrue(got < n, "it got " + got + " of " + n + " before it was cut off");
            assertTrue(reader.call("query-status", null).has("return"), "the reader goes on");
        }
    }

    @Test
    void aCommandQemuNeverAnswersGetsAnErrorAtTheMuxsDeadlineAndOthersGoOn() throws Exception {
        qemu.on("stall", Response.stall());
        try (RawQmp c = new RawQmp(socket).negotiate(); RawQmp other = new RawQmp(socket).negotiate()) {
            c.send("{\"execute\": \"stall\", \"id\": \"s\"}");
            assertTrue(other.call("query-status", null).has("return"), "another client is not held up");
            JsonNode r = c.reply();
            assertEquals("s", r.path("id").asText());
            assertEquals("GenericError", r.path("error").path("class").asText(), r.toString());
            assertTrue(r.path("error").path("desc").asText().startsWith("qmp-mux: "), r.toString());
        }
    }

    @Test
    void whenQemuGoesAwayEveryClientIsDisconnectedAndWhenClosedSaysWhy() throws Exception {
        try (RawQmp c = new RawQmp(socket).negotiate()) {
            qemu.disconnect();
            assertEquals(null, c.read());
            Throwable why = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.CompletionException.class,
                    () -> mux.whenClosed().join()).getCause();
            assertTrue(why.getMessage().startsWith("QEMU went away"), why.getMessage());
        }
    }
}
