package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpTimeoutException;
import org.qmp4j.ops.Migration;
import org.qmp4j.ops.MigrationProgress;
import org.qmp4j.qga.GuestAgentClient;

/**
 * The real guest, followed through the library: its agent awaited while it boots (waitForAgent's backoff),
 * then the running guest migrated live to a second QEMU on this machine, where its agent answers with what
 * it held in RAM before.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class GuestMigrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aBootingGuestsAgentIsAwaitedThenTheGuestMigratesAndItsAgentAnswersOnTheDestination() throws Exception {
        String marker = "qmp4j " + UUID.randomUUID();
        String bootId;
        try (TestGuest source = TestGuest.bootWithoutWaiting()) {
            long t0 = System.nanoTime();
            try (GuestAgentClient ga = GuestAgentClient.builder().address(source.qga).commandTimeout(Duration.ofSeconds(30))
                    .waitForAgent(Duration.ofSeconds(300)).connect()) {
                long ready = System.nanoTime() - t0;
                ga.ping();
                // /tmp is in the guest's RAM (its initramfs): only a live migration carries the file over.
                ga.files().write(new ByteArrayInputStream(marker.getBytes(StandardCharsets.UTF_8)), "/tmp/marker", null);
                bootId = read(ga, "/proc/sys/kernel/random/boot_id");
                System.out.println("OPERATIONS | guest | waitForAgent on a booting guest | " + ready / 1_000_000
                        + " ms until the agent answered");
            }
            try (TestGuest destination = source.destination();
                    QmpClient from = QmpClient.connect(source.qmp);
                    QmpClient to = QmpClient.connect(destination.qmp)) {
                String uri = "unix:" + destination.run.resolve("migrate.sock");
                List<MigrationProgress> seen = new CopyOnWriteArrayList<>();
                long t1 = System.nanoTime();
                Migration in = Migration.incoming(to, uri, WAIT, null);
                Migration out = Migration.start(from, uri, WAIT, seen::add);
                MigrationProgress done = out.completed().get(150, TimeUnit.SECONDS);
                assertEquals("completed", done.status());
                assertEquals("completed", in.completed().get(150, TimeUnit.SECONDS).status());
                long migrated = System.nanoTime() - t1;
                assertFalse(seen.isEmpty(), "the listener heard the migration");

                long t2 = System.nanoTime();
                try (GuestAgentClient ga = GuestAgentClient.builder().address(destination.qga)
                        .commandTimeout(Duration.ofSeconds(30)).waitForAgent(Duration.ofSeconds(120)).connect()) {
                    assertEquals(marker, read(ga, "/tmp/marker"), "the guest's RAM came over");
                    assertEquals(bootId, read(ga, "/proc/sys/kernel/random/boot_id"), "the same boot, not a new one");
                } catch (QmpTimeoutException e) {
                    throw new AssertionError("no agent on the destination (" + to.execute("query-status")
                            + "); the guest's console there ends with:\n" + tail(destination.run.resolve("console.log")), e);
                }
                long answered = System.nanoTime() - t2;
                assertEquals("running", to.execute("query-status").path("status").asText());
                assertTrue(source.running(), "the source stays until it is stopped (postmigrate)");
                System.out.println("OPERATIONS | guest | live migration of the running guest | " + migrated / 1_000_000
                        + " ms, " + (done.total() >> 20) + " MiB of RAM; its agent answered on the destination after "
                        + answered / 1_000_000 + " ms");
            }
        }
    }

    private static String tail(java.nio.file.Path file) throws java.io.IOException {
        List<String> lines = java.nio.file.Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static String read(GuestAgentClient ga, String path) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ga.files().read(path, out, null);
        return out.toString(StandardCharsets.UTF_8).strip();
    }
}
