package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpClient;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.tests.ToolProcess.Result;

/** {@code qmp --wait}, run as a process through bin/ against a real QEMU 7.2 with a second QMP socket. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class QmpWaitTest {
    private QemuProcess qemu;
    private QmpClient qmp;
    private Path dir;
    private String sock;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("qmp4j-wait-");
        sock = dir.resolve("tools.sock").toString();
        qemu = QemuProcess.builder().addArgs("-qmp", "unix:" + sock + ",server=on,wait=off", "-device", "qemu-xhci,id=xhci",
                "-device", "usb-kbd,id=kbd0,bus=xhci.0").start();
        qmp = qemu.client();
        for (String node : new String[] {"src", "tgt"}) {
            qmp.execute("blockdev-add", Map.of("driver", "null-co", "node-name", node, "size", 64 << 20));
        }
    }

    @AfterEach
    void stop() throws Exception {
        qemu.close();
        Files.deleteIfExists(Path.of(sock));
        Files.deleteIfExists(dir);
    }

    private Result qmp(String... args) {
        return ToolProcess.run(sock, "qmp", args);
    }

    @Test
    void aBackupIsWaitedForToItsEnd() {
        Result r = qmp("--wait", "60", "blockdev-backup", "--job-id=b0", "--device=src", "--target=tgt", "--sync=full",
                "--speed=33554432");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("concluded\n", r.out());
        assertEquals("", r.err(), "no progress bar on a pipe");
        assertEquals(0, qmp.execute("query-jobs").size(), "the job is gone");
    }

    @Test
    void aMirrorIsWaitedForUntilReadyThenCompletedWithASecondWait() {
        Result ready = qmp("--wait", "60", "--json", "blockdev-mirror", "--job-id=m0", "--device=src", "--target=tgt",
                "--sync=full");
        assertEquals(0, ready.exit(), ready::toString);
        assertTrue(ready.out().contains("\"status\":\"ready\"") && ready.out().contains("\"outcome\":\"ready\""), ready::toString);
        assertEquals("ready", qmp.execute("query-jobs").get(0).path("status").asText(), "left for job-complete");
        Result done = qmp("--wait", "60", "job-complete", "--id=m0");
        assertEquals(0, done.exit(), done::toString);
        assertEquals("concluded\n", done.out());
    }

    @Test
    void aFailedJobIsOneLineWithQemusError() {
        Result r = qmp("--wait", "60", "blockdev-create", "--job-id=c0", "--options.driver=file",
                "--options.filename=/nonexistent/dir/x.img", "--options.size=1048576");
        assertEquals(1, r.exit(), r::toString);
        assertEquals("qmp: job c0 failed: Could not create '/nonexistent/dir/x.img': No such file or directory\n", r.err());
    }

    @Test
    void deviceDelIsWaitedForUntilDeviceDeleted() {
        Result r = qmp("--wait", "30", "device_del", "--id=kbd0");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("deleted\n", r.out());
    }

    @Test
    void aPowerdownThePausedGuestIgnoresEndsWithTheTimeoutExitCode() {
        Result r = qmp("--wait", "1", "system_powerdown");
        assertEquals(4, r.exit(), r::toString);
        assertTrue(r.err().contains("the guest did not shut down") && r.err().contains("within 1 s"), r::toString);
    }

    @Test
    void aJobStillRunningAtTheBoundSaysWhereItIs() {
        Result r = qmp("--wait", "1", "blockdev-backup", "--job-id=b1", "--device=src", "--target=tgt", "--sync=full",
                "--speed=1048576");
        assertEquals(4, r.exit(), r::toString);
        assertTrue(r.err().contains("job b1 still running ("), r::toString);
    }

    @Test
    void aMigrationToNobodyIsFollowedToItsFailure() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Result r = qmp("--wait", "60", "migrate", "--uri=tcp:127.0.0.1:" + port);
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().startsWith("qmp: migration failed: ") && r.err().contains("Connection refused"), r::toString);
    }

    @Test
    void theShellsWaitCommandFollowsAJobToo() {
        Result r = ToolProcess.run(Map.of("QMP_SOCKET", sock), "wait 60 blockdev-backup job-id=b9 device=src target=tgt "
                + "sync=full speed=33554432\nquery-jobs\n", "qmp-shell", "--exit-on-error");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("\"id\":\"b9\"") && r.out().contains("\"outcome\":\"concluded\""), r::toString);
        assertTrue(r.out().contains("{\"return\":[]}"), "the job is gone when the next line runs: " + r);
    }

    @Test
    void aCommandWaitDoesNotKnowIsAUsageError() {
        Result r = qmp("--wait", "5", "stop");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--wait does not know what stop starts"), r::toString);
    }
}
