package org.qmp4j.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.codegen.qapi.QemuSchemas;

/**
 * Drift: the API generated from QEMU 7.2's schema against the newer QEMU (11.x, the chroot testenv/mkqemu-next
 * builds). Replies with members 7.2 did not know, and without ones it had, still decode.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GeneratedOnNewerQemuTest {
    @TempDir
    Path dir;

    @Test
    void codeGeneratedFrom72WorksOnQemu11() throws Exception {
        String root = System.getProperty("qmp4j.qemuNextRoot", "");
        if (root.isBlank() || root.startsWith("${") || !Files.isExecutable(Path.of(root, "usr/bin/qemu-system-x86_64"))) {
            throw new AssertionError("QMP4J_QEMU_NEXT_ROOT is not set or holds no QEMU: run ./dev test (testenv/mkqemu-next)");
        }
        try (URLClassLoader loader = Compiled.compile(JavaGenerator.sources(QemuSchemas.schema("7.2", "qapi"),
                "org.example.qemu", JavaGenerator.Facade.QMP), dir).loader()) {
            Object builder = Class.forName("org.qmp4j.launch.QemuProcess").getMethod("builder").invoke(null);
            builder = Reflect.call(builder, "chroot", Path.of(root));
            try (AutoCloseable qemu = (AutoCloseable) Reflect.call(builder, "start")) {
                Object qmp = loader.loadClass("org.example.qemu.Qmp").getConstructor(Class.forName("org.qmp4j.QmpClient"))
                        .newInstance(Reflect.call(qemu, "client"));
                Object version = Reflect.call(qmp, "queryVersion");
                assertTrue((Long) Reflect.call(Reflect.call(version, "qemu"), "major") >= 11, version.toString());
                // 11.x no longer sends StatusInfo's singlestep (7.2 had it): the record decodes with it null.
                Object status = Reflect.call(qmp, "queryStatus");
                assertEquals("PRELAUNCH", Reflect.call(status, "status").toString());
                // Machine types and CPU models carry members 7.2's schema did not know: ignored, not an error.
                List<?> machines = (List<?>) Reflect.call(qmp, "queryMachines");
                assertTrue(machines.size() > 10, String.valueOf(machines.size()));
                List<?> commands = (List<?>) Reflect.call(qmp, "queryCommands");
                // What 11.x has that 7.2's code does not know, found by comparing structures.
                Object drift = Reflect.call(qmp, "drift");
                System.out.println("GENERATED | drift of 7.2's API on " + Reflect.call(version, "qemu") + ":\n" + drift);
                List<?> newCommands = (List<?>) Reflect.call(drift, "newCommands");
                assertTrue(newCommands.contains("qom-list-get"), newCommands.toString());
                assertTrue(!newCommands.contains("query-status"), newCommands.toString());
                List<?> missing = (List<?>) Reflect.call(drift, "missingCommands");
                assertTrue(missing.contains("x-query-rdma"), missing.toString()); // RDMA migration left QEMU in 9.1
                assertTrue((Boolean) Reflect.call(drift, "isEmpty") == false);
                System.out.println("GENERATED | 7.2's API on " + Reflect.call(version, "qemu") + " | queryStatus, "
                        + "queryMachines (" + machines.size() + "), queryCommands (" + commands.size() + ") decode");
            }
        }
    }
}
