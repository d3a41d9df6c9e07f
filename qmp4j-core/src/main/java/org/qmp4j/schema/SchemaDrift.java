package org.qmp4j.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a running QEMU's schema differs from the one code was written (or generated) against: commands and
 * events that are new or missing, commands whose arguments or return value changed shape, and enum values
 * the expected schema did not know. Immutable.
 *
 * <p>QEMU's introspection hides type names behind numbers, so two schemas are compared by structure: each
 * command's arguments and return value, each event's data, walked member by member in both at once. Only
 * what matters to a caller is reported: for arguments every added, removed or retyped member and every
 * change of required-ness; for return values and event data the members that were removed, retyped or
 * became optional (new members there are harmless: decoding ignores them). Enum values are reported under
 * the expected schema's type name ({@code RunState}), which is readable when the expected schema is a
 * generated one (its names are not masked).
 *
 * <pre>{@code
 * SchemaDrift drift = SchemaDrift.between(expected, QmpSchema.load(qmp));
 * if (!drift.isEmpty()) System.err.println(drift);
 * }</pre>
 */
public final class SchemaDrift {

    /**
     * What changed about one command or event.
     *
     * @param name the command's or event's name
     * @param changes one line each, e.g. {@code argument 'format' added (required)}
     */
    public record Change(String name, List<String> changes) {
        /**
         * Copies the list: a report is immutable.
         *
         * @param name the command's or event's name
         * @param changes one line each
         */
        public Change {
            changes = List.copyOf(changes);
        }
    }

    private final List<String> newCommands;
    private final List<String> missingCommands;
    private final List<Change> changedCommands;
    private final List<String> newEvents;
    private final List<String> missingEvents;
    private final List<Change> changedEvents;
    private final Map<String, List<String>> newEnumValues;

    private SchemaDrift(Walk w, List<String> newCommands, List<String> missingCommands, List<String> newEvents,
            List<String> missingEvents) {
        this.newCommands = List.copyOf(newCommands);
        this.missingCommands = List.copyOf(missingCommands);
        this.changedCommands = List.copyOf(w.changedCommands);
        this.newEvents = List.copyOf(newEvents);
        this.missingEvents = List.copyOf(missingEvents);
        this.changedEvents = List.copyOf(w.changedEvents);
        Map<String, List<String>> enums = new TreeMap<>();
        w.newEnumValues.forEach((k, v) -> enums.put(k, List.copyOf(v)));
        this.newEnumValues = Collections.unmodifiableMap(enums);
    }

    /**
     * Compares two schemas.
     *
     * @param expected what the code knows, e.g. the introspection a generated API carries
     * @param live what QEMU says, {@link QmpSchema#load}
     * @return the differences
     */
    public static SchemaDrift between(QmpSchema expected, QmpSchema live) {
        Set<String> expCommands = new TreeSet<>(expected.commandNames());
        Set<String> liveCommands = new TreeSet<>(live.commandNames());
        Set<String> expEvents = new TreeSet<>(expected.eventNames());
        Set<String> liveEvents = new TreeSet<>(live.eventNames());
        Walk w = new Walk(expected, live);
        for (String c : expCommands) {
            if (liveCommands.contains(c)) {
                QmpSchema.Command e = expected.command(c).orElseThrow();
                QmpSchema.Command l = live.command(c).orElseThrow();
                List<String> changes = new ArrayList<>();
                w.compare("argument", e.argumentType(), l.argumentType(), true, changes);
                w.compare("return value", e.returnType(), l.returnType(), false, changes);
                if (!changes.isEmpty()) {
                    w.changedCommands.add(new Change(c, changes));
                }
            }
        }
        for (String ev : expEvents) {
            if (liveEvents.contains(ev)) {
                List<String> changes = new ArrayList<>();
                w.compare("data", expected.eventType(ev), live.eventType(ev), false, changes);
                if (!changes.isEmpty()) {
                    w.changedEvents.add(new Change(ev, changes));
                }
            }
        }
        return new SchemaDrift(w, minus(liveCommands, expCommands), minus(expCommands, liveCommands),
                minus(liveEvents, expEvents), minus(expEvents, liveEvents));
    }

    private static List<String> minus(Set<String> a, Set<String> b) {
        List<String> out = new ArrayList<>(a);
        out.removeAll(b);
        return out;
    }

    /** @return commands QEMU has and the expected schema does not, sorted */
    public List<String> newCommands() {
        return newCommands;
    }

    /** @return commands the expected schema has and QEMU does not (removed, or not built into it), sorted */
    public List<String> missingCommands() {
        return missingCommands;
    }

    /** @return commands in both whose arguments or return value changed, sorted by name */
    public List<Change> changedCommands() {
        return changedCommands;
    }

    /** @return events QEMU may emit that the expected schema does not know, sorted */
    public List<String> newEvents() {
        return newEvents;
    }

    /** @return events the expected schema has and QEMU does not, sorted */
    public List<String> missingEvents() {
        return missingEvents;
    }

    /** @return events in both whose data lost or retyped a member, sorted by name */
    public List<Change> changedEvents() {
        return changedEvents;
    }

    /**
     * Enum values QEMU may send or accept that the expected schema does not know (generated code decodes
     * them as {@code UNKNOWN}), by the expected schema's name of the enum.
     *
     * @return sorted by enum name; the values in QEMU's order
     */
    public Map<String, List<String>> newEnumValues() {
        return newEnumValues;
    }

    /** @return whether the two schemas agree on everything this report covers */
    public boolean isEmpty() {
        return newCommands.isEmpty() && missingCommands.isEmpty() && changedCommands.isEmpty()
                && newEvents.isEmpty() && missingEvents.isEmpty() && changedEvents.isEmpty()
                && newEnumValues.isEmpty();
    }

    /** @return a readable report, one finding per line; "no drift" when empty */
    @Override
    public String toString() {
        if (isEmpty()) {
            return "no drift: QEMU's schema matches";
        }
        StringBuilder b = new StringBuilder();
        list(b, "new commands (QEMU has them, the expected schema does not)", newCommands);
        list(b, "missing commands (expected, QEMU does not have them: removed, or not built in)", missingCommands);
        changes(b, "changed commands", changedCommands);
        list(b, "new events", newEvents);
        list(b, "missing events", missingEvents);
        changes(b, "changed events", changedEvents);
        if (!newEnumValues.isEmpty()) {
            b.append("new enum values (decoded as UNKNOWN): ").append(newEnumValues.size()).append('\n');
            newEnumValues.forEach((k, v) -> b.append("  ").append(k).append(": ").append(String.join(", ", v))
                    .append('\n'));
        }
        return b.toString().stripTrailing();
    }

    private static void list(StringBuilder b, String title, List<String> names) {
        if (!names.isEmpty()) {
            b.append(title).append(": ").append(names.size()).append('\n');
            names.forEach(n -> b.append("  ").append(n).append('\n'));
        }
    }

    private static void changes(StringBuilder b, String title, List<Change> changes) {
        if (!changes.isEmpty()) {
            b.append(title).append(": ").append(changes.size()).append('\n');
            for (Change c : changes) {
                b.append("  ").append(c.name()).append('\n');
                c.changes().forEach(line -> b.append("    ").append(line).append('\n'));
            }
        }
    }

    /** Where in a command or event a finding is: {@code argument 'file.aio' (when driver is 'qcow2')}. */
    private record Where(String kind, String path, String when) {
        Where member(String name) {
            return new Where(kind, path.isEmpty() ? name : path + "." + name, when);
        }

        Where element() {
            return new Where(kind, path + "[]", when);
        }

        Where variant(String tag, String value) {
            String v = (path.isEmpty() ? "" : path + ".") + tag + " is '" + value + "'";
            return new Where(kind, path, when == null ? v : when + ", " + v);
        }

        @Override
        public String toString() {
            return kind + (path.isEmpty() ? "" : " '" + path + "'") + (when == null ? "" : " (when " + when + ")");
        }
    }

    /** Walks the types of both schemas in step, collecting findings. */
    private static final class Walk {
        private final QmpSchema expected;
        private final QmpSchema live;
        final List<Change> changedCommands = new ArrayList<>();
        final List<Change> changedEvents = new ArrayList<>();
        final Map<String, Set<String>> newEnumValues = new LinkedHashMap<>();

        Walk(QmpSchema expected, QmpSchema live) {
            this.expected = expected;
            this.live = live;
        }

        void compare(String kind, String exp, String liv, boolean input, List<String> out) {
            compare(new Where(kind, "", null), exp, liv, input, out, new HashSet<>());
        }

        /**
         * Compares a value's type in both schemas.
         *
         * @param input true for what the caller sends (arguments), false for what QEMU sends
         * @param seen type pairs already walked for this command (schemas are recursive)
         */
        private void compare(Where where, String exp, String liv, boolean input, List<String> out, Set<String> seen) {
            String e = expected.jsonType(exp);
            String l = live.jsonType(liv);
            if (!e.equals(l)) {
                // An enum is a string on the wire: a string that became an enum still reads as one, and an enum
                // argument that became a string still accepts what the code sends.
                boolean compatible = input ? e.equals("enum") && l.equals("string") : e.equals("string") && l.equals("enum");
                if (!compatible) {
                    out.add(where + ": " + expected.describe(exp) + " is now " + live.describe(liv));
                }
                return;
            }
            if (!seen.add(exp + '\u0000' + liv)) {
                return;
            }
            switch (e) {
                case "object" -> object(where, exp, liv, input, out, seen);
                case "array" -> compare(where.element(), expected.elementType(exp), live.elementType(liv), input, out,
                        seen);
                case "enum" -> enumValues(exp, liv);
                default -> {
                    // builtins of the same JSON type agree; alternates are not looked into
                }
            }
        }

        private void object(Where where, String exp, String liv, boolean input, List<String> out, Set<String> seen) {
            JsonNode e = expected.entity(exp);
            JsonNode l = live.entity(liv);
            Map<String, JsonNode> em = members(e);
            Map<String, JsonNode> lm = members(l);
            for (Map.Entry<String, JsonNode> m : em.entrySet()) {
                Where at = where.member(m.getKey());
                JsonNode lmem = lm.get(m.getKey());
                if (lmem == null) {
                    out.add(at + " removed");
                    continue;
                }
                boolean eOpt = m.getValue().has("default");
                boolean lOpt = lmem.has("default");
                if (eOpt && !lOpt && input) {
                    out.add(at + " is now required");
                } else if (!eOpt && lOpt) {
                    out.add(at + " is now optional");
                }
                compare(at, m.getValue().path("type").asText(), lmem.path("type").asText(), input, out, seen);
            }
            if (input) {
                for (Map.Entry<String, JsonNode> m : lm.entrySet()) {
                    if (!em.containsKey(m.getKey())) {
                        out.add(where.member(m.getKey()) + " added ("
                                + (m.getValue().has("default") ? "optional" : "required") + ")");
                    }
                }
            }
            Map<String, String> lv = variants(l);
            for (Map.Entry<String, String> v : variants(e).entrySet()) {
                String lt = lv.get(v.getKey());
                if (lt != null) {
                    object(where.variant(e.path("tag").asText(), v.getKey()), v.getValue(), lt, input, out, seen);
                }
            }
        }

        private void enumValues(String exp, String liv) {
            List<String> known = expected.enumValues(exp);
            for (String v : live.enumValues(liv)) {
                if (!known.contains(v)) {
                    newEnumValues.computeIfAbsent(exp, k -> new LinkedHashSet<>()).add(v);
                }
            }
        }

        private static Map<String, JsonNode> members(JsonNode object) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            if (object != null) {
                object.path("members").forEach(m -> out.put(m.path("name").asText(), m));
            }
            return out;
        }

        private static Map<String, String> variants(JsonNode object) {
            Map<String, String> out = new LinkedHashMap<>();
            if (object != null) {
                object.path("variants").forEach(v -> out.put(v.path("case").asText(), v.path("type").asText()));
            }
            return out;
        }
    }
}
