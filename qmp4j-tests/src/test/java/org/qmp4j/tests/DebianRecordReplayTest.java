package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpEvent;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.mux.QmpMux;
import org.qmp4j.testkit.FakeQmpServer;

/**
 * A session recorded against Debian 12's QEMU through qmp-mux's log, then replayed by FakeQmpServer: a
 * fresh client running the same session against the replay sees the same replies, errors and events.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS) // a replay that fails to answer ends here, not in a hung fork
class DebianRecordReplayTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** What a client saw: each reply (or error class and desc), greeting version first, events last. */
    private static List<Object> session(QmpClient c) {
        List<Object> seen = new ArrayList<>();
        seen.add(c.greeting().version());
        seen.add(c.execute("query-status"));
        seen.add(c.execute("qom-list", Map.of("path", "/machine")));
        List<QmpEvent> events = new ArrayList<>();
        seen.add(c.execute("stop"));
        events.add(until("STOP", c));
        seen.add(c.execute("query-status"));
        seen.add(c.execute("cont"));
        events.add(until("RESUME", c));
        QmpCommandException missing = assertThrows(QmpCommandException.class,
                () -> c.execute("qom-get", Map.of("path", "/machine", "property", "no-such-property")));
        seen.add(missing.errorClass() + ": " + missing.description());
        seen.add(c.execute("query-status"));
        events.addAll(c.events().drain());
        seen.add(events);
        return seen;
    }

    private static QmpEvent until(String name, QmpClient c) {
        while (true) {
            QmpEvent e = c.events().next(WAIT);
            if (e.name().equals(name)) {
                return e;
            }
        }
    }

    @Test
    void aSessionRecordedThroughTheMuxReplaysTheSame(@TempDir Path tmp) throws Exception {
        Path dir = Files.createTempDirectory(QemuGeneration.DEBIAN.root().resolve("tmp"), "qmp4j-replay-");
        Path socket = dir.resolve("mux.sock");
        Path log = tmp.resolve("session.log");
        List<Object> recorded;
        try (QemuProcess qemu = QemuGeneration.DEBIAN.launcher().start()) {
            qemu.client().execute("cont"); // launched paused; running before the mux, so the log starts running
            QmpMux mux = QmpMux.builder().upstream(qemu.client()).listen(new Address.Unix(socket)).log(log).start();
            try (mux; QmpClient c = QmpClient.connect(socket.toString())) {
                recorded = session(c);
            } // closing the mux closes the log
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
        List<Object> replayed;
        try (FakeQmpServer server = FakeQmpServer.replaying(log);
             QmpClient c = QmpClient.connect(server.address())) {
            replayed = session(c);
        }
        assertEquals(recorded.size(), replayed.size());
        for (int i = 0; i < recorded.size(); i++) {
            assertEquals(recorded.get(i), replayed.get(i), "step " + i); // events with their recorded timestamps
        }
        assertTrue(recorded.get(recorded.size() - 2) instanceof JsonNode s && s.path("running").asBoolean(),
                "the session ends running: " + recorded);
        assertEquals(2, ((List<?>) recorded.get(recorded.size() - 1)).size(), "STOP and RESUME: " + recorded);
    }
}
