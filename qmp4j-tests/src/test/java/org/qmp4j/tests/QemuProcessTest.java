package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpClient;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.launch.QemuProcessException;

/** The launcher against Debian's real QEMU. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a broken deadline fails the test instead of hanging the fork
class QemuProcessTest {

    @Test
    void startFailureQuotesQemusStderr() {
        QemuProcessException e = assertThrows(QemuProcessException.class,
                () -> QemuProcess.builder().args(List.of("-machine", "no-such-machine", "-display", "none")).start());
        assertTrue(e.getMessage().contains("exited with status"), e.getMessage());
        assertTrue(e.stderr().contains("unsupported machine type"), e.stderr());
        assertTrue(e.getMessage().contains("unsupported machine type"), e.getMessage());
    }

    @Test
    void missingBinaryIsAClearError() {
        QemuProcessException e = assertThrows(QemuProcessException.class,
                () -> QemuProcess.builder().binary("qemu-system-nonexistent").start());
        assertTrue(e.getMessage().contains("cannot run qemu-system-nonexistent"), e.getMessage());
    }

    @Test
    void closeReconnectsToQuitWhenTheClientWasClosed() throws Exception {
        QemuProcess qemu = QemuProcess.start();
        Path dir = qemu.directory();
        qemu.client().close();
        // The socket serves a new client once the first is gone.
        try (QmpClient second = QmpClient.connect(qemu.address())) {
            assertEquals("prelaunch", second.execute("query-status").path("status").asText());
        }
        qemu.close();
        assertTrue(qemu.process().waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, qemu.process().exitValue(), "exited through quit, not a signal");
        assertFalse(Files.exists(dir));
    }
}
