package org.qmp4j.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The goal run as Maven would, on a tiny made-up schema of two files. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GenerateMojoTest {
    @TempDir
    Path dir;
    private Path schema;
    private Path types;
    private Path out;
    private MavenProject project;

    @BeforeEach
    void writeSchema() throws IOException {
        schema = dir.resolve("qapi/qapi-schema.json");
        types = dir.resolve("qapi/types.json");
        Files.createDirectories(schema.getParent());
        Files.writeString(schema, """
                { 'include': 'types.json' }
                { 'command': 'query-thing', 'data': { 'name': 'str' }, 'returns': 'Thing' }
                { 'event': 'THING_CHANGED', 'data': { 'name': 'str' } }
                """);
        Files.writeString(types, "{ 'struct': 'Thing', 'data': { 'name': 'str', '*size': 'int' } }\n");
        out = dir.resolve("target/generated-sources/qmp4j");
        project = new MavenProject();
    }

    private GenerateMojo mojo(String pkg) {
        GenerateMojo m = new GenerateMojo();
        m.schema = schema.toFile();
        m.packageName = pkg;
        m.outputDirectory = out.toFile();
        m.project = project;
        return m;
    }

    private static void age(Path file) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
    }

    private List<Path> javaFiles() throws IOException {
        try (Stream<Path> s = Files.walk(out)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    void generatesTheApiAndAddsTheSourceRoot() throws Exception {
        mojo("com.example.thing").execute();
        Path pkg = out.resolve("com/example/thing");
        for (String name : List.of("Qmp", "Thing", "QueryThingArgs", "ThingChangedEvent")) {
            assertTrue(Files.isRegularFile(pkg.resolve(name + ".java")), name);
        }
        assertTrue(Files.readString(pkg.resolve("Qmp.java")).contains("public Thing queryThing(QueryThingArgs"));
        assertEquals(List.of(out.toString()), project.getCompileSourceRoots());
    }

    @Test
    void aSecondRunWritesNothingUntilASchemaFileOrAParameterChanges() throws Exception {
        age(schema);
        age(types);
        mojo("com.example.thing").execute();
        Path qmp = out.resolve("com/example/thing/Qmp.java");
        FileTime first = FileTime.from(Instant.now().minusSeconds(60));
        Files.setLastModifiedTime(qmp, first);

        mojo("com.example.thing").execute();
        assertEquals(first, Files.getLastModifiedTime(qmp), "up to date: not written again");
        assertEquals(List.of(out.toString()), project.getCompileSourceRoots());

        Files.setLastModifiedTime(types, FileTime.from(Instant.now()));   // an included file changed
        mojo("com.example.thing").execute();
        assertNotEquals(first, Files.getLastModifiedTime(qmp));

        int before = javaFiles().size();
        mojo("com.example.other").execute();   // another package: the old one's files go
        assertFalse(Files.exists(qmp));
        assertTrue(Files.isRegularFile(out.resolve("com/example/other/Qmp.java")));
        assertEquals(before, javaFiles().size());
    }

    @Test
    void theFacadeIsQgaForTheGuestAgentsSchemaUnlessGiven() throws Exception {
        Files.writeString(schema, "{ 'command': 'guest-sync', 'data': { 'id': 'int' }, 'returns': 'int' }\n");
        mojo("com.example.ga").execute();
        assertTrue(Files.isRegularFile(out.resolve("com/example/ga/Qga.java")));

        GenerateMojo qmp = mojo("com.example.ga");
        qmp.facade = "qmp";
        qmp.execute();
        assertTrue(Files.isRegularFile(out.resolve("com/example/ga/Qmp.java")));
        assertFalse(Files.exists(out.resolve("com/example/ga/Qga.java")));
    }

    @Test
    void aSchemaErrorIsOneLineWithFileAndLine() throws IOException {
        Files.writeString(types, "{ 'struct': 'Thing', 'data': { 'name': 'NoSuchType' } }\n");
        MojoExecutionException e = assertThrows(MojoExecutionException.class, () -> mojo("com.example.t").execute());
        assertTrue(e.getMessage().startsWith(types + ":1: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(project.getCompileSourceRoots().isEmpty());
    }

    @Test
    void aMissingSchemaABadPackageOrFacadeAreClearErrors() {
        GenerateMojo missing = mojo("com.example.t");
        missing.schema = new File(dir.toFile(), "nowhere/qapi-schema.json");
        assertTrue(assertThrows(MojoExecutionException.class, missing::execute).getMessage()
                .contains("nowhere/qapi-schema.json is not a file"));
        assertTrue(assertThrows(MojoExecutionException.class, () -> mojo("com.int.t").execute()).getMessage()
                .contains("not a Java package name"));
        GenerateMojo badFacade = mojo("com.example.t");
        badFacade.facade = "qemu";
        assertTrue(assertThrows(MojoExecutionException.class, badFacade::execute).getMessage()
                .contains("neither QMP nor QGA"));
    }

    @Test
    void skipDoesNothing() throws Exception {
        GenerateMojo m = mojo("com.example.t");
        m.skip = true;
        m.execute();
        assertFalse(Files.exists(out));
        assertTrue(project.getCompileSourceRoots().isEmpty());
    }
}
