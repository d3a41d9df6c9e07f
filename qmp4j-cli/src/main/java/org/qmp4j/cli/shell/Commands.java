package org.qmp4j.cli.shell;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.qmp4j.QmpClient;
import org.qmp4j.QmpCommandException;
import org.qmp4j.schema.QmpSchema;

/**
 * What the shell knows about the server's commands: the full schema when {@code query-qmp-schema}
 * works, else just names from {@code query-commands} or the guest agent's {@code guest-info}, else
 * nothing (then nothing is checked). In HMP mode, the names from HMP's {@code help}.
 */
final class Commands {
    private final QmpSchema schema;
    private final Set<String> names;

    private Commands(QmpSchema schema, Set<String> names) {
        this.schema = schema;
        this.names = names;
    }

    static Commands load(QmpClient qmp, boolean hmp) {
        if (hmp) {
            Set<String> names = new TreeSet<>();
            try {
                String help = qmp.execute("human-monitor-command", Map.of("command-line", "help")).asText();
                for (String line : help.split("\r?\n")) {
                    String w = line.strip().split("[ |]", 2)[0];
                    if (!w.isEmpty()) {
                        names.add(w);
                    }
                }
            } catch (QmpCommandException e) {
                // no HMP help: no completion
            }
            names.add("cpu");
            return new Commands(null, names);
        }
        try {
            QmpSchema s = QmpSchema.load(qmp);
            return new Commands(s, new TreeSet<>(s.commandNames()));
        } catch (QmpCommandException noIntrospection) {
            Set<String> names = new TreeSet<>();
            try {
                qmp.execute("query-commands").forEach(c -> names.add(c.path("name").asText()));
            } catch (QmpCommandException noQueryCommands) {
                try { // the guest agent lists its commands in guest-info
                    // Disabled ones too: the agent's own "has been disabled" says more than a local refusal.
                    for (JsonNode c : qmp.execute("guest-info").path("supported_commands")) {
                        names.add(c.path("name").asText());
                    }
                } catch (QmpCommandException nothing) {
                    // unknown server: completion and checks are off
                }
            }
            return new Commands(null, names);
        }
    }

    /** @return the schema, or null when the server has no introspection */
    QmpSchema schema() {
        return schema;
    }

    /** @return command names, sorted */
    List<String> names() {
        return new ArrayList<>(names);
    }

    /** @return true if the names are known, so unknown commands can be refused before sending */
    boolean known() {
        return !names.isEmpty();
    }

    boolean has(String name) {
        return names.contains(name);
    }

    /** @return the union type of a transaction's actions, if the schema has it */
    private Optional<String> actionType() {
        if (schema == null) {
            return Optional.empty();
        }
        return schema.member(schema.command("transaction").map(QmpSchema.Command::argumentType).orElse(""), "actions")
                .map(m -> schema.elementType(m.type()));
    }

    /** @return the action types {@code transaction} accepts */
    List<String> actionTypes() {
        return actionType().map(schema::variantNames).orElse(List.of());
    }

    /**
     * @param action an action type, e.g. {@code blockdev-snapshot-sync}
     * @return the type of its {@code data}, or null when unknown
     */
    String actionDataType(String action) {
        return actionType().flatMap(t -> schema.variantType(t, action))
                .flatMap(v -> schema.member(v, "data")).map(QmpSchema.Member::type).orElse(null);
    }
}
