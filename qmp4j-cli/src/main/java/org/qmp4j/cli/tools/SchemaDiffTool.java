package org.qmp4j.cli.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.commons.cli.Options;
import org.qmp4j.cli.ExitCode;
import org.qmp4j.cli.Invocation;
import org.qmp4j.cli.Tool;
import org.qmp4j.cli.UsageException;
import org.qmp4j.codegen.qapi.Introspection;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.schema.QmpSchema;
import org.qmp4j.schema.SchemaDrift;

/**
 * {@code qmp4j schema-diff --schema FILE}: how a running QEMU's schema differs from a QAPI schema, e.g. the one
 * a typed API was generated from. The same report as the generated {@code Qmp.drift()}.
 */
public final class SchemaDiffTool extends Tool {
    @Override
    public String name() {
        return "schema-diff";
    }

    @Override
    public String synopsis() {
        return "[-s ADDR] --schema FILE [--exit-code]";
    }

    @Override
    public String description() {
        return "Compare QEMU's schema (query-qmp-schema) with the QAPI schema FILE (qapi/qapi-schema.json of a QEMU "
                + "source tree, e.g. the one a typed API was generated from) by structure: commands and events new "
                + "or missing on QEMU, commands whose arguments or return value changed, enum values FILE does not "
                + "know. Exits 0 even when they differ, unless --exit-code is given (then 1 means they differ, "
                + "like git diff). --json prints the report as one object.";
    }

    @Override
    public void addOptions(Options options) {
        options.addOption(option(null, "schema", "FILE", "the QAPI schema to compare with (qapi/qapi-schema.json)"));
        options.addOption(option(null, "exit-code", null, "exit with 1 when the schemas differ"));
    }

    @Override
    public int run(Invocation in) throws Exception {
        if (!in.args().isEmpty()) {
            throw new UsageException("unexpected argument '" + in.args().get(0) + "'");
        }
        QmpSchema expected = QmpSchema.parse(new ObjectMapper().readTree(
                Introspection.json(GenerateTool.parse(GenerateTool.required(in, "schema")))));
        SchemaDrift drift = SchemaDrift.between(expected, QmpSchema.load(in.client()));
        if (in.json()) {
            ObjectNode o = JsonCodec.object();
            names(o.putArray("new-commands"), drift.newCommands());
            names(o.putArray("missing-commands"), drift.missingCommands());
            changes(o.putObject("changed-commands"), drift.changedCommands());
            names(o.putArray("new-events"), drift.newEvents());
            names(o.putArray("missing-events"), drift.missingEvents());
            changes(o.putObject("changed-events"), drift.changedEvents());
            ObjectNode enums = o.putObject("new-enum-values");
            drift.newEnumValues().forEach((k, v) -> names(enums.putArray(k), v));
            in.printJson(o, true);
        } else {
            in.out().println(drift);
        }
        return drift.isEmpty() || !in.line().hasOption("exit-code") ? ExitCode.OK : ExitCode.FAILURE;
    }

    private static void names(ArrayNode into, List<String> names) {
        names.forEach(into::add);
    }

    private static void changes(ObjectNode into, List<SchemaDrift.Change> changes) {
        changes.forEach(c -> names(into.putArray(c.name()), c.changes()));
    }
}
