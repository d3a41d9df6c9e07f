package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpException;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.testkit.FakeQmpServer;

/** File-descriptor passing (SCM_RIGHTS, qmp4j-fdpass) to real QEMUs, which then write through the descriptor. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a broken deadline fails the test instead of hanging the fork
class FdPassingQemuTest {

    @ParameterizedTest
    @EnumSource(QemuGeneration.class)
    void qemuWritesThroughADescriptorPassedWithAddFd(QemuGeneration generation) throws Exception {
        Path file = Files.createTempFile("qmp4j-fd-", ".img");
        try (RandomAccessFile disk = new RandomAccessFile(file.toFile(), "rw");
                QemuProcess qemu = generation.launcher().client(QmpClient.builder().fdPassing(true)).start()) {
            disk.setLength(1 << 20);
            QmpClient qmp = qemu.client();
            JsonNode added = qmp.execute("add-fd", Map.of("fdset-id", 7), disk.getFD());
            assertEquals(7, added.path("fdset-id").asInt(), added.toString());
            // QEMU opens the descriptor it was given, not a path: the file is outside a chrooted QEMU's view.
            qmp.execute("blockdev-add", Map.of("driver", "file", "node-name", "fd0", "filename", "/dev/fdset/7"));
            qmp.execute("human-monitor-command", Map.of("command-line", "qemu-io fd0 \"write -P 0xab 4096 4096\""));
            byte[] written = new byte[4096];
            disk.seek(4096);
            disk.readFully(written);
            for (byte b : written) {
                assertEquals((byte) 0xab, b);
            }
            // getfd with a name, then closefd: several descriptors in turn over the same connection.
            try (RandomAccessFile other = new RandomAccessFile(file.toFile(), "r")) {
                qmp.execute("getfd", Map.of("fdname", "spare"), other.getFD());
                qmp.execute("closefd", Map.of("fdname", "spare"));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void withoutAnFdPassingConnectionNothingIsSentAndTheErrorSaysWhy() throws Exception {
        Path file = Files.createTempFile("qmp4j-fd-", ".img");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r");
                FakeQmpServer unix = FakeQmpServer.start();
                FakeQmpServer tcp = FakeQmpServer.builder().tcp().start()) {
            try (QmpClient plain = QmpClient.connect(unix.address())) {
                QmpException e = assertThrows(QmpException.class, () -> plain.execute("getfd", Map.of("fdname", "x"), f.getFD()));
                assertTrue(e.getMessage().contains("fdPassing(true)"), e.getMessage());
                assertTrue(plain.isOpen(), "a refused call does not end the session");
            }
            try (QmpClient overTcp = QmpClient.connect(tcp.address())) {
                QmpException e = assertThrows(QmpException.class, () -> overTcp.execute("getfd", Map.of("fdname", "x"), f.getFD()));
                assertTrue(e.getMessage().contains("only a unix socket"), e.getMessage());
            }
            IllegalArgumentException misuse = assertThrows(IllegalArgumentException.class,
                    () -> QmpClient.builder().address(tcp.address()).fdPassing(true).connect());
            assertTrue(misuse.getMessage().contains("unix socket"), misuse.getMessage());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
