package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.QmpRequest;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.TestAccess;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.ops.Job;
import org.qmp4j.ops.JobFailedException;
import org.qmp4j.ops.JobProgress;
import org.qmp4j.ops.JobStatus;
import org.qmp4j.ops.Migration;
import org.qmp4j.ops.MigrationFailedException;
import org.qmp4j.ops.MigrationProgress;
import org.qmp4j.ops.PowerDown;
import org.qmp4j.ops.Unplug;

/** Operations followed to their end (org.qmp4j.ops) on a real QEMU; subclasses pick the generation. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class OperationsContract {
    private static final long MIB = 1 << 20;
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A USB keyboard on an xHCI controller: it unplugs without the guest's help. A destination has the same. */
    private static final String[] DEVICES = {"-device", "qemu-xhci,id=xhci", "-device", "usb-kbd,id=kbd0,bus=xhci.0"};

    private QemuProcess qemu;
    private QmpClient qmp;

    abstract QemuGeneration generation();

    @BeforeEach
    void startQemu() {
        qemu = generation().launcher().addArgs(DEVICES).start();
        qmp = qemu.client();
    }

    @AfterEach
    void stopQemu() {
        qemu.close();
    }

    private void nullNode(String name, long size) {
        qmp.execute("blockdev-add", Map.of("driver", "null-co", "node-name", name, "size", size));
    }

    @Test
    void aRateLimitedBackupIsFollowedToItsEndWithGrowingProgress() throws Exception {
        nullNode("src", 64 * MIB);
        nullNode("tgt", 64 * MIB);
        List<JobProgress> seen = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        Job backup = Job.start(qmp, QmpRequest.of("blockdev-backup").arg("job-id", "b0").arg("device", "src")
                .arg("target", "tgt").arg("sync", "full").arg("speed", 32 * MIB), WAIT, seen::add);
        JobProgress end = backup.concluded().get(90, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(64 * MIB, end.current());
        assertEquals(64 * MIB, end.total());
        assertEquals("backup", end.type());
        assertTrue(end.status().isFinal(), end.toString());
        long distinct = seen.stream().mapToLong(JobProgress::current).filter(c -> c > 0 && c < 64 * MIB).distinct().count();
        assertTrue(distinct >= 2, "progress reported while running: " + seen);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i).current() >= seen.get(i - 1).current(), "progress never goes back: " + seen);
        }
        assertTrue(seen.stream().anyMatch(p -> p.status() == JobStatus.RUNNING), seen.toString());
        System.out.println("OPERATIONS | " + generation() + " | backup of 64 MiB at 32 MiB/s | " + ms + " ms, "
                + seen.size() + " progress reports");
    }

    @Test
    void aBackupThatRunsOutOfSpaceFailsWithQemusText() throws Exception {
        Path dir = Files.createTempDirectory(generation().root().resolve("tmp"), "qmp4j-enospc-");
        run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir.toString());
        try {
            Path file = dir.resolve("target.img");
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(16 * MIB); // sparse: the 1 MiB file system fills as the backup writes
            }
            nullNode("src", 16 * MIB);
            qmp.execute("blockdev-add", Map.of("driver", "file", "node-name", "tgt", "filename",
                    generation().seenByQemu(file)));
            Job backup = Job.start(qmp, QmpRequest.of("blockdev-backup").arg("job-id", "b1").arg("device", "src")
                    .arg("target", "tgt").arg("sync", "full"), WAIT, null);
            ExecutionException e = assertThrows(ExecutionException.class, () -> backup.concluded().get(90, TimeUnit.SECONDS));
            JobFailedException failed = assertInstanceOf(JobFailedException.class, e.getCause());
            assertEquals("b1", failed.jobId());
            assertTrue(failed.error().contains("No space left on device"), failed.getMessage());
            System.out.println("OPERATIONS | " + generation() + " | backup onto a full tmpfs | " + failed.getMessage());
        } finally {
            qmp.execute("query-status"); // the file is released before the unmount
            run("umount", "-l", dir.toString());
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void aMirrorReachesReadyAndCompletes() throws Exception {
        nullNode("src", 16 * MIB);
        nullNode("tgt", 16 * MIB);
        Job mirror = Job.start(qmp, QmpRequest.of("blockdev-mirror").arg("job-id", "m0").arg("device", "src")
                .arg("target", "tgt").arg("sync", "full"), WAIT, null);
        JobProgress ready = mirror.ready().get(90, TimeUnit.SECONDS);
        assertEquals(JobStatus.READY, ready.status());
        assertFalse(mirror.concluded().isDone(), "a ready mirror waits for the caller");
        mirror.complete();
        assertTrue(mirror.concluded().get(90, TimeUnit.SECONDS).status().isFinal());
        assertFalse(listed("m0"));
    }

    @Test
    void aReadyMirrorCanBeCancelledInstead() throws Exception {
        nullNode("src", 16 * MIB);
        nullNode("tgt", 16 * MIB);
        Job mirror = Job.start(qmp, QmpRequest.of("blockdev-mirror").arg("job-id", "m1").arg("device", "src")
                .arg("target", "tgt").arg("sync", "full"), WAIT, null);
        mirror.ready().get(90, TimeUnit.SECONDS);
        mirror.cancel();
        try {
            mirror.concluded().get(90, TimeUnit.SECONDS); // a ready mirror cancelled finishes without pivoting
        } catch (ExecutionException e) {
            assertEquals("cancelled", assertInstanceOf(JobFailedException.class, e.getCause()).error());
        }
        assertFalse(listed("m1"));
    }

    @Test
    void aJobThatWaitsForFinalizeAndDismissDoesSoOnTheCallersWord() throws Exception {
        nullNode("src", 16 * MIB);
        nullNode("tgt", 16 * MIB);
        Job job = Job.start(qmp, QmpRequest.of("blockdev-backup").arg("job-id", "b5").arg("device", "src")
                .arg("target", "tgt").arg("sync", "full").arg("auto-finalize", false).arg("auto-dismiss", false), WAIT, null);
        assertEquals(JobStatus.PENDING, job.pending().get(90, TimeUnit.SECONDS).status());
        assertFalse(job.concluded().isDone(), "pending waits for job-finalize");
        job.finalizeJob();
        JobProgress end = job.concluded().get(90, TimeUnit.SECONDS);
        assertEquals(JobStatus.CONCLUDED, end.status());
        assertTrue(listed("b5"), "auto-dismiss false: still listed, concluded");
        job.dismiss();
        assertFalse(listed("b5"));
    }

    @Test
    void cancellingTheFutureCancelsTheJobInQemu() throws Exception {
        nullNode("src", 64 * MIB);
        nullNode("tgt", 64 * MIB);
        Job slow = Job.start(qmp, QmpRequest.of("blockdev-backup").arg("job-id", "b2").arg("device", "src")
                .arg("target", "tgt").arg("sync", "full").arg("speed", MIB), WAIT, null);
        assertTrue(listed("b2"));
        assertTrue(slow.concluded().cancel(true));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (listed("b2") && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertFalse(listed("b2"), "job-cancel reached QEMU: the job is gone from query-jobs");
    }

    @Test
    void aCommandWithoutAJobIdOrOneQemuRefusesStartsNothing() {
        assertThrows(IllegalArgumentException.class, () -> Job.start(qmp, QmpRequest.of("blockdev-backup")
                .arg("device", "src").arg("target", "tgt").arg("sync", "full"), WAIT, null));
        assertThrows(QmpCommandException.class, () -> Job.start(qmp, QmpRequest.of("blockdev-backup")
                .arg("job-id", "b3").arg("device", "no-such-node").arg("target", "tgt").arg("sync", "full"), WAIT, null));
        assertEquals(0, TestAccess.pendingCalls(qmp));
    }

    @Test
    void aJobPastItsDeadlineSaysWhatItWasDoing() {
        nullNode("src", 64 * MIB);
        nullNode("tgt", 64 * MIB);
        Job slow = Job.start(qmp, QmpRequest.of("blockdev-backup").arg("job-id", "b4").arg("device", "src")
                .arg("target", "tgt").arg("sync", "full").arg("speed", MIB), Duration.ofMillis(1500), null);
        ExecutionException e = assertThrows(ExecutionException.class, () -> slow.concluded().get(60, TimeUnit.SECONDS));
        QmpTimeoutException t = assertInstanceOf(QmpTimeoutException.class, e.getCause());
        assertEquals(QmpTimeoutException.Phase.OPERATION, t.phase());
        assertTrue(t.getMessage().contains("job b4 still running"), t.getMessage());
        assertTrue(listed("b4"), "a deadline stops the waiting, not the job");
    }

    @Test
    void unpluggingAUsbKeyboardEndsWithDeviceDeleted() {
        Unplug.deviceDel(qmp, "kbd0", Duration.ofSeconds(30));
        assertFalse(qmp.execute("qom-list", Map.of("path", "/machine/peripheral")).toString().contains("\"kbd0\""));
        assertThrows(QmpCommandException.class, () -> Unplug.deviceDel(qmp, "kbd0", Duration.ofSeconds(5)));
    }

    @Test
    void aPausedGuestIgnoresThePowerButtonUntilTheBoundThenQuitEndsQemu() throws Exception {
        QmpTimeoutException t = assertThrows(QmpTimeoutException.class,
                () -> PowerDown.systemPowerdown(qmp, Duration.ofSeconds(1)));
        assertEquals(QmpTimeoutException.Phase.OPERATION, t.phase());
        assertTrue(t.getMessage().contains("did not shut down"), t.getMessage());
        assertEquals(PowerDown.Outcome.QUIT, PowerDown.systemPowerdownOrQuit(qmp, Duration.ofSeconds(1)));
        assertTrue(qemu.process().waitFor(30, TimeUnit.SECONDS), "quit ended QEMU");
    }

    @Test
    void aLiveMigrationBetweenTwoQemusIsFollowedOnBothSides() throws Exception {
        withDestination((destination, uri) -> {
            List<MigrationProgress> seen = new CopyOnWriteArrayList<>();
            long t0 = System.nanoTime();
            Migration in = Migration.incoming(destination.client(), uri, WAIT, null);
            Migration out = Migration.start(qmp, uri, WAIT, seen::add);
            MigrationProgress done = out.completed().get(90, TimeUnit.SECONDS);
            assertEquals("completed", done.status());
            assertEquals("completed", in.completed().get(90, TimeUnit.SECONDS).status());
            assertTrue(done.total() > 0 && done.fraction() == 1.0, done.toString());
            // QEMU reports the migration completed a moment before its run state leaves finish-migrate.
            String runState = qmp.execute("query-status").path("status").asText();
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    runState.equals("finish-migrate") && System.nanoTime() < until; ) {
                Thread.sleep(20);
                runState = qmp.execute("query-status").path("status").asText();
            }
            assertEquals("postmigrate", runState);
            assertFalse(destination.client().execute("query-status").path("status").asText().equals("inmigrate"));
            System.out.println("OPERATIONS | " + generation() + " | migration over a unix socket | "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms, " + (done.total() >> 20) + " MiB of RAM");
        });
    }

    @Test
    void cancellingAMigrationsFutureCancelsItInQemu() throws Exception {
        withDestination((destination, uri) -> {
            Migration.incoming(destination.client(), uri, WAIT, null);
            qmp.execute("migrate-set-parameters", Map.of("max-bandwidth", 10_000)); // ~10 kB/s: minutes for 128 MiB
            Migration out = Migration.start(qmp, uri, WAIT, null);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"active".equals(qmp.execute("query-migrate").path("status").asText()) && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertTrue(out.completed().cancel(true));
            String status = "";
            until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(status = qmp.execute("query-migrate").path("status").asText()).equals("cancelled")
                    && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertEquals("cancelled", status, "migrate_cancel reached QEMU");
            assertFalse(qmp.execute("query-status").path("status").asText().equals("postmigrate"), "the VM stayed here");
        });
    }

    @Test
    void aMigrationToNobodySucceedsAsACommandThenFails() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Migration out = Migration.start(qmp, "tcp:127.0.0.1:" + port, WAIT, null); // the command itself succeeds
        ExecutionException e = assertThrows(ExecutionException.class, () -> out.completed().get(90, TimeUnit.SECONDS));
        MigrationFailedException failed = assertInstanceOf(MigrationFailedException.class, e.getCause());
        assertTrue(failed.error().toLowerCase(java.util.Locale.ROOT).contains("refused"), failed.getMessage());
        System.out.println("OPERATIONS | " + generation() + " | migration to a closed port | " + failed.getMessage());
    }

    /** What a migration test does, given a destination QEMU waiting with -incoming defer and the socket's URI. */
    private interface MigrationTest {
        void run(QemuProcess destination, String uri) throws Exception;
    }

    private void withDestination(MigrationTest test) throws Exception {
        Path dir = Files.createTempDirectory(generation().root().resolve("tmp"), "qmp4j-migrate-");
        try (QemuProcess destination = generation().launcher().addArgs(DEVICES).addArgs("-incoming", "defer").start()) {
            test.run(destination, "unix:" + generation().seenByQemu(dir.resolve("migrate.sock")));
        } finally {
            try (var files = Files.list(dir)) {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private boolean listed(String id) {
        for (JsonNode j : qmp.execute("query-jobs")) {
            if (id.equals(j.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd));
    }
}
