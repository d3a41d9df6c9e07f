package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.launch.QemuProcess;

/**
 * The tools as QEMU users install them, built by qmp4j-dist: the tarball unpacked where there is no
 * Maven and no source tree, and the Debian package installed into a fresh Debian 12 chroot.
 */
class DistributionTest {
    private static final String VERSION = "0.1.0";
    private static final Path TARGET = ToolProcess.ROOT.resolve("qmp4j-dist/target");

    @TempDir
    Path dir;

    record Run(int exit, String out) {
    }

    private static Run run(List<String> cmd, Map<String, String> env, String stdin, Path cwd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.MINUTES), cmd + " did not finish");
        return new Run(p.exitValue(), out);
    }

    /** Every regular file under a directory with its size and time: to show nothing was written there. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                files.put(root.relativize(p).toString(), Files.isSymbolicLink(p) ? "link"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theTarballRunsWithoutMavenOrTheSources() throws Exception {
        Path tarball = TARGET.resolve("qmp4j-" + VERSION + ".tar.gz");
        assertTrue(Files.isRegularFile(tarball), "mvn package makes " + tarball);
        Path opt = Files.createDirectories(dir.resolve("opt"));
        assertEquals(0, run(List.of("tar", "-xzf", tarball.toString()), Map.of("PATH", "/usr/bin:/bin"), null, opt).exit());
        Path home = opt.resolve("qmp4j-" + VERSION);
        for (String f : List.of("bin/qmp4j", "bin/qom-get", "bin/qom-fuse", "lib/qmp4j-core-" + VERSION + ".jar",
                "man/man1/qom-get.1", "man/man1/qmp-shell.1", "completion/qmp4j", "LICENSE", "NOTICE", "README")) {
            assertTrue(Files.exists(home.resolve(f)), f);
        }
        // A PATH with only what the launcher itself runs: no mvn, and the checkout is nowhere near.
        Path path = Files.createDirectories(dir.resolve("path"));
        for (String tool : List.of("bash", "env", "readlink", "mkdir", "rm", "mv", "java")) {
            Files.createSymbolicLink(path.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
        }
        Path userHome = Files.createDirectories(dir.resolve("home"));
        Map<String, String> env = Map.of("PATH", path.toString(), "HOME", userHome.toString(), "LANG", "C.UTF-8");
        Map<String, String> before = snapshot(home);
        Path sock = dir.resolve("tools.sock");
        try (QemuProcess qemu = QemuProcess.builder().addArgs("-qmp", "unix:" + sock + ",server=on,wait=off").start()) {
            String expected = qemu.client().execute("qom-get", Map.of("path", "/machine", "property", "type")).asText();
            for (int i = 0; i < 2; i++) { // the first run records the start-up cache, the second uses it
                Run get = run(List.of(home.resolve("bin/qom-get").toString(), "-s", sock.toString(), "/machine.type"),
                        env, null, dir);
                assertEquals(0, get.exit(), get.out());
                assertEquals(expected, get.out().strip());
            }
            Run shell = run(List.of(home.resolve("bin/qmp-shell").toString(), "-s", sock.toString()), env,
                    "query-status\nqom-get path=/machine property=type\n", dir);
            assertEquals(0, shell.exit(), shell.out());
            assertTrue(shell.out().contains("\"status\":\"prelaunch\"") && shell.out().contains(expected), shell.out());
            Run version = run(List.of(home.resolve("bin/qmp4j").toString(), "qom-list", "--version"), env, null, dir);
            assertEquals("qom-list (qmp4j) " + VERSION, version.out().strip());
        }
        assertEquals(before, snapshot(home), "the tools wrote inside the installation");
        try (Stream<Path> caches = Files.list(userHome.resolve(".cache/qmp4j"))) {
            assertTrue(caches.anyMatch(p -> p.getFileName().toString().startsWith(VERSION)),
                    "the start-up cache is per user and per version");
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // the first run makes a Debian 12 chroot and downloads a JRE
    void theDebianPackageIsCleanAndInstallsIntoAFreshDebian() throws Exception {
        Path deb = TARGET.resolve("qmp4j_" + VERSION + "-1_all.deb");
        assertTrue(Files.isRegularFile(deb), "mvn package makes " + deb);
        Map<String, String> env = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LANG", "C.UTF-8");
        Run lintian = run(List.of("lintian", "--fail-on", "error", "--no-tag-display-limit", deb.toString()), env, null, dir);
        assertEquals(0, lintian.exit(), lintian.out());
        assertTrue(lintian.out().lines().noneMatch(l -> l.startsWith("E:")), lintian.out());
        System.out.println("DISTRIBUTION | lintian | " + lintian.out().lines().filter(l -> l.startsWith("W:")).toList());
        Run install = run(List.of(TARGET.getParent().resolve("src/test/install-deb").toString(), deb.toString()), env,
                null, dir);
        assertEquals(0, install.exit(), install.out());
        for (String check : List.of("ok: apt-get install", "ok: qom-get --launch /machine.type -> pc-q35-",
                "ok: qmp-shell --launch", "ok: man -w qom-get", "ok: bash completion", "ok: start-up cache",
                "ok: apt-get remove")) {
            assertTrue(install.out().contains(check), check + " in:\n" + install.out());
        }
    }
}
