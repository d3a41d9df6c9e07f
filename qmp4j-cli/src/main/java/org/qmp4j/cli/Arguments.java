package org.qmp4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.qmp4j.internal.framing.JsonCodec;
import org.qmp4j.schema.QmpSchema;

/**
 * Builds a command's arguments object from {@code key=value} words, shared by qmp-shell and qmp.
 *
 * <p>Values follow qmp-shell's modern rules (integers, {@code true}/{@code false}, JSON objects and
 * arrays, else a string), but a quoted value is always a string, and when the schema is known the
 * argument's declared type wins: {@code name=123} for a {@code str} argument sends {@code "123"}.
 * Dotted keys build nested objects. The schema also catches unknown and missing arguments before
 * anything is sent.
 */
public final class Arguments {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9](_?[0-9])*");
    private static final Pattern NUMBER = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private final QmpSchema schema;
    private final String command;
    private final String argumentType;
    private final ObjectNode object = JsonCodec.object();
    private final Set<String> keys = new LinkedHashSet<>();

    /**
     * @param schema the schema, or null when unknown (then nothing is checked)
     * @param command the command (for messages and the schema lookup)
     */
    public Arguments(QmpSchema schema, String command) {
        this.schema = schema;
        this.command = command;
        this.argumentType = schema == null ? null : schema.command(command).map(QmpSchema.Command::argumentType).orElse(null);
    }

    /**
     * An arguments object built under a given type instead of a command's (transaction actions).
     *
     * @param schema the schema, or null
     * @param label what to call it in messages
     * @param type the object type, or null
     * @return the builder
     */
    public static Arguments ofType(QmpSchema schema, String label, String type) {
        Arguments a = new Arguments(null, label);
        return type == null || schema == null ? a : new Arguments(schema, label, type);
    }

    private Arguments(QmpSchema schema, String label, String type) {
        this.schema = schema;
        this.command = label;
        this.argumentType = type;
    }

    /**
     * Adds one {@code key=value}.
     *
     * @param key the key, dots for nesting
     * @param text the value as typed
     * @param quoted true if it was quoted (then it is a string unless the schema says otherwise)
     * @throws UsageException for an unknown key, a bad value for its type, or a conflicting key
     */
    public void add(String key, String text, boolean quoted) {
        if (key.isEmpty()) {
            throw new UsageException("empty argument name in '=" + text + "'");
        }
        Optional<QmpSchema.Member> member = Optional.empty();
        if (argumentType != null) {
            member = schema.member(argumentType, key);
            if (member.isEmpty() && !schema.acceptsExtraArguments(command)) {
                List<String> names = new ArrayList<>();
                int dot = key.lastIndexOf('.');
                String parentType = dot < 0 ? argumentType
                        : schema.member(argumentType, key.substring(0, dot)).map(QmpSchema.Member::type).orElse(null);
                if (parentType != null && schema.jsonType(parentType).equals("object")) {
                    schema.members(parentType).forEach(m -> names.add(m.name()));
                    String leaf = dot < 0 ? key : key.substring(dot + 1);
                    throw new UsageException(command + " has no argument '" + key + "'"
                            + (names.isEmpty() ? " (it takes none)" : Suggest.didYouMean(names, leaf)
                                    + " (it takes: " + String.join(", ", names) + ")"));
                }
            }
        }
        JsonNode value = member.isPresent() ? typed(key, text, quoted, member.get().type()) : untyped(text, quoted);
        put(key, value);
    }

    /**
     * Adds a value that is already JSON (a raw JSON argument).
     *
     * @param key the key
     * @param value the value
     */
    public void put(String key, JsonNode value) {
        if (keys.contains(key)) {
            throw new UsageException("cannot set \"" + key + "\" multiple times");
        }
        for (String k : keys) {
            if (k.startsWith(key + ".")) {
                throw new UsageException("cannot use \"" + key + "\" as both leaf and non-leaf key");
            }
        }
        String[] parts = key.split("\\.", -1);
        ObjectNode o = object;
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            path.append(i == 0 ? "" : ".").append(parts[i]);
            if (keys.contains(path.toString())) {
                throw new UsageException("cannot use \"" + path + "\" as both leaf and non-leaf key");
            }
            JsonNode next = o.get(parts[i]);
            o = next instanceof ObjectNode n ? n : o.putObject(parts[i]);
        }
        o.set(parts[parts.length - 1], value);
        keys.add(key);
    }

    /**
     * @return the arguments object
     * @throws UsageException when a required top-level argument is missing
     */
    public ObjectNode build() {
        if (argumentType != null) {
            for (QmpSchema.Member m : schema.members(argumentType)) {
                if (!m.optional() && !object.has(m.name())) {
                    throw new UsageException(command + " needs argument '" + m.name() + "' ("
                            + schema.describe(m.type()) + ")");
                }
            }
        }
        return object;
    }

    /**
     * @param object an arguments object
     * @return the same members as a map, for {@code QmpClient.execute}
     */
    public static java.util.Map<String, JsonNode> asMap(ObjectNode object) {
        java.util.Map<String, JsonNode> map = new java.util.LinkedHashMap<>();
        object.properties().forEach(e -> map.put(e.getKey(), e.getValue()));
        return map;
    }

    /**
     * qmp-shell's rules without a schema.
     *
     * @param text the value as typed
     * @param quoted whether it was quoted
     * @return the JSON value
     */
    public static JsonNode untyped(String text, boolean quoted) {
        if (quoted) {
            return TextNode.valueOf(text);
        }
        if (INTEGER.matcher(text).matches()) {
            BigInteger big = new BigInteger(text.replace("_", "").replace("+", ""));
            return big.bitLength() < 64 ? LongNode.valueOf(big.longValue()) : BigIntegerNode.valueOf(big);
        }
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return BooleanNode.valueOf(text.equalsIgnoreCase("true"));
        }
        if (text.startsWith("{") || text.startsWith("[")) {
            JsonNode n = Json.parseLenient(text);
            if (n == null) {
                throw new UsageException("not valid JSON: " + text);
            }
            return n;
        }
        return TextNode.valueOf(text);
    }

    private JsonNode typed(String key, String text, boolean quoted, String type) {
        String shape = schema.jsonType(type);
        switch (shape) {
            case "string":
                return TextNode.valueOf(text);
            case "enum":
                List<String> values = schema.enumValues(type);
                if (!values.isEmpty() && !values.contains(text)) {
                    throw new UsageException(key + " must be one of " + String.join(", ", values) + ", got '" + text + "'");
                }
                return TextNode.valueOf(text);
            case "int":
                if (!INTEGER.matcher(text).matches()) {
                    throw new UsageException(key + " needs an integer, got '" + text + "'");
                }
                BigInteger big = new BigInteger(text.replace("_", "").replace("+", ""));
                return big.bitLength() < 64 ? LongNode.valueOf(big.longValue())
                        : BigIntegerNode.valueOf(big); // uint64 beyond Long.MAX_VALUE
            case "number":
                if (!NUMBER.matcher(text).matches()) {
                    throw new UsageException(key + " needs a number, got '" + text + "'");
                }
                return DecimalNode.valueOf(new BigDecimal(text));
            case "boolean":
                if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                    throw new UsageException(key + " needs true or false, got '" + text + "'");
                }
                return BooleanNode.valueOf(text.equalsIgnoreCase("true"));
            default:
                return untyped(text, quoted);
        }
    }
}
