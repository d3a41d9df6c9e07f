package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.tests.ToolProcess.Result;

/** qom-tree's bulk path (qom-list-get, QEMU 10.1+) on QEMU 11 agrees with its per-property path. */
@Timeout(value = 180, unit = TimeUnit.SECONDS) // a broken deadline fails the test instead of hanging the fork
class QomTreeBulkTest {

    @Test
    void bulkAndPipelinedTreesAgreeOnQemu11() throws Exception {
        QemuGeneration next = QemuGeneration.NEXT;
        Path dir = Files.createTempDirectory(next.root().resolve("tmp"), "qmp4j-tree-");
        Path sock = dir.resolve("tools.sock");
        try (QemuProcess qemu = next.launcher().addArgs("-qmp", "unix:" + next.seenByQemu(sock) + ",server=on,wait=off")
                .start()) {
            assertTrue(qemu.process().isAlive(), "QEMU 11 runs for the tools below");
            Result bulk = ToolProcess.run(sock.toString(), "qom-tree", "--debug", "/machine");
            assertEquals(0, bulk.exit(), bulk::toString);
            assertTrue(bulk.err().contains("\"execute\":\"qom-list-get\""), "the default on QEMU 11 is the bulk read");
            Result pipelined = ToolProcess.run(sock.toString(), "qom-tree", "--no-bulk", "--debug", "/machine");
            assertEquals(0, pipelined.exit(), pipelined::toString);
            assertFalse(pipelined.err().contains("\"execute\":\"qom-list-get\""));
            assertEquals(shape(pipelined.out()), shape(bulk.out()));
            assertTrue(bulk.out().contains("  type: pc-q35-"), bulk.out());
        } finally {
            Files.deleteIfExists(sock);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void bulkIsRefusedClearlyOnQemu72() {
        try (QemuProcess qemu = QemuProcess.start()) {
            Path sock = Path.of(qemu.address().substring(5));
            qemu.client().close(); // one client at a time
            Result r = ToolProcess.run(sock.toString(), "qom-tree", "--bulk", "/machine");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(r.err().contains("qom-list-get") && r.err().contains("CommandNotFound"), r::toString);
        }
    }

    /** Object paths and "name (type)" of each property, without values. */
    private static List<String> shape(String tree) {
        return tree.lines().filter(l -> !l.isBlank())
                .map(l -> l.startsWith("  ") ? l.substring(0, l.indexOf(':')) + l.substring(l.lastIndexOf(" (")) : l)
                .collect(Collectors.toList());
    }
}
