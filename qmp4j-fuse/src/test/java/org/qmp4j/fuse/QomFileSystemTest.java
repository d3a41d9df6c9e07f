package org.qmp4j.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.qmp4j.QmpClient;
import org.qmp4j.testkit.FakeQmpServer;
import org.qmp4j.testkit.Response;

/** The filesystem logic without a mount, against a scripted QMP server. */
class QomFileSystemTest {
    private FakeQmpServer server;
    private QmpClient qmp;

    @BeforeEach
    void start() {
        server = FakeQmpServer.start();
        server.on("qom-list", c -> switch (c.arguments().path("path").asText()) {
            case "/" -> Response.returns(List.of(Map.of("name", "machine", "type", "child<container>")));
            case "/machine" -> Response.returns(List.of(
                    Map.of("name", "type", "type", "string"),
                    Map.of("name", "smp", "type", "SMPConfiguration"),
                    Map.of("name", "firmware", "type", "string"),
                    Map.of("name", "acpi-device", "type", "link<acpi-device>"),
                    Map.of("name", "unattached", "type", "child<container>")));
            case "/machine/unattached" -> Response.returns(List.of(Map.of("name", "type", "type", "string")));
            default -> Response.error("DeviceNotFound", "Device '" + c.arguments().path("path").asText() + "' not found");
        });
        server.on("qom-get", c -> switch (c.arguments().path("property").asText()) {
            case "type" -> Response.returns("pc-q35-7.2-machine");
            case "smp" -> Response.returns(Map.of("cpus", 1));
            case "acpi-device" -> Response.returns("/machine/unattached");
            case "firmware" -> Response.returns("");
            default -> Response.error("GenericError", "Property not found");
        });
        server.on("qom-set", c -> c.arguments().path("property").asText().equals("type")
                ? Response.error("GenericError", "Property 'x.type' is not writable") : Response.ok());
        qmp = QmpClient.connect(server.address());
    }

    @AfterEach
    void stop() {
        qmp.close();
        server.close();
    }

    private QomFileSystem fs(Duration ttl, boolean readOnly) {
        return new QomFileSystem(qmp, ttl, readOnly);
    }

    @Test
    void mapsObjectsPropertiesAndLinks() {
        QomFileSystem fs = fs(Duration.ofSeconds(1), false);
        assertEquals(List.of("machine"), fs.list("/"));
        assertEquals(List.of("type", "smp", "firmware", "acpi-device", "unattached"), fs.list("/machine"));
        assertInstanceOf(QomFileSystem.Dir.class, fs.lookup("/machine/unattached"));
        assertInstanceOf(QomFileSystem.File.class, fs.lookup("/machine/type"));
        assertInstanceOf(QomFileSystem.Link.class, fs.lookup("/machine/acpi-device"));
        assertEquals("pc-q35-7.2-machine\n", new String(fs.read("/machine/type"), StandardCharsets.UTF_8));
        assertEquals("{\"cpus\":1}\n", new String(fs.read("/machine/smp"), StandardCharsets.UTF_8));
        assertEquals("unattached", fs.readlink("/machine/acpi-device"));
    }

    @Test
    void errorsBecomeErrnos() {
        QomFileSystem fs = fs(Duration.ofSeconds(1), false);
        assertEquals(QomFileSystem.Errno.ENOENT, assertThrows(QomFileSystem.FsException.class,
                () -> fs.lookup("/machine/nope")).errno());
        assertEquals(QomFileSystem.Errno.ENOENT, assertThrows(QomFileSystem.FsException.class,
                () -> fs.list("/nope")).errno());
        assertEquals(QomFileSystem.Errno.EISDIR, assertThrows(QomFileSystem.FsException.class,
                () -> fs.read("/machine/unattached")).errno());
        assertEquals(QomFileSystem.Errno.EACCES, assertThrows(QomFileSystem.FsException.class,
                () -> fs.write("/machine/type", "x\n".getBytes(StandardCharsets.UTF_8))).errno());
        assertEquals(QomFileSystem.Errno.EACCES, assertThrows(QomFileSystem.FsException.class,
                () -> fs(Duration.ZERO, true).write("/machine/smp", "{}".getBytes(StandardCharsets.UTF_8))).errno());
    }

    @Test
    void writesParseJsonElseSendAString() {
        QomFileSystem fs = fs(Duration.ofSeconds(1), false);
        fs.write("/machine/smp", "{\"cpus\": 2}\n".getBytes(StandardCharsets.UTF_8));
        fs.write("/machine/firmware", "bios-256k.bin\n".getBytes(StandardCharsets.UTF_8));
        List<org.qmp4j.testkit.RecordedCommand> sets = server.commands().stream()
                .filter(c -> c.name().equals("qom-set")).toList();
        assertEquals(2, sets.get(0).arguments().path("value").path("cpus").asInt());
        assertEquals("bios-256k.bin", sets.get(1).arguments().path("value").asText(), "not JSON: a string, newline dropped");
    }

    @Test
    void aDirectoryCostsOneListingAndItsValuesComeTogether() {
        QomFileSystem fs = fs(Duration.ofSeconds(30), false);
        fs.list("/machine");
        long before = server.commands().size();
        for (int i = 0; i < 5; i++) {
            fs.read("/machine/type");
            fs.read("/machine/smp");
            fs.lookup("/machine/acpi-device");
        }
        assertEquals(before, server.commands().size(), "listing and values are cached within the TTL");
        QomFileSystem uncached = fs(Duration.ZERO, false);
        long start = server.commands().size();
        uncached.read("/machine/type");
        uncached.read("/machine/type");
        assertEquals(start + 2 * 3, server.commands().size(), "with TTL 0: root list, /machine list, get, twice");
    }

    @Test
    void linkTargetsAreRelativeToTheLinksDirectory() {
        assertEquals("unattached/device[2]", QomFileSystem.relative("/machine", "/machine/unattached/device[2]"));
        assertEquals("../peripheral/nic0", QomFileSystem.relative("/machine/unattached", "/machine/peripheral/nic0"));
        assertEquals("../..", QomFileSystem.relative("/a/b", "/"));
        assertEquals(".", QomFileSystem.relative("/a", "/a"));
    }
}
