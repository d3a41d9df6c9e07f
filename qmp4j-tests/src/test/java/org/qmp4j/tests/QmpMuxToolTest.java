package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.tests.ToolProcess.Result;

/**
 * The qmp-mux tool as an operator runs it: in front of a real QEMU (7.2) that a "control plane" (the test's
 * own client on QEMU's first monitor... here, a raw client of the mux) also drives, with qmp-shell, qom-get,
 * qmp and qom-fuse attached through it; and how it ends.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QmpMuxToolTest {
    private Path dir;
    private Path upstream;
    private Path mux;
    private Path readOnly;
    private QemuProcess qemu;
    private Process muxProcess;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("qmp4j-muxtool-");
        upstream = dir.resolve("qemu.sock");
        mux = dir.resolve("mux.sock");
        readOnly = dir.resolve("ro.sock");
        qemu = QemuProcess.builder().addArgs("-qmp", "unix:" + upstream + ",server=on,wait=off").start();
        qemu.client().execute("cont");
        muxProcess = new ProcessBuilder(ToolProcess.ROOT.resolve("bin/qmp-mux").toString(), "-s", upstream.toString(),
                "--listen", mux.toString(), "--read-only", readOnly.toString(), "--log", dir.resolve("mux.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mux.err").toFile()).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); // the first run builds the tools
        while (!muxLog().contains("serving QEMU") && muxProcess.isAlive() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertTrue(Files.exists(mux) && Files.exists(readOnly), this::muxLog);
    }

    @AfterEach
    void stop() throws Exception {
        muxProcess.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        qemu.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private String muxLog() {
        try {
            return Files.readString(dir.resolve("mux.err"));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void theToolsWorkThroughTheMuxWhileAnotherClientDrivesTheVm() throws Exception {
        try (RawQmp controlPlane = new RawQmp(mux).negotiate()) {
            assertTrue(controlPlane.call("stop", null).has("return"));
            Result shell = ToolProcess.run(Map.of(), "query-status\n", "qmp-shell", mux.toString());
            assertEquals(0, shell.exit(), shell::toString);
            assertTrue(shell.out().replace(" ", "").contains("\"status\":\"paused\""), shell::toString);
            Result get = ToolProcess.run(Map.of(), null, "qom-get", "-s", mux.toString(), "/machine.type");
            assertEquals(0, get.exit(), get::toString);
            assertFalse(get.out().isBlank(), get::toString);
            assertTrue(controlPlane.call("cont", null).has("return"));
            assertEquals("STOP", controlPlane.event().path("event").asText());
            assertEquals("RESUME", controlPlane.event().path("event").asText());
            Result status = ToolProcess.run(Map.of(), null, "qmp", "-s", readOnly.toString(), "query-status");
            assertEquals(0, status.exit(), status::toString);
            assertTrue(status.out().contains("running"), status::toString);
        }
    }

    @Test
    void theReadOnlyDoorRefusesWhatWouldChangeTheVm() {
        Result stop = ToolProcess.run(Map.of(), null, "qmp", "-s", readOnly.toString(), "stop");
        assertEquals(1, stop.exit(), stop::toString);
        assertEquals(1, stop.err().lines().count(), stop::toString);
        assertTrue(stop.err().contains("not allowed on a read-only connection"), stop::toString);
        Result set = ToolProcess.run(Map.of(), null, "qom-set", "-s", readOnly.toString(), "/machine.graphics", "false");
        assertEquals(1, set.exit(), set::toString);
        assertTrue(set.err().contains("read-only"), set::toString);
    }

    @Test
    void qomFuseMountsThroughTheMuxWhileAnotherClientRunsCommands() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Process fuse = new ProcessBuilder(ToolProcess.ROOT.resolve("bin/qom-fuse").toString(), "-s", mux.toString(),
                mnt.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("fuse.log").toFile()).start();
        try (RawQmp other = new RawQmp(mux).negotiate()) {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(mnt.resolve("machine/type")) && fuse.isAlive() && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            for (int i = 0; i < 20; i++) {
                assertTrue(other.call("query-status", null).has("return"));
                assertFalse(Files.readString(mnt.resolve("machine/type")).isBlank());
            }
        } finally {
            fuse.destroy();
            fuse.waitFor(30, TimeUnit.SECONDS);
            new ProcessBuilder("fusermount", "-u", mnt.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void whenQemuIsKilledTheMuxSaysSoInOneLineAndExits3() throws Exception {
        try (RawQmp client = new RawQmp(mux).negotiate()) {
            ProcessHandle.of(qemu.process().pid()).ifPresent(ProcessHandle::destroyForcibly);
            assertTrue(muxProcess.waitFor(60, TimeUnit.SECONDS), this::muxLog);
            assertEquals(3, muxProcess.exitValue(), this::muxLog);
            String last = muxLog().lines().reduce((a, b) -> b).orElse("");
            assertTrue(last.startsWith("qmp-mux: QEMU went away"), muxLog());
            assertFalse(muxLog().contains("\tat "), "no stack trace: " + muxLog());
            assertNull(client.read(), "its clients are disconnected");
            assertFalse(Files.exists(mux) || Files.exists(readOnly), "sockets removed");
        }
    }

    @Test
    void sigtermRemovesTheSockets() throws Exception {
        muxProcess.destroy(); // SIGTERM
        assertTrue(muxProcess.waitFor(60, TimeUnit.SECONDS), this::muxLog);
        assertFalse(Files.exists(mux) || Files.exists(readOnly), "sockets removed: " + muxLog());
        assertTrue(qemu.client().execute("query-status").has("status"), "QEMU stays");
    }

    @Test
    void theLogIsJsonLines() throws Exception {
        try (RawQmp c = new RawQmp(mux).negotiate()) {
            c.call("query-name", null);
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(dir.resolve("mux.log")).contains("query-name") && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        for (String line : Files.readAllLines(dir.resolve("mux.log"))) {
            JsonNode j = RawQmp.JSON.readTree(line);
            assertTrue(j.has("time"), line);
        }
        assertTrue(Files.readString(dir.resolve("mux.log")).contains("\"execute\":\"query-name\""));
    }
}
