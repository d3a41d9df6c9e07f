package org.qmp4j.cli.shell;

import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;
import org.qmp4j.schema.QmpSchema;

/**
 * Tab completion from the live schema: command names; argument names, also nested ({@code data.}
 * descends into an object argument); enum values and {@code true}/{@code false} after {@code key=};
 * action types and their data inside {@code transaction(}.
 */
final class ShellCompleter implements Completer {
    private final ShellSession session;

    ShellCompleter(ShellSession session) {
        this.session = session;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        Commands commands = session.commands();
        List<String> words = line.words();
        int index = line.wordIndex();
        String word = line.word().substring(0, Math.min(line.word().length(), line.wordCursor()));
        boolean inTransaction = session.inTransaction() || (!words.isEmpty() && words.get(0).equals("transaction("));
        int offset = !session.inTransaction() && inTransaction ? 1 : 0; // words before the action type
        if (index == offset) {
            if (inTransaction) {
                commands.actionTypes().forEach(t -> candidates.add(new Candidate(t)));
                candidates.add(new Candidate(")"));
            } else {
                commands.names().forEach(n -> candidates.add(new Candidate(n)));
                if (!session.hmp()) {
                    candidates.add(new Candidate("help"));
                    candidates.add(new Candidate("transaction("));
                }
            }
            return;
        }
        QmpSchema schema = commands.schema();
        if (schema == null || index < offset) {
            return;
        }
        String head = words.get(offset);
        if (head.equals("help") && index == 1) {
            commands.names().forEach(n -> candidates.add(new Candidate(n)));
            return;
        }
        String type = inTransaction ? commands.actionDataType(head)
                : schema.command(head).map(QmpSchema.Command::argumentType).orElse(null);
        if (type == null) {
            return;
        }
        int eq = word.indexOf('=');
        if (eq >= 0) {
            String key = word.substring(0, eq);
            schema.member(type, key).ifPresent(m -> {
                String shape = schema.jsonType(m.type());
                List<String> values = shape.equals("boolean") ? List.of("true", "false") : schema.enumValues(m.type());
                for (String v : values) {
                    candidates.add(new Candidate(key + "=" + v, v, null, null, null, null, true));
                }
            });
            return;
        }
        int dot = word.lastIndexOf('.');
        String prefix = dot < 0 ? "" : word.substring(0, dot + 1);
        String objectType = dot < 0 ? type
                : schema.member(type, word.substring(0, dot)).map(QmpSchema.Member::type).orElse(null);
        if (objectType == null) {
            return;
        }
        for (QmpSchema.Member m : schema.members(objectType)) {
            String display = m.name() + (m.optional() ? "" : " (required)");
            if (schema.jsonType(m.type()).equals("object")) {
                candidates.add(new Candidate(prefix + m.name() + ".", m.name() + ".", null, null, null, null, false));
            }
            candidates.add(new Candidate(prefix + m.name() + "=", display, null, schema.describe(m.type()), null, null, false));
        }
    }
}
