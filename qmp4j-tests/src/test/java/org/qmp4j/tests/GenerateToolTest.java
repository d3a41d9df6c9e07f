package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.launch.QemuProcess;
import org.qmp4j.tests.ToolProcess.Result;

/** {@code qmp4j generate} as a user runs it, on QEMU 7.2's own schema sources (testenv/fetch-qapi). */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class GenerateToolTest {
    @TempDir
    Path dir;

    private static Path schema(String which) {
        String qapi = System.getProperty("qmp4j.qapiDir", "");
        if (qapi.isBlank() || qapi.startsWith("${")) {
            throw new AssertionError("QMP4J_QAPI_DIR is not set: run the tests with ./dev test (testenv/fetch-qapi)");
        }
        return Path.of(qapi, "7.2", which, "qapi-schema.json");
    }

    @Test
    void generatesTheTypedApiFromQemusSchema() {
        Path out = dir.resolve("src");
        Result r = ToolProcess.run(Map.of(), null, "qmp4j", "generate", "--schema", schema("qapi").toString(),
                "--package", "com.example.qemu", "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().startsWith("generate: ") && r.err().contains("220 commands"), r::toString);
        Path pkg = out.resolve("com/example/qemu");
        for (String f : new String[] {"Qmp.java", "RunState.java", "StatusInfo.java", "QomGetArgs.java",
            "DeviceDeletedEvent.java"}) {
            assertTrue(Files.isRegularFile(pkg.resolve(f)), f);
        }
    }

    @Test
    void theGuestAgentsSchemaGetsTheQgaFacade() {
        Result r = ToolProcess.run(Map.of(), null, "qmp4j", "generate", "--schema", schema("qga").toString(),
                "--package", "com.example.qga", "--out", dir.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(Files.isRegularFile(dir.resolve("com/example/qga/Qga.java")), r::toString);
    }

    @Test
    void aBrokenSchemaIsOneLineWithItsFileAndLine() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{ 'enum': 'E',\n  'data': [ 'a', ] }\n");
        Result r = ToolProcess.run(Map.of(), null, "qmp4j", "generate", "--schema", bad.toString(),
                "--package", "p", "--out", dir.resolve("out").toString());
        assertEquals(1, r.exit(), r::toString);
        assertEquals(1, r.err().lines().count(), r::toString);
        assertTrue(r.err().startsWith("generate: " + bad + ":2:"), r::toString);
    }

    @Test
    void aPackageThatIsNotAJavaNameIsAUsageError() {
        Result r = ToolProcess.run(Map.of(), null, "qmp4j", "generate", "--schema", schema("qapi").toString(),
                "--package", "com.example.class", "--out", dir.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("not a Java package name"), r::toString);
    }

    @Test
    void schemaDiffComparesTheSchemaWithALiveQemu() throws Exception {
        Path sock = dir.resolve("qmp.sock");
        try (QemuProcess qemu = QemuProcess.builder().addArgs("-qmp", "unix:" + sock + ",server=on,wait=off").start()) {
            // Debian's QEMU 7.2 against QEMU 7.2's own schema: only what its build leaves out (other targets).
            Result r = ToolProcess.run(Map.of(), null, "qmp4j", "schema-diff", "-s", sock.toString(),
                    "--schema", schema("qapi").toString());
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("missing commands (expected, QEMU does not have them: removed, or not built "
                    + "in): 4\n"), r::toString);
            assertTrue(r.out().contains("\n  dump-skeys\n"), r::toString);
            assertTrue(!r.out().contains("new commands") && !r.out().contains("changed commands"), r::toString);
            Result exitCode = ToolProcess.run(Map.of(), null, "qmp4j", "schema-diff", "-s", sock.toString(),
                    "--schema", schema("qapi").toString(), "--exit-code", "--json");
            assertEquals(1, exitCode.exit(), exitCode::toString);
            JsonNode json = new ObjectMapper().readTree(exitCode.out());
            assertEquals("dump-skeys", json.path("missing-commands").path(0).asText(), exitCode::toString);
            assertEquals(0, json.path("new-commands").size(), exitCode::toString);
            Result noSchema = ToolProcess.run(Map.of(), null, "qmp4j", "schema-diff", "-s", sock.toString());
            assertEquals(2, noSchema.exit(), noSchema::toString);
            assertEquals("schema-diff: --schema is required (try schema-diff --help)", noSchema.err().strip(),
                    noSchema::toString);
        }
    }
}
