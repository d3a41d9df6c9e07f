package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.Response;

/** FakeQmpServer replaying hand-written qmp-mux logs and qmp-shell transcripts, read back with plain sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // a raw client blocks on reads: a missing reply ends here
class ReplayTest {
    private static final String GREETING = "{\"time\":\"2025-01-01T10:00:00Z\",\"greeting\":{\"QMP\":{\"version\":"
            + "{\"qemu\":{\"micro\":1,\"minor\":2,\"major\":8},\"package\":\"recorded\"},\"capabilities\":[\"oob\"]}}}";

    @TempDir
    Path tmp;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private FakeQmpServer replaying(String... lines) throws Exception {
        Path file = tmp.resolve("recording.log");
        Files.write(file, List.of(lines));
        FakeQmpServer s = FakeQmpServer.replaying(file);
        toClose.add(s);
        return s;
    }

    private RawQmp raw(FakeQmpServer server) throws Exception {
        RawQmp c = new RawQmp(Path.of(server.address().substring("unix:".length())));
        toClose.add(c);
        return c;
    }

    private static String exchange(String time, double ms, String command, String reply) {
        return "{\"time\":\"" + time + "\",\"client\":\"client 1 (unix:/run/mux.sock)\",\"command\":" + command
                + ",\"reply\":" + reply + ",\"ms\":" + ms + "}";
    }

    /** An event line: QEMU emitted it at {@code emitted}, the mux logged it at {@code logged}. */
    private static String event(String emitted, String logged, String name, String data) {
        Instant t = Instant.parse(emitted);
        return "{\"time\":\"" + logged + "\",\"event\":{\"timestamp\":{\"seconds\":" + t.getEpochSecond()
                + ",\"microseconds\":" + t.getNano() / 1000 + "},\"event\":\"" + name + "\""
                + (data == null ? "" : ",\"data\":" + data) + "}}";
    }

    @Test
    void theRecordedGreetingIsSentAndItsCapabilitiesNegotiated() throws Exception {
        FakeQmpServer server = replaying(GREETING);
        try (QmpClient c = QmpClient.connect(server.address())) {
            assertEquals("8.2.1 (recorded)", c.greeting().version().toString());
            assertEquals(List.of("oob"), c.greeting().capabilities());
            assertTrue(c.oobEnabled(), "oob, offered by the recorded greeting, was negotiated");
        }
    }

    @Test
    void aCommandNothingRecordedMatchesGetsAnErrorNamingIt() throws Exception {
        FakeQmpServer server = replaying(GREETING,
                exchange("2025-01-01T10:00:01Z", 0.5, "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine\","
                        + "\"property\":\"type\"},\"id\":1}", "{\"return\":\"pc-i440fx-7.2-machine\"}"));
        try (QmpClient c = QmpClient.connect(server.address())) {
            QmpCommandException other = assertThrows(QmpCommandException.class,
                    () -> c.execute("qom-get", new TreeMap<>(Map.of("path", "/machine", "property", "nope"))));
            assertEquals("GenericError", other.errorClass());
            assertEquals("replay: no recorded reply for qom-get {\"path\":\"/machine\",\"property\":\"nope\"}",
                    other.description());
            QmpCommandException unknown = assertThrows(QmpCommandException.class, () -> c.execute("query-name"));
            assertEquals("replay: no recorded reply for query-name {}", unknown.description());
            assertEquals("pc-i440fx-7.2-machine",
                    c.execute("qom-get", Map.of("property", "type", "path", "/machine")).asText(),
                    "member order and the recorded id do not matter");
        }
    }

    @Test
    void theClientsOwnIdIsPutOnTheRecordedReply() throws Exception {
        List<String> ids = List.of("1", "\"x\"", "{\"a\":[1,2]}", "[3]", "1.5", "true", "null", "-7");
        List<String> lines = new ArrayList<>(List.of(GREETING));
        for (int i = 0; i <= ids.size(); i++) {
            lines.add(exchange("2025-01-01T10:00:01Z", 0.1, "{\"execute\":\"query-name\",\"id\":99}",
                    "{\"return\":{\"name\":\"vm" + i + "\"},\"id\":99}"));
        }
        RawQmp c = raw(replaying(lines.toArray(String[]::new))).negotiate();
        for (int i = 0; i < ids.size(); i++) {
            c.send("{\"execute\":\"query-name\",\"id\":" + ids.get(i) + "}");
            JsonNode r = c.reply();
            assertEquals(RawQmp.JSON.readTree(ids.get(i)), r.get("id"), r.toString());
            assertEquals("vm" + i, r.path("return").path("name").asText(), "recorded replies in order");
        }
        JsonNode none = c.call("query-name", null);
        assertFalse(none.has("id"), none.toString());
        assertEquals("vm" + ids.size(), none.path("return").path("name").asText());
    }

    @Test
    void eventsComeWhereTheyWereRecorded() throws Exception {
        RawQmp c = raw(replaying(GREETING,
                event("2025-01-01T10:00:00.500Z", "2025-01-01T10:00:00.501Z", "BEFORE_ANY", null),
                exchange("2025-01-01T10:00:01Z", 1, "{\"execute\":\"query-status\"}", "{\"return\":{\"status\":"
                        + "\"running\"}}"),
                // emitted after stop was sent (10:00:01.999) and logged before its reply: QEMU sent it first
                event("2025-01-01T10:00:02.0001Z", "2025-01-01T10:00:02.0005Z", "STOP", null),
                exchange("2025-01-01T10:00:02.001Z", 2, "{\"execute\":\"stop\"}", "{\"return\":{}}"),
                event("2025-01-01T10:00:02.5Z", "2025-01-01T10:00:02.501Z", "AFTER_STOP", "{\"n\":1}"),
                // emitted before cont was sent (10:00:02.9995) but logged after: the client had it already
                event("2025-01-01T10:00:02.999Z", "2025-01-01T10:00:02.9998Z", "AFTER_STOP", "{\"n\":2}"),
                exchange("2025-01-01T10:00:03Z", 0.5, "{\"execute\":\"cont\"}", "{\"return\":{}}"),
                event("2025-01-01T10:00:03.1Z", "2025-01-01T10:00:03.1001Z", "RESUME", null)));
        c.read();
        c.send("{\"execute\":\"qmp_capabilities\"}");
        assertTrue(c.read().has("return"));
        assertEquals("BEFORE_ANY", c.read().path("event").asText(), "after negotiation");
        c.send("{\"execute\":\"query-status\"}");
        assertEquals("running", c.read().path("return").path("status").asText());
        c.send("{\"execute\":\"stop\",\"id\":\"s\"}");
        assertEquals("STOP", c.read().path("event").asText(), "before the reply");
        assertEquals("s", c.read().path("id").asText());
        JsonNode after = c.read();
        assertEquals("AFTER_STOP", after.path("event").asText(), "after the reply");
        assertEquals(1, after.path("data").path("n").asInt());
        assertEquals(Instant.parse("2025-01-01T10:00:02.5Z").getEpochSecond(),
                after.path("timestamp").path("seconds").asLong(), "the recorded timestamp");
        assertEquals(500_000, after.path("timestamp").path("microseconds").asLong());
        assertEquals(2, c.read().path("data").path("n").asInt());
        c.send("{\"execute\":\"cont\"}");
        assertTrue(c.read().has("return"));
        assertEquals("RESUME", c.read().path("event").asText());
        c.send("{\"execute\":\"stop\",\"id\":2}");
        assertEquals(2, c.read().path("id").asInt(), "a used exchange answers again, without its events");
        c.send("{\"execute\":\"query-status\",\"id\":3}");
        assertEquals(3, c.read().path("id").asInt(), "nothing else was sent in between");
    }

    @Test
    void anEventLoggedAfterLaterExchangesStillComesWithTheCommandItAnswered() throws Exception {
        RawQmp c = raw(replaying(GREETING,
                exchange("2025-01-01T10:00:02Z", 1, "{\"execute\":\"stop\"}", "{\"return\":{}}"),
                exchange("2025-01-01T10:00:02.003Z", 1, "{\"execute\":\"query-status\"}",
                        "{\"return\":{\"status\":\"paused\"}}"),
                // emitted while stop (sent at 10:00:01.999) was running; its log line lost the race
                event("2025-01-01T10:00:01.9995Z", "2025-01-01T10:00:02.004Z", "STOP", null),
                "{\"time\":\"2025-01-01T10:00:02.005Z\",\"event\":{\"timestamp\":{\"seconds\":-1,"
                        + "\"microseconds\":-1},\"event\":\"NO_CLOCK\"}}")).negotiate();
        c.send("{\"execute\":\"stop\"}");
        assertEquals("STOP", c.read().path("event").asText(), "before the reply, as QEMU sent it");
        assertTrue(c.read().has("return"));
        c.send("{\"execute\":\"query-status\"}");
        assertEquals("paused", c.read().path("return").path("status").asText());
        assertEquals("NO_CLOCK", c.read().path("event").asText(), "no timestamp: where it was logged");
    }

    @Test
    void aRedactedRecordedValueMatchesAnyValue() throws Exception {
        FakeQmpServer server = replaying(GREETING, exchange("2025-01-01T10:00:01Z", 0.3,
                "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"secret\",\"id\":\"s0\",\"data\":"
                        + "\"<redacted>\"}}", "{\"return\":{}}"));
        try (QmpClient c = QmpClient.connect(server.address())) {
            assertEquals(0, c.execute("object-add", Map.of("qom-type", "secret", "id", "s0", "data", "hunter2"))
                    .size());
            assertThrows(QmpCommandException.class,
                    () -> c.execute("object-add", Map.of("qom-type", "secret", "id", "s1", "data", "hunter2")),
                    "the other members still have to match");
        }
    }

    @Test
    void rulesComeBeforeTheRecording() throws Exception {
        FakeQmpServer server = replaying(GREETING, exchange("2025-01-01T10:00:01Z", 0.1,
                "{\"execute\":\"query-name\"}", "{\"return\":{\"name\":\"recorded\"}}"));
        server.once("query-name", Response.returns(Map.of("name", "overridden")));
        try (QmpClient c = QmpClient.connect(server.address())) {
            assertEquals("overridden", c.execute("query-name").path("name").asText());
            assertEquals("recorded", c.execute("query-name").path("name").asText());
        }
    }

    @Test
    void aMalformedLineIsReportedWithItsFileAndLine() throws Exception {
        Path file = tmp.resolve("broken.log");
        List<List<String>> cases = List.of(
                List.of(GREETING, "", "{\"time\":\"2025-01-01T10:00:01Z\",\"command\":{\"execute\":\"stop\"}"),
                List.of(GREETING, "", "[1, 2]"),
                List.of(GREETING, "", "{\"time\":\"2025-01-01T10:00:01Z\",\"command\":{\"execute\":\"stop\"}}"),
                List.of(GREETING, "", "{\"time\":\"yesterday\",\"event\":{\"event\":\"STOP\"}}"),
                List.of(GREETING, "", "{\"time\":\"2025-01-01T10:00:01Z\",\"event\":{\"data\":{}}}"),
                List.of(GREETING, "", "{\"something\":\"else\"}"));
        for (List<String> lines : cases) {
            Files.write(file, lines);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FakeQmpServer.replaying(file));
            assertTrue(e.getMessage().startsWith(file + ":3: "), e.getMessage());
        }
    }

    @Test
    void aQmpShellTranscriptReplays() throws Exception {
        // As qmp-shell -l writes it: the request's members and the reply's in one object per line, no ids.
        FakeQmpServer server = replaying(
                "{\"execute\":\"query-status\",\"return\":{\"running\":true,\"status\":\"running\"}}",
                "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine\",\"property\":\"nope\"},"
                        + "\"error\":{\"class\":\"GenericError\",\"desc\":\"Property 'pc-i440fx-7.2-machine.nope' not "
                        + "found\"}}",
                "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"<redacted>\",\"cpu-index\":0},"
                        + "\"return\":\"\"}");
        try (QmpClient c = QmpClient.connect(server.address())) {
            assertEquals("qmp4j-testkit", c.greeting().version().packageName(), "no greeting recorded: the default");
            assertTrue(c.execute("query-status").path("running").asBoolean());
            QmpCommandException e = assertThrows(QmpCommandException.class,
                    () -> c.execute("qom-get", Map.of("path", "/machine", "property", "nope")));
            assertEquals("Property 'pc-i440fx-7.2-machine.nope' not found", e.description());
            assertEquals("", c.execute("human-monitor-command",
                    Map.of("command-line", "set_password vnc x", "cpu-index", 0)).asText());
        }
    }
}
