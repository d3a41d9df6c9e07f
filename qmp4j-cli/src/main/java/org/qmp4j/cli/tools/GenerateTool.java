package org.qmp4j.cli.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.Options;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.ToolFailure;
import org.qmp4j.cli.UsageException;
import org.qmp4j.codegen.java.JavaGenerator;
import org.qmp4j.codegen.java.Names;
import org.qmp4j.codegen.qapi.QapiException;
import org.qmp4j.codegen.qapi.QapiParser;
import org.qmp4j.codegen.qapi.QapiSchema;

/**
 * {@code qmp4j generate}: a typed Java API from the QAPI schema of the user's own QEMU (its
 * {@code qapi/qapi-schema.json}, or {@code qga/qapi-schema.json} for the guest agent), written as source
 * files. The schema is QEMU's (GPL-2.0-or-later) and stays on the user's machine; qmp4j ships none of it.
 */
public final class GenerateTool extends Tool {
    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String synopsis() {
        return "--schema FILE --package PKG --out DIR";
    }

    @Override
    public String description() {
        return "Generate a typed Java API from QEMU's QAPI schema: FILE is qapi/qapi-schema.json of a QEMU source "
                + "tree (or Debian's source package: apt-get source qemu), or qga/qapi-schema.json for the guest "
                + "agent (the facade is then Qga instead of Qmp). Writes the sources under DIR in package PKG; "
                + "they need only qmp4j-core at compile and run time. Example: qmp4j generate --schema "
                + "qemu/qapi/qapi-schema.json --package com.example.qemu --out target/generated-sources/qmp4j";
    }

    @Override
    public boolean usesQmpSocket() {
        return false;
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option(null, "schema", "FILE", "QEMU's qapi/qapi-schema.json (or qga/qapi-schema.json)"));
        options.addOption(option(null, "package", "PKG", "the generated code's Java package"));
        options.addOption(option(null, "out", "DIR", "the source root to write into"));
    }

    @Override
    public int run(Invocation in) {
        if (!in.args().isEmpty()) {
            throw new UsageException("unexpected argument '" + in.args().get(0) + "'");
        }
        String schemaFile = required(in, "schema");
        String pkg = required(in, "package");
        String out = required(in, "out");
        if (!Names.isPackageName(pkg)) {
            throw new UsageException("--package " + pkg + " is not a Java package name");
        }
        long t0 = System.nanoTime();
        QapiSchema schema = parse(schemaFile);
        JavaGenerator.Facade facade = JavaGenerator.Facade.of(schema);
        List<Path> written = JavaGenerator.generate(schema, pkg, Path.of(out), facade);
        in.err().printf("generate: %d files in %s (%s facade %s: %d commands, %d events, %d types) in %d ms%n",
                written.size(), out, pkg, facade.className(), schema.commands().size(), schema.events().size(),
                schema.types().size(), (System.nanoTime() - t0) / 1_000_000);
        return ExitCode.OK;
    }

    /**
     * Reads a QAPI schema named by {@code --schema}: a missing file is a usage error, a schema error (one line,
     * with file and line) a failure.
     */
    static QapiSchema parse(String schemaFile) {
        Path file = Path.of(schemaFile);
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--schema " + schemaFile + ": no such file (QEMU's qapi/qapi-schema.json)");
        }
        try {
            return QapiParser.parse(file);
        } catch (QapiException e) {
            throw new ToolFailure(e.getMessage(), ExitCode.FAILURE, e);
        }
    }

    static String required(Invocation in, String option) {
        String v = in.line().getOptionValue(option);
        if (v == null || v.isBlank()) {
            throw new UsageException("--" + option + " is required");
        }
        return v;
    }
}
