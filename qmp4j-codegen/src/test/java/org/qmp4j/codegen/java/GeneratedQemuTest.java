package org.qmp4j.codegen.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.codegen.qapi.QemuSchemas;

/**
 * The API generated from QEMU 7.2's schema, compiled here and called against a real, paused QEMU. All by
 * reflection: the generated classes exist only at run time, and the core's package {@code org.qmp4j} is
 * hidden from this module's test sources at compile time by the empty {@code org/qmp4j} directory above
 * {@code org/qmp4j/codegen}, which javac counts as a package of this module.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GeneratedQemuTest {
    @TempDir
    static Path dir;
    private static URLClassLoader loader;
    private static AutoCloseable qemu;
    private static Object client;
    private static Object qmp;
    /** Before any test: another may run the machine. */
    private static Object firstStatus;

    @BeforeAll
    static void start() throws Exception {
        loader = Compiled.compile(JavaGenerator.sources(QemuSchemas.schema("7.2", "qapi"), "org.example.qemu",
                JavaGenerator.Facade.QMP), dir).loader();
        // A USB controller, so a keyboard can be added and deleted.
        Object builder = Class.forName("org.qmp4j.launch.QemuProcess").getMethod("builder").invoke(null);
        call(builder, "addArgs", (Object) new String[] {"-device", "qemu-xhci,id=xhci"});
        qemu = (AutoCloseable) call(builder, "start");
        client = call(qemu, "client");
        qmp = type("Qmp").getConstructor(Class.forName("org.qmp4j.QmpClient")).newInstance(client);
        firstStatus = call(qmp, "queryStatus");
    }

    @AfterAll
    static void stop() throws Exception {
        if (qemu != null) {
            qemu.close();
        }
        if (loader != null) {
            loader.close();
        }
    }

    private static Class<?> type(String simpleName) throws ClassNotFoundException {
        return loader.loadClass("org.example.qemu." + simpleName);
    }

    private static Object call(Object target, String method, Object... args) throws Exception {
        return Reflect.call(target, method, args);
    }

    private static Object qomGetArgs(String path, String property) throws Exception {
        Object builder = call(type("QomGetArgs").getMethod("builder").invoke(null), "path", path);
        return call(call(builder, "property", property), "build");
    }

    @Test
    void queryStatusDecodesTheRunStateEnum() throws Exception {
        Object status = firstStatus;
        assertEquals("StatusInfo", status.getClass().getSimpleName());
        assertEquals("PRELAUNCH", call(status, "status").toString());
        assertEquals(false, call(status, "running"));
    }

    @Test
    void queryVersionDecodesNestedRecords() throws Exception {
        Object version = call(qmp, "queryVersion");
        Object triple = call(version, "qemu");
        assertTrue((Long) call(triple, "major") >= 7, version.toString());
        assertNotNull(call(version, "package_"));
    }

    @Test
    void qomGetTakesItsArgumentsRecordAndReturnsJson() throws Exception {
        JsonNode type = (JsonNode) call(qmp, "qomGet", qomGetArgs("/machine", "type"));
        assertTrue(type.asText().contains("q35"), type.toString());
        CompletableFuture<?> async = (CompletableFuture<?>) call(qmp, "qomGetAsync", qomGetArgs("/machine", "type"));
        assertEquals(type, async.get(30, TimeUnit.SECONDS));
    }

    @Test
    void blockdevAddTakesAFlatUnionBranch() throws Exception {
        Object builder = type("BlockdevOptions$NullCo").getMethod("builder").invoke(null);
        builder = call(builder, "driver", type("BlockdevDriver").getMethod("fromWire", String.class)
                .invoke(null, "null-co"));
        builder = call(builder, "nodeName", "typed-null0");
        call(qmp, "blockdevAdd", call(builder, "build"));
        List<?> nodes = (List<?>) call(qmp, "queryNamedBlockNodes", (Object) null);
        List<Object> names = new ArrayList<>();
        for (Object node : nodes) {
            names.add(call(node, "nodeName"));
        }
        assertTrue(names.contains("typed-null0"), names.toString());
    }

    @Test
    void deviceDelOfAUsbKeyboardGivesATypedDeviceDeletedEvent() throws Exception {
        Object add = type("DeviceAddArgs").getMethod("builder").invoke(null);
        add = call(call(call(add, "driver", "usb-kbd"), "id", "typed-kbd0"), "bus", "xhci.0");
        // device_add is 'gen': false: a device's own properties go beyond the schema's arguments.
        add = call(add, "property", "port", "2");
        call(qmp, "deviceAdd", call(add, "build"));
        assertEquals("2", call(client, "execute", "qom-get", java.util.Map.of("path", "/machine/peripheral/typed-kbd0",
                "property", "port")).toString().replace("\"", ""));
        try (AutoCloseable deleted = (AutoCloseable) call(qmp, "subscribe", type("DeviceDeletedEvent"))) {
            Object del = type("DeviceDelArgs").getMethod("builder").invoke(null);
            call(qmp, "deviceDel", call(call(del, "id", "typed-kbd0"), "build"));
            Object event = call(deleted, "next", Duration.ofSeconds(30));
            assertEquals("typed-kbd0", call(event, "device"));
            assertEquals("/machine/peripheral/typed-kbd0", call(event, "path"));
        }
    }

    @Test
    void anErrorReplyIsTheCoresException() throws Exception {
        Exception e = assertThrows(Exception.class, () -> call(qmp, "qomGet", qomGetArgs("/no/such/object", "type")));
        assertEquals("org.qmp4j.QmpCommandException", e.getClass().getName(), e.toString());
        assertTrue(e.getMessage().contains("no/such/object"), e.getMessage());
    }

    @Test
    void stopAndContChangeTheStateAndStopEventsDecode() throws Exception {
        try (AutoCloseable stops = (AutoCloseable) call(client, "subscribe", (Object) new String[] {"STOP"});
                AutoCloseable typed = (AutoCloseable) call(qmp, "subscribe", type("StopEvent"))) {
            call(qmp, "cont");
            assertEquals("RUNNING", call(call(qmp, "queryStatus"), "status").toString());
            call(qmp, "stop");
            Object event = call(stops, "next", Duration.ofSeconds(30));
            Object stop = type("StopEvent").getMethod("from", event.getClass()).invoke(null, event);
            assertNotNull(call(stop, "timestamp"));
            assertEquals(call(event, "timestamp"), call(stop, "timestamp"));
            assertEquals(stop, call(typed, "next", Duration.ofSeconds(30)));
            assertEquals(null, call(typed, "poll", Duration.ZERO));
            assertEquals("PAUSED", call(call(qmp, "queryStatus"), "status").toString());
            CompletableFuture<?> cont = (CompletableFuture<?>) call(qmp, "contAsync");
            assertInstanceOf(CompletableFuture.class, cont);
            assertEquals(null, cont.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void driftAgainstTheQemuOfTheSameSchemaFindsNothingNewOrChanged() throws Exception {
        Object drift = call(qmp, "drift");
        System.out.println("GENERATED | 7.2's API on QEMU 7.2, drift():\n" + drift);
        // Same release: nothing is new, nothing changed shape. Missing are only the commands Debian's build
        // leaves out (its 'if' conditions), which the report must say.
        assertEquals(List.of(), call(drift, "newCommands"));
        assertEquals(List.of(), call(drift, "changedCommands"));
        assertEquals(List.of(), call(drift, "newEvents"));
        assertEquals(java.util.Map.of(), call(drift, "newEnumValues"));
        List<?> missing = (List<?>) call(drift, "missingCommands");
        assertTrue(missing.size() < 20, missing.toString());
    }
}
