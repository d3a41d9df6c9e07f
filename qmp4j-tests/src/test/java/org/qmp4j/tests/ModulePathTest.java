package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.qmp4j.QmpClient;
import org.slf4j.Logger;

/**
 * The fence around the engine, as a modular application sees it: the core is a named module that
 * exports only the API packages; an application that {@code requires org.qmp4j.core} compiles and runs
 * on the module path (against a real QEMU) and cannot compile against the engine.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ModulePathTest {
    private static final Set<String> API = Set.of("org.qmp4j", "org.qmp4j.qga", "org.qmp4j.qom", "org.qmp4j.launch",
            "org.qmp4j.schema", "org.qmp4j.ops");
    private static final Set<String> OUR_MODULES = Set.of("org.qmp4j.testkit", "org.qmp4j.cli", "org.qmp4j.fuse",
            "org.qmp4j.fdpass", "org.qmp4j.mux");

    @TempDir
    Path dir;

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static String modulePath() {
        return List.of(QmpClient.class, JsonNode.class, JsonParser.class, JsonProperty.class, Logger.class).stream()
                .map(c -> location(c).toString()).collect(Collectors.joining(java.io.File.pathSeparator));
    }

    @Test
    void theCoreExportsTheApiToEveryoneAndTheEngineOnlyToOurModules() {
        ModuleDescriptor core = ModuleFinder.of(location(QmpClient.class)).findAll().iterator().next().descriptor();
        assertEquals("org.qmp4j.core", core.name());
        assertFalse(core.isAutomatic());
        Set<String> open = new TreeSet<>();
        for (ModuleDescriptor.Exports e : core.exports()) {
            if (e.isQualified()) {
                assertTrue(e.source().startsWith("org.qmp4j.internal."), e.toString());
                assertTrue(OUR_MODULES.containsAll(e.targets()), e.toString());
            } else {
                open.add(e.source());
            }
        }
        assertEquals(new TreeSet<>(API), open);
        assertTrue(core.packages().stream().filter(p -> !API.contains(p)).allMatch(p -> p.startsWith("org.qmp4j.internal.")),
                "every other package is under internal: " + core.packages());
    }

    @Test
    void jarDescribeModuleShowsTheSame() {
        Path jar = location(QmpClient.class);
        if (Files.isDirectory(jar)) {
            return; // run from the reactor's classes: the descriptor test above covers it
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = ToolProvider.findFirst("jar").orElseThrow().run(new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, "--describe-module", "--file", jar.toString());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        assertTrue(text.startsWith("org.qmp4j.core@"), text);
        for (String p : API) {
            assertTrue(text.contains("\nexports " + p + "\n"), text);
        }
        assertFalse(text.contains("\nexports org.qmp4j.internal"), text);
        assertTrue(text.contains("qualified exports org.qmp4j.internal.session to"), text);
    }

    @Test
    void aModularApplicationCompilesAndRunsOnTheModulePath() throws Exception {
        List<String> sources = module("app", """
                package app;

                import com.fasterxml.jackson.databind.JsonNode;
                import java.time.Duration;
                import org.qmp4j.QmpRequest;
                import org.qmp4j.launch.QemuProcess;

                public class Main {
                    public static void main(String[] args) {
                        try (QemuProcess qemu = QemuProcess.start()) {
                            JsonNode status = qemu.client().execute(QmpRequest.of("query-status").timeout(Duration.ofSeconds(30)));
                            System.out.println("status " + status.path("status").asText()
                                    + " module " + QemuProcess.class.getModule().getName());
                        }
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        List<String> args = new java.util.ArrayList<>(List.of("--module-path", modulePath(), "-d", classes.toString()));
        args.addAll(sources);
        javac(args.toArray(new String[0]));
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", classes + java.io.File.pathSeparator + modulePath(), "-m", "app/app.Main")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("status prelaunch module org.qmp4j.core"), output);
    }

    @Test
    void aModularApplicationCannotCompileAgainstTheEngine() throws Exception {
        List<String> sources = module("sneaky", """
                package sneaky;
                public class Main {
                    Object session = org.qmp4j.internal.session.MessageSession.class;
                }
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new java.util.ArrayList<>(List.of("--module-path", modulePath(), "-d", dir.resolve("out").toString()));
        args.addAll(sources);
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8),
                args.toArray(new String[0]));
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, rc, text);
        assertTrue(text.contains("package org.qmp4j.internal.session is not visible"), text);
    }

    /** Writes a module that requires org.qmp4j.core, with one class NAME.Main; returns the source files. */
    private List<String> module(String name, String main) throws java.io.IOException {
        Path src = dir.resolve("src").resolve(name);
        Files.createDirectories(src.resolve(name));
        Files.writeString(src.resolve("module-info.java"), "module " + name + " { requires org.qmp4j.core; }\n");
        Files.writeString(src.resolve(name).resolve("Main.java"), main);
        return List.of(src.resolve("module-info.java").toString(), src.resolve(name).resolve("Main.java").toString());
    }

    private static void javac(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), args);
        assertEquals(0, rc, () -> err.toString(StandardCharsets.UTF_8));
    }
}
