package org.qmp4j.codegen.java;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.qmp4j.codegen.qapi.AlternateDef;
import org.qmp4j.codegen.qapi.QapiSchema;
import org.qmp4j.codegen.qapi.QemuSchemas;
import org.qmp4j.codegen.qapi.UnionDef;

/** Everything generated from QEMU 7.2's and 10.0's QMP and guest-agent schemas compiles. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class GeneratedSchemaTest {

    @ParameterizedTest
    @CsvSource({"7.2, qapi", "10.0, qapi", "7.2, qga", "10.0, qga"})
    void generatedCodeCompiles(String version, String which, @TempDir Path dir) {
        QapiSchema schema = QemuSchemas.schema(version, which);
        JavaGenerator.Facade facade = which.equals("qga") ? JavaGenerator.Facade.QGA : JavaGenerator.Facade.QMP;
        long t0 = System.nanoTime();
        Map<String, String> sources = JavaGenerator.sources(schema, "org.example.qemu", facade);
        long generateMs = (System.nanoTime() - t0) / 1_000_000;
        Compiled compiled = Compiled.compile(sources, dir);
        // Unions left as JsonNode: those with a union branch (see JavaGenerator); the rest, and alternates, are sealed.
        List<String> jsonUnions = schema.types().stream().filter(d -> d instanceof UnionDef u
                && !sources.containsKey("org/example/qemu/" + Names.type(u.name()) + ".java"))
                .map(d -> d.name()).toList();
        long unions = schema.types().stream().filter(d -> d instanceof UnionDef).count();
        long alternates = schema.types().stream().filter(d -> d instanceof AlternateDef).count();
        System.out.println("GENERATED | " + version + (which.equals("qga") ? " qga" : "") + " | "
                + compiled.files + " files (generated in " + generateMs + " ms), compiled in "
                + compiled.compileMillis + " ms | " + schema.commands().size() + " commands, "
                + schema.events().size() + " events, " + (unions - jsonUnions.size()) + " of " + unions
                + " unions typed (JsonNode: " + jsonUnions + "), " + alternates + " alternates");
        assertTrue(sources.containsKey("org/example/qemu/" + facade.className() + ".java"));
    }
}
