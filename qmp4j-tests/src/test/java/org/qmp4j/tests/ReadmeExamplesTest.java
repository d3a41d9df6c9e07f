package org.qmp4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.qmp4j.codegen.java.JavaGenerator;
import org.qmp4j.codegen.qapi.QapiParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java example in the README compiles against the library as built. A block with its own
 * imports must compile with exactly those; the others are continuations of it and get its usual ones. A
 * block of the typed API ({@code new Qmp(}) compiles against the API generated from QEMU 7.2's schema
 * (testenv/fetch-qapi) in the README's package {@code com.example.qemu}.
 */
class ReadmeExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final String CONTINUATION_IMPORTS = """
            import com.fasterxml.jackson.databind.JsonNode;
            import java.io.RandomAccessFile;
            import java.nio.file.Path;
            import java.time.Duration;
            import java.util.Map;
            import org.qmp4j.*;
            import org.qmp4j.launch.QemuProcess;
            import org.qmp4j.mux.QmpMux;
            import org.qmp4j.ops.*;
            import org.qmp4j.qga.GuestAgentClient;
            import org.qmp4j.testkit.FakeQmpServer;
            import org.qmp4j.testkit.Response;
            """;

    @TempDir
    Path dir;

    @Test
    void everyJavaBlockCompiles() throws Exception {
        String readme = Files.readString(ToolProcess.ROOT.resolve("README.md"));
        Matcher m = BLOCK.matcher(readme);
        List<String> files = new ArrayList<>();
        List<String> generated = new ArrayList<>();
        while (m.find()) {
            StringBuilder imports = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : m.group(1).split("\n")) {
                (line.startsWith("import ") ? imports : body).append(line).append('\n');
            }
            String name = "Example" + (files.size() + 1);
            // Variables the continuation blocks take from the ones before them.
            String text = body.toString();
            boolean typed = text.contains("new Qmp(");
            String context = typed ? "QmpClient qmpClient = null;\n"
                    : Pattern.compile("\\bqmp\\b[.,)]").matcher(text).find() && !text.contains("QmpClient qmp ")
                    ? "QmpClient qmp = null;\n" : "";
            if (typed && generated.isEmpty()) {
                generated.addAll(generateTypedApi());
            }
            String source = (imports.length() > 0 ? imports : CONTINUATION_IMPORTS)
                    + "\nclass " + name + " {\n    void run() throws Exception {\n" + context + body + "    }\n}\n";
            Path file = dir.resolve(name + ".java");
            Files.writeString(file, source);
            files.add(file.toString());
        }
        assertTrue(files.size() >= 6, "the README's Java blocks were found: " + files.size());
        List<String> args = new ArrayList<>(List.of("-proc:none", "-d", dir.resolve("classes").toString(),
                "-cp", System.getProperty("java.class.path")));
        args.addAll(files);
        args.addAll(generated);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = ToolProvider.findFirst("javac").orElseThrow().run(System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(new String[0]));
        assertEquals(0, rc, () -> err.toString(StandardCharsets.UTF_8));
    }

    /** The README's typed API: QEMU 7.2's schema through qmp4j-codegen, in package com.example.qemu. */
    private List<String> generateTypedApi() throws Exception {
        String qapi = System.getProperty("qmp4j.qapiDir", "");
        if (qapi.isBlank() || qapi.startsWith("${")) {
            throw new AssertionError("QMP4J_QAPI_DIR is not set: run the tests with ./dev test (testenv/fetch-qapi)");
        }
        Path out = dir.resolve("generated");
        List<String> paths = new ArrayList<>();
        for (Path p : JavaGenerator.generate(QapiParser.parse(Path.of(qapi, "7.2", "qapi", "qapi-schema.json")),
                "com.example.qemu", out)) {
            paths.add(p.toString());
        }
        return paths;
    }
}
