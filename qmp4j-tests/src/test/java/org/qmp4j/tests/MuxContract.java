package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.Address;
import org.qmp4j.QmpClient;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.mux.QmpMux;

/**
 * qmp-mux's engine on a real QEMU, with clients written as scripts write them (plain sockets, JSON lines).
 * QEMU gets a second monitor that no mux stands in front of: what QEMU itself says there is what a client
 * of the mux must hear. Subclasses pick the generation.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS) // a raw client blocks on reads: a missing reply ends here
abstract class MuxContract {
    private Path dir;
    private Path direct;
    private Path muxSocket;
    private Path readOnlySocket;
    private Path log;
    private QemuProcess qemu;
    private QmpMux mux;

    abstract QemuGeneration generation();

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory(generation().root().resolve("tmp"), "qmp4j-mux-");
        direct = dir.resolve("direct.sock");
        muxSocket = dir.resolve("mux.sock");
        readOnlySocket = dir.resolve("ro.sock");
        log = dir.resolve("mux.log");
        qemu = generation().launcher().client(QmpClient.builder().fdPassing(true)) // so clients can pass descriptors
                .addArgs("-qmp", "unix:" + generation().seenByQemu(direct) + ",server=on,wait=off").start();
        qemu.client().execute("cont"); // launched paused; running before the mux, so no client sees that RESUME
        mux = QmpMux.builder().upstream(qemu.client()).listen(new Address.Unix(muxSocket))
                .listenReadOnly(new Address.Unix(readOnlySocket)).log(log).start();
    }

    @AfterEach
    void stop() throws Exception {
        mux.close();
        qemu.close();
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
        }
        Files.deleteIfExists(dir);
    }

    /** What a script may send, well-formed or not, before and after negotiating, with ids of every JSON type. */
    private static final List<String> SCRIPT = List.of(
            "{\"execute\": \"query-status\", \"id\": 1}",
            "{\"execute\": \"qmp_capabilities\", \"id\": \"neg\"}",
            "{\"execute\": \"qmp_capabilities\", \"id\": [3]}",
            "{\"execute\": \"query-name\", \"id\": {\"a\": [1, 2]}}",
            "{\"execute\": \"query-name\", \"id\": null}",
            "{\"execute\": \"query-name\", \"id\": 1.5}",
            "{\"execute\": \"query-name\", \"id\": true}",
            "{\"execute\": \"query-name\"}",
            "{\"execute\": \"no-such-command\", \"id\": 7}",
            "{\"id\": 8}",
            "{\"execute\": \"query-name\", \"id\": 9, \"extra\": 1}",
            "{\"execute\": \"query-name\", \"arguments\": 5, \"id\": 10}",
            "{\"execute\": 5, \"id\": 11}",
            "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/machine\", \"property\": \"nope\"}, \"id\": 12}",
            "{\"execute\": \"qom-get\", \"arguments\": {\"path\": \"/machine\", \"property\": \"type\"}, \"id\": 13}",
            "{\"exec-oob\": \"query-name\", \"id\": 14}");

    private static List<JsonNode> runScript(Path socket) throws Exception {
        try (RawQmp c = new RawQmp(socket)) {
            List<JsonNode> got = new ArrayList<>();
            got.add(c.read().path("QMP").path("capabilities"));
            for (String line : SCRIPT) {
                c.send(line);
                got.add(c.reply());
            }
            return got;
        }
    }

    @Test
    void aClientHearsWhatQemuItselfWouldSay() throws Exception {
        List<JsonNode> fromQemu = runScript(direct);
        List<JsonNode> fromMux = runScript(muxSocket);
        for (int i = 0; i < fromQemu.size(); i++) {
            assertEquals(fromQemu.get(i), fromMux.get(i), (i == 0 ? "greeting" : SCRIPT.get(i - 1)));
        }
    }

    @Test
    void twentyClientsWithTheSameIdsNeverGetEachOthersReplies() throws Exception {
        // Each client asks about its own device type, so a reply that crossed over would show.
        List<String> types = List.of("e1000", "virtio-net-pci", "virtio-blk-pci", "usb-kbd", "usb-tablet", "qemu-xhci",
                "isa-serial", "virtio-rng-pci", "virtio-balloon-pci", "ide-hd", "scsi-hd", "virtio-scsi-pci",
                "pci-bridge", "i6300esb", "ich9-ahci", "usb-mouse", "virtio-serial-pci", "e1000e", "pcie-root-port",
                "virtio-gpu-pci");
        Map<String, JsonNode> expected = new ConcurrentHashMap<>();
        try (RawQmp c = new RawQmp(direct).negotiate()) {
            for (String t : types) {
                expected.put(t, c.call("device-list-properties", RawQmp.JSON.createObjectNode().put("typename", t)));
            }
        }
        assertEquals(types.size(), new HashSet<>(expected.values()).size(), "every type answers differently");
        ExecutorService pool = Executors.newFixedThreadPool(types.size());
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (String t : types) {
                runs.add(pool.submit(() -> {
                    try (RawQmp c = new RawQmp(muxSocket).negotiate()) {
                        for (int id = 0; id < 100; id++) { // all pipelined, then all read
                            c.send("{\"execute\": \"device-list-properties\", \"arguments\": {\"typename\": \"" + t
                                    + "\"}, \"id\": " + id + "}");
                        }
                        for (int id = 0; id < 100; id++) {
                            JsonNode r = c.reply();
                            assertEquals(id, r.path("id").asInt(-1), "replies in order, ids restored");
                            ObjectNode body = ((ObjectNode) r.deepCopy());
                            body.remove("id");
                            assertEquals(expected.get(t), body, t);
                        }
                        return 100;
                    }
                }));
            }
            int total = 0;
            for (Future<Integer> f : runs) {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(2000, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyClientGetsEveryEvent() throws Exception {
        try (RawQmp a = new RawQmp(muxSocket).negotiate(); RawQmp b = new RawQmp(muxSocket).negotiate();
                RawQmp ro = new RawQmp(readOnlySocket).negotiate(); RawQmp qemuItself = new RawQmp(direct).negotiate()) {
            assertTrue(a.call("stop", null).has("return"));
            assertTrue(a.call("cont", null).has("return"));
            // QEMU sends one event to all its monitors alike: the mux's clients get it exactly as QEMU's own.
            JsonNode stop = qemuItself.event();
            JsonNode resume = qemuItself.event();
            assertEquals("STOP", stop.path("event").asText());
            assertEquals("RESUME", resume.path("event").asText());
            for (RawQmp c : List.of(a, b, ro)) {
                assertEquals(stop, c.event());
                assertEquals(resume, c.event());
            }
        }
    }

    @Test
    void aReadOnlyClientMayLookButNotTouch() throws Exception {
        try (RawQmp ro = new RawQmp(readOnlySocket).negotiate()) {
            assertEquals("running", ro.call("query-status", null).path("return").path("status").asText());
            assertTrue(ro.call("qom-get", RawQmp.JSON.createObjectNode().put("path", "/machine").put("property", "type"))
                    .has("return"));
            for (String refused : List.of("stop", "qom-set", "human-monitor-command", "quit")) {
                JsonNode r = ro.call(refused, null);
                assertEquals("GenericError", r.path("error").path("class").asText(), r.toString());
                assertTrue(r.path("error").path("desc").asText().contains("read-only"), r.toString());
            }
        }
        assertTrue(qemu.client().execute("query-status").has("status"), "QEMU still runs");
    }

    @Test
    void socketsAreTheirOwnersAlone() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(muxSocket)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(readOnlySocket)));
        mux.close();
        assertFalse(Files.exists(muxSocket), "removed on close");
        assertFalse(Files.exists(readOnlySocket), "removed on close");
    }

    @Test
    void aClientThatLeavesMidCommandChangesNothingForTheOthers() throws Exception {
        try (RawQmp stays = new RawQmp(muxSocket).negotiate()) {
            RawQmp leaves = new RawQmp(muxSocket).negotiate();
            for (int i = 0; i < 50; i++) {
                leaves.send("{\"execute\": \"query-qmp-schema\", \"id\": " + i + "}");
            }
            leaves.close(); // its replies are in flight, or not even asked for yet
            for (int i = 0; i < 20; i++) {
                assertEquals("", stays.call("query-name", null).path("return").path("name").asText(""));
            }
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (mux.clientCount() != 1 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(1, mux.clientCount());
        }
    }

    @Test
    void aScriptThatShutsItsSideStillGetsEveryReply() throws Exception {
        try (RawQmp c = new RawQmp(muxSocket)) {
            c.read();
            c.send("{\"execute\": \"qmp_capabilities\"}");
            for (int i = 0; i < 10; i++) {
                c.send("{\"execute\": \"query-status\", \"id\": " + i + "}");
            }
            c.shutdownOutput(); // as `socat` or `nc -N` do after the last line
            assertTrue(c.reply().has("return"));
            for (int i = 0; i < 10; i++) {
                assertEquals(i, c.reply().path("id").asInt(-1));
            }
            assertNull(c.read(), "then the mux closes the connection");
        }
    }

    @Test
    void theLogHasEveryExchangeWithSecretsRedacted() throws Exception {
        try (RawQmp c = new RawQmp(muxSocket).negotiate()) {
            JsonNode r = c.call("object-add", RawQmp.JSON.createObjectNode().put("qom-type", "secret").put("id", "s0")
                    .put("data", "hunter2-secret-value"));
            assertTrue(r.has("return"), r.toString());
            c.call("stop", null);
            c.event();
        }
        mux.close(); // flushes and closes the log
        List<String> lines = Files.readAllLines(log);
        Set<String> kinds = new HashSet<>();
        boolean sawSecret = false;
        for (String l : lines) {
            JsonNode j = RawQmp.JSON.readTree(l);
            assertNotNull(j.get("time"), l);
            if (j.has("greeting")) {
                kinds.add("greeting");
            } else if (j.has("event")) {
                kinds.add("event");
            } else {
                kinds.add("exchange");
                assertTrue(j.has("client") && j.has("command") && j.has("reply") && j.has("ms"), l);
                if (j.path("command").path("arguments").path("qom-type").asText().equals("secret")) {
                    sawSecret = true;
                    assertEquals("<redacted>", j.path("command").path("arguments").path("data").asText(), l);
                }
            }
            assertFalse(l.contains("hunter2-secret-value"), l);
        }
        assertTrue(sawSecret);
        assertEquals(Set.of("greeting", "event", "exchange"), kinds);
    }

    @Test
    void aDescriptorPassedWithAddFdReachesQemuThroughTheMux() throws Exception {
        Path file = Files.createTempFile("qmp4j-mux-fd-", ".img");
        try (RandomAccessFile disk = new RandomAccessFile(file.toFile(), "rw");
                QmpClient c = QmpClient.builder().address(muxSocket.toString()).fdPassing(true).connect()) {
            disk.setLength(1 << 20);
            JsonNode added = c.execute("add-fd", Map.of("fdset-id", 9), disk.getFD());
            assertEquals(9, added.path("fdset-id").asInt(), added.toString());
            // QEMU writes through the descriptor it got (a chrooted QEMU cannot even see the file's path).
            c.execute("blockdev-add", Map.of("driver", "file", "node-name", "fd0", "filename", "/dev/fdset/9"));
            c.execute("human-monitor-command", Map.of("command-line", "qemu-io fd0 \"write -P 0xcd 0 4096\""));
            byte[] written = new byte[4096];
            disk.seek(0); // QEMU shares this open file, and its offset: it looked for the end
            disk.readFully(written);
            for (byte b : written) {
                assertEquals((byte) 0xcd, b);
            }
            try (RandomAccessFile other = new RandomAccessFile(file.toFile(), "r")) {
                c.execute("getfd", Map.of("fdname", "spare"), other.getFD());
                c.execute("closefd", Map.of("fdname", "spare"));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void quitFromOneClientEndsQemuForEveryoneAndTheMuxSaysSo() throws Exception {
        try (RawQmp quitter = new RawQmp(muxSocket).negotiate(); RawQmp other = new RawQmp(muxSocket).negotiate()) {
            JsonNode r = quitter.call("quit", null);
            assertTrue(r.has("return"), "QEMU's own answer to quit: " + r);
            while (other.read() != null) { // SHUTDOWN, then the end
                Thread.onSpinWait();
            }
            java.util.concurrent.CompletionException ended = org.junit.jupiter.api.Assertions.assertThrows(
                    java.util.concurrent.CompletionException.class, () -> mux.whenClosed().join());
            assertTrue(ended.getCause().getMessage().startsWith("QEMU went away"), ended.getCause().getMessage());
            assertTrue(qemu.process().waitFor(30, TimeUnit.SECONDS), "QEMU ended");
        }
    }

    @Test
    void theLibrarysOwnClientWorksThroughTheMux() {
        try (QmpClient c = QmpClient.connect(muxSocket.toString())) {
            assertEquals(qemu.client().greeting().version(), c.greeting().version());
            Map<String, String> args = Map.of("path", "/machine", "property", "type");
            assertEquals(qemu.client().execute("qom-get", args), c.execute("qom-get", args));
        }
    }
}
