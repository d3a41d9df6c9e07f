package org.qmp4j.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.qmp4j.QmpClient;

/**
 * What a running QEMU says about itself through {@code query-qmp-schema}: its commands, their
 * arguments and types, enum values, and the events it can emit. Used to complete, check and type
 * arguments before they are sent. Immutable and thread-safe.
 *
 * <p>QEMU hides the names of its non-builtin types behind numbers ({@code "178"}); this class only
 * resolves them, it never shows them to users: {@link #describe(String)} renders a type readably.
 */
public final class QmpSchema {

    /**
     * One argument of a command, member of an object type, or field of an event.
     *
     * @param name the member's name
     * @param type the schema's type name (resolve with {@link #describe}, {@link #jsonType}, {@link #members})
     * @param optional true when the member may be left out
     */
    public record Member(String name, String type, boolean optional) {
    }

    /**
     * A command.
     *
     * @param name the command's name
     * @param argumentType the type of its arguments object
     * @param returnType the type of its return value
     * @param allowOob whether it may run out of band
     */
    public record Command(String name, String argumentType, String returnType, boolean allowOob) {
    }

    private final Map<String, JsonNode> types = new HashMap<>();
    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Map<String, String> events = new LinkedHashMap<>();

    private QmpSchema(JsonNode schema) {
        for (JsonNode entity : schema) {
            String name = entity.path("name").asText();
            switch (entity.path("meta-type").asText()) {
                case "command" -> commands.put(name, new Command(name, entity.path("arg-type").asText(""),
                        entity.path("ret-type").asText(""), entity.path("allow-oob").asBoolean(false)));
                case "event" -> events.put(name, entity.path("arg-type").asText(""));
                default -> types.put(name, entity);
            }
        }
    }

    /**
     * @param schema the {@code return} value of {@code query-qmp-schema}
     * @return the schema
     */
    public static QmpSchema parse(JsonNode schema) {
        return new QmpSchema(schema);
    }

    /**
     * Fetches the schema from QEMU.
     *
     * @param qmp a connected client
     * @return the schema
     * @throws org.qmp4j.QmpCommandException when the server has no introspection (e.g. a guest agent)
     */
    public static QmpSchema load(QmpClient qmp) {
        return parse(qmp.execute("query-qmp-schema"));
    }

    /** @return every command name, sorted */
    public List<String> commandNames() {
        return new ArrayList<>(new TreeSet<>(commands.keySet()));
    }

    /** @return every event name, sorted */
    public List<String> eventNames() {
        return new ArrayList<>(new TreeSet<>(events.keySet()));
    }

    /**
     * @param name a command name
     * @return the command, if this QEMU has it
     */
    public Optional<Command> command(String name) {
        return Optional.ofNullable(commands.get(name));
    }

    /**
     * Whether a command takes arguments beyond the ones its schema lists. QEMU declares a few
     * commands with {@code 'gen': false} and checks their arguments itself ({@code device_add} takes
     * any device property); introspection does not show this, so it is listed here.
     *
     * @param command a command name
     * @return true if unknown argument names must not be refused
     */
    public boolean acceptsExtraArguments(String command) {
        return EXTRA_ARGUMENTS.contains(command);
    }

    private static final java.util.Set<String> EXTRA_ARGUMENTS = java.util.Set.of("device_add");

    /**
     * @param command a command name
     * @return its arguments (empty for an unknown command or one without arguments)
     */
    public List<Member> arguments(String command) {
        Command c = commands.get(command);
        return c == null ? List.of() : members(c.argumentType());
    }

    /**
     * @param event an event name
     * @return the members of its {@code data}
     */
    public List<Member> eventData(String event) {
        String t = events.get(event);
        return t == null ? List.of() : members(t);
    }

    /**
     * The members of an object type. For a union, the members of every variant are included (marked
     * optional, since which apply depends on the tag).
     *
     * @param type a type name
     * @return its members, or empty when it is not an object type
     */
    public List<Member> members(String type) {
        JsonNode t = types.get(type);
        if (t == null || !"object".equals(t.path("meta-type").asText())) {
            return List.of();
        }
        Map<String, Member> out = new LinkedHashMap<>();
        for (JsonNode m : t.path("members")) {
            String name = m.path("name").asText();
            out.put(name, new Member(name, m.path("type").asText(), m.has("default")));
        }
        for (JsonNode v : t.path("variants")) {
            for (Member m : members(v.path("type").asText())) {
                out.putIfAbsent(m.name(), new Member(m.name(), m.type(), true));
            }
        }
        return List.copyOf(out.values());
    }

    /** The raw introspection entity of a type, or null: for {@link SchemaDrift}'s walk. */
    JsonNode entity(String type) {
        return types.get(type);
    }

    /** The type of an event's data, or null when the event is unknown. */
    String eventType(String event) {
        return events.get(event);
    }

    /**
     * Finds a member by a dotted path, e.g. {@code data.node-name} below a command's arguments.
     *
     * @param type the object type to start from
     * @param dottedPath member names joined by dots
     * @return the member, if the path exists
     */
    public Optional<Member> member(String type, String dottedPath) {
        String current = type;
        Member found = null;
        for (String part : dottedPath.split("\\.", -1)) {
            found = null;
            for (Member m : members(current)) {
                if (m.name().equals(part)) {
                    found = m;
                    break;
                }
            }
            if (found == null) {
                return Optional.empty();
            }
            current = found.type();
        }
        return Optional.ofNullable(found);
    }

    /**
     * The type of one variant of a union, e.g. the {@code type: drive-backup} action of {@code transaction}.
     *
     * @param unionType an object type with variants
     * @param tagValue the tag's value
     * @return the variant's object type, if there is one
     */
    public Optional<String> variantType(String unionType, String tagValue) {
        JsonNode t = types.get(unionType);
        if (t != null) {
            for (JsonNode v : t.path("variants")) {
                if (tagValue.equals(v.path("case").asText())) {
                    return Optional.of(v.path("type").asText());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @param type a union type
     * @return the values its tag may take (empty when it is not a union)
     */
    public List<String> variantNames(String type) {
        JsonNode t = types.get(type);
        List<String> out = new ArrayList<>();
        if (t != null) {
            t.path("variants").forEach(v -> out.add(v.path("case").asText()));
        }
        return out;
    }

    /**
     * @param arrayType an array type name such as {@code [415]}
     * @return its element type
     */
    public String elementType(String arrayType) {
        JsonNode t = types.get(arrayType);
        if (t != null && t.has("element-type")) {
            return t.path("element-type").asText();
        }
        return arrayType.startsWith("[") && arrayType.endsWith("]") ? arrayType.substring(1, arrayType.length() - 1) : arrayType;
    }

    /**
     * @param type a type name
     * @return its enum values, or empty when it is not an enum
     */
    public List<String> enumValues(String type) {
        JsonNode t = types.get(type);
        if (t == null || !"enum".equals(t.path("meta-type").asText())) {
            return List.of();
        }
        List<String> values = new ArrayList<>();
        t.path("values").forEach(v -> values.add(v.asText()));
        if (values.isEmpty()) {
            t.path("members").forEach(v -> values.add(v.path("name").asText()));
        }
        return Collections.unmodifiableList(values);
    }

    /**
     * The JSON shape a value of this type has: {@code string}, {@code int}, {@code number},
     * {@code boolean}, {@code null}, {@code object}, {@code array}, {@code value} (anything) or
     * {@code enum} (a string from {@link #enumValues}). Alternates are {@code value}.
     *
     * @param type a type name
     * @return the shape
     */
    public String jsonType(String type) {
        if (type.startsWith("[")) {
            return "array";
        }
        JsonNode t = types.get(type);
        if (t == null) {
            return "value";
        }
        return switch (t.path("meta-type").asText()) {
            case "builtin" -> t.path("json-type").asText("value");
            case "enum" -> "enum";
            case "object" -> "object";
            case "array" -> "array";
            default -> "value";
        };
    }

    /**
     * A readable rendering of a type: builtins by name ({@code int}, {@code str}), enums as their
     * values ({@code 'tpm-tis'|'tpm-crb'}), arrays as {@code array of ...}, objects as {@code object}.
     *
     * @param type a type name
     * @return the description
     */
    public String describe(String type) {
        if (type.startsWith("[") && type.endsWith("]")) {
            return "array of " + describe(type.substring(1, type.length() - 1));
        }
        JsonNode t = types.get(type);
        if (t == null) {
            return type;
        }
        return switch (t.path("meta-type").asText()) {
            case "builtin" -> type;
            case "enum" -> {
                List<String> values = enumValues(type);
                yield values.size() <= 8 ? String.join("|", values)
                        : String.join("|", values.subList(0, 8)) + "|... (" + values.size() + " values)";
            }
            case "array" -> "array of " + describe(t.path("element-type").asText());
            case "alternate" -> {
                List<String> alts = new ArrayList<>();
                t.path("members").forEach(m -> alts.add(describe(m.path("type").asText())));
                yield String.join(" or ", alts);
            }
            case "object" -> "object";
            default -> type;
        };
    }
}
