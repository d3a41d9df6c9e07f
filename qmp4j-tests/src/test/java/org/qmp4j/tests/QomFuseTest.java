package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.qmp4j.QmpClient;
import org.qmp4j.launch.QemuProcess;

/** bin/qom-fuse mounted for real (/dev/fuse, libfuse2) over a real QEMU (q35, -S). */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // a broken deadline fails the test instead of hanging the fork
class QomFuseTest {
    private QemuProcess qemu;
    private QmpClient qmp;
    private Path dir;
    private Path mnt;
    private Process fuse;

    @BeforeEach
    void mount() throws Exception {
        dir = Files.createTempDirectory("qmp4j-fuse-");
        mnt = Files.createDirectory(dir.resolve("mnt"));
        String sock = dir.resolve("fuse.sock").toString();
        qemu = QemuProcess.builder().addArgs("-qmp", "unix:" + sock + ",server=on,wait=off").start();
        qmp = qemu.client();
        fuse = new ProcessBuilder(ToolProcess.ROOT.resolve("bin/qom-fuse").toString(), "-s", sock,
                "-o", "default_permissions", mnt.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("fuse.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(mounted() && log().contains("mounted")) && System.nanoTime() < deadline && fuse.isAlive()) {
            Thread.sleep(50);
        }
        assertTrue(mounted(), () -> "not mounted: " + log());
        assertTrue(log().contains("mounted"), this::log);
        String line = Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.contains(" " + mnt + " "))
                .findFirst().orElse("");
        assertTrue(line.contains("default_permissions"), "-o reaches FUSE: " + line);
    }

    @AfterEach
    void unmount() throws Exception {
        if (fuse.isAlive()) {
            fuse.destroy();
            fuse.waitFor(30, TimeUnit.SECONDS);
        }
        if (mounted()) {
            new ProcessBuilder("fusermount", "-u", mnt.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
        qemu.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private boolean mounted() throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(" " + mnt + " "));
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("fuse.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void listsAndReadsObjectsAndProperties() throws Exception {
        Set<String> names;
        try (Stream<Path> s = Files.list(mnt.resolve("machine"))) {
            names = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        assertTrue(names.contains("type") && names.contains("unattached") && names.contains("peripheral"), names.toString());
        String type = qmp.execute("qom-get", Map.of("path", "/machine", "property", "type")).asText();
        assertEquals(type + "\n", Files.readString(mnt.resolve("machine/type")));
        assertEquals(type.length() + 1, Files.size(mnt.resolve("machine/type")), "the real size, not 4096");
        assertTrue(Files.isDirectory(mnt.resolve("machine/unattached")));
    }

    @Test
    void linksAreRelativeSymlinksThatCanBeTraversed() throws Exception {
        Path link = null;
        String target = null;
        for (JsonNode p : qmp.execute("qom-list", Map.of("path", "/machine"))) {
            if (p.path("type").asText().startsWith("link<")) {
                String value = qmp.execute("qom-get", Map.of("path", "/machine", "property", p.path("name").asText())).asText();
                if (!value.isEmpty()) {
                    link = mnt.resolve("machine").resolve(p.path("name").asText());
                    target = value;
                    break;
                }
            }
        }
        assertTrue(link != null, "q35's /machine has a set link");
        assertTrue(Files.isSymbolicLink(link));
        Path relative = Files.readSymbolicLink(link);
        assertFalse(relative.isAbsolute(), relative.toString());
        assertEquals(mnt.resolve(target.substring(1)).normalize(), link.getParent().resolve(relative).normalize());
        String type = qmp.execute("qom-get", Map.of("path", target, "property", "type")).asText();
        assertEquals(type + "\n", Files.readString(link.resolve("type")), "traversal through the link");
    }

    @Test
    void findSeesEveryObjectThatQomListSees() throws Exception {
        Set<String> expected = new TreeSet<>();
        walk("/machine", expected);
        Set<String> found;
        try (Stream<Path> s = Files.walk(mnt.resolve("machine"))) { // does not follow links
            found = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> "/" + mnt.relativize(p)).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(expected, found);
    }

    private void walk(String path, Set<String> out) {
        out.add(path);
        for (JsonNode p : qmp.execute("qom-list", Map.of("path", path))) {
            if (p.path("type").asText().startsWith("child<")) {
                walk(path + "/" + p.path("name").asText(), out);
            }
        }
    }

    @Test
    void writesSetPropertiesAndRefusalsAreErrors() throws Exception {
        Files.writeString(mnt.resolve("machine/graphics"), "false\n");
        assertFalse(qmp.execute("qom-get", Map.of("path", "/machine", "property", "graphics")).asBoolean());
        assertEquals("false\n", Files.readString(mnt.resolve("machine/graphics")));
        Files.writeString(mnt.resolve("machine/graphics"), "true");
        assertTrue(qmp.execute("qom-get", Map.of("path", "/machine", "property", "graphics")).asBoolean());
        IOException refused = assertThrows(IOException.class, () -> Files.writeString(mnt.resolve("machine/type"), "x\n"));
        assertTrue(refused.getMessage().contains("Permission denied"), "EACCES from write(2): " + refused);
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Files.readString(mnt.resolve("machine/no-such")));
    }

    @Test
    void sigtermUnmountsCleanly() throws Exception {
        fuse.destroy(); // SIGTERM
        assertTrue(fuse.waitFor(30, TimeUnit.SECONDS));
        assertFalse(mounted(), "no mount left behind");
    }

    @Test
    void aStaleMountIsReportedWithTheCommandToClearIt() throws Exception {
        fuse.destroyForcibly(); // SIGKILL: no chance to unmount
        assertTrue(fuse.waitFor(30, TimeUnit.SECONDS));
        assertTrue(mounted(), "SIGKILL leaves the mount behind");
        ToolProcess.Result again = ToolProcess.run(Map.of(), null, "qom-fuse", "-s", "/nonexistent.sock", mnt.toString());
        assertEquals(1, again.exit(), again::toString);
        assertTrue(again.err().contains("stale mount") && again.err().contains("fusermount -u " + mnt), again::toString);
    }

    @Test
    void launchMountsAThrowawayQemu() throws Exception {
        Path other = Files.createDirectory(dir.resolve("launched"));
        Set<ProcessHandle> launched = Set.of();
        Process p = new ProcessBuilder(ToolProcess.ROOT.resolve("bin/qom-fuse").toString(), "--launch", "--read-only",
                other.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("launch.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(dir.resolve("launch.log")).contains("mounted") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(Files.readString(other.resolve("machine/type")).contains("q35"));
            // This tool's own QEMU, not others that may run on the machine at the same time.
            launched = p.toHandle().descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("qemu-system-x86_64")).orElse(false))
                    .collect(Collectors.toSet());
            assertEquals(1, launched.size(), "one throwaway QEMU: " + launched);
            IOException readOnly = assertThrows(IOException.class,
                    () -> Files.writeString(other.resolve("machine/graphics"), "false"));
            assertTrue(readOnly.getMessage().contains("Read-only") || readOnly.getMessage().contains("denied"),
                    readOnly.toString());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertFalse(Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(" " + other + " ")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (launched.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(launched.stream().anyMatch(ProcessHandle::isAlive), "the throwaway QEMU was shut down too");
    }

    @Test
    void killingQemuTakesTheMountAway() throws Exception {
        qemu.kill();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (mounted() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(mounted(), "the mount went away with QEMU");
        assertTrue(fuse.waitFor(15, TimeUnit.SECONDS));
        assertEquals(3, fuse.exitValue(), this::log);
        assertTrue(log().contains("connection to QEMU ended"), this::log);
    }
}
