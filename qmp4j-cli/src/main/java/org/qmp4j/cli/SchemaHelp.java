package org.qmp4j.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.qmp4j.QmpClient;
import org.qmp4j.schema.QmpSchema;

/** {@code help} and {@code help COMMAND} for qmp-shell and qmp, from the live schema. */
public final class SchemaHelp {
    private SchemaHelp() {
    }

    /**
     * Lists the commands in columns.
     *
     * @param schema the schema, or null (then {@code query-commands} is used)
     * @param qmp the client, for the fallback
     * @param out where to print
     */
    public static void commands(QmpSchema schema, QmpClient qmp, PrintStream out) {
        List<String> names = new ArrayList<>();
        if (schema != null) {
            names.addAll(schema.commandNames());
        } else {
            qmp.execute("query-commands").forEach(c -> names.add(c.path("name").asText()));
            names.sort(null);
        }
        columns(names, out);
        out.println(names.size() + " commands; 'help COMMAND' shows one command's arguments");
    }

    /**
     * Shows a command's arguments: name, type, optional or not; and its return type.
     *
     * @param schema the schema, or null
     * @param command the command
     * @param out where to print
     */
    public static void command(QmpSchema schema, String command, PrintStream out) {
        if (schema == null) {
            throw new ToolFailure("this server has no query-qmp-schema, so there is no help for " + command,
                    ExitCode.FAILURE, null);
        }
        QmpSchema.Command c = schema.command(command)
                .orElseThrow(() -> new UsageException("QEMU has no command '" + command + "'"
                        + Suggest.didYouMean(schema.commandNames(), command)));
        List<QmpSchema.Member> args = schema.arguments(command);
        out.println(command + (args.isEmpty() ? " (no arguments)" : ""));
        for (QmpSchema.Member m : args) {
            out.println("  " + m.name() + (m.optional() ? " (optional)" : "") + ": " + schema.describe(m.type()));
        }
        boolean returnsNothing = schema.jsonType(c.returnType()).equals("object") && schema.members(c.returnType()).isEmpty();
        if (!c.returnType().isEmpty() && !returnsNothing) {
            out.println("  returns: " + schema.describe(c.returnType()));
        }
        if (c.allowOob()) {
            out.println("  may run out of band (exec-oob)");
        }
    }

    /**
     * @param names words
     * @param out where to print them in columns (100 wide)
     */
    public static void columns(List<String> names, PrintStream out) {
        int width = names.stream().mapToInt(String::length).max().orElse(0) + 2;
        int cols = Math.max(1, 100 / width);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            line.append(String.format("%-" + width + "s", names.get(i)));
            if ((i + 1) % cols == 0 || i == names.size() - 1) {
                out.println(line.toString().stripTrailing());
                line.setLength(0);
            }
        }
    }
}
